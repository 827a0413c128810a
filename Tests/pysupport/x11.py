"""X11 through ctypes (Xlib), just what a window manager does, and real key presses (xdotool)."""

import ctypes
import os
import subprocess

from harness import check
from waiting import wait_until
from xlib import XEvent, XWindowAttributes, libx11

XA_CARDINAL = 6


class X11:
    """Just enough Xlib to do what a window manager does: find a process's toplevel
    (by _NET_WM_PID), ask it to close (WM_DELETE_WINDOW), move it."""

    def __init__(self):
        x = libx11()
        check(x, "libX11 not found")
        self.x = x
        # xvfb-run returns once Xvfb said it is ready, but give a slow start some slack
        self.dpy = wait_until(f"X display {os.environ.get('DISPLAY')!r}", lambda: x.XOpenDisplay(None), 10.0)
        self.root = x.XDefaultRootWindow(self.dpy)

    def atom(self, name):
        return self.x.XInternAtom(self.dpy, name.encode(), 0)

    def _children(self, w):
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        kids, n = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
        if not self.x.XQueryTree(self.dpy, w, ctypes.byref(root), ctypes.byref(parent),
                                 ctypes.byref(kids), ctypes.byref(n)):
            return []
        result = [kids[i] for i in range(n.value)]
        if kids:
            self.x.XFree(kids)
        return result

    def _property(self, window, name, length, kind=0, item=ctypes.c_ulong):
        """XGetWindowProperty of up to `length` items of `kind` (0: AnyPropertyType): the property's
        format and its items, copied out (format 32 arrives as C longs); (0, []) without one."""
        actual, fmt = ctypes.c_ulong(), ctypes.c_int()
        nitems, after, prop = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        ok = self.x.XGetWindowProperty(self.dpy, window, self.atom(name), 0, length, 0, kind,
                                       ctypes.byref(actual), ctypes.byref(fmt), ctypes.byref(nitems),
                                       ctypes.byref(after), ctypes.byref(prop))
        try:
            if ok != 0 or not prop.value:
                return 0, []
            return fmt.value, ctypes.cast(prop, ctypes.POINTER(item))[:nitems.value]
        finally:
            if prop.value:
                self.x.XFree(prop)

    def _pid_of(self, w):
        _, items = self._property(w, "_NET_WM_PID", 1, XA_CARDINAL)
        return items[0] if len(items) == 1 else None

    def _viewable(self, w):
        attrs = XWindowAttributes()
        return self.x.XGetWindowAttributes(self.dpy, w, ctypes.byref(attrs)) and attrs.map_state == 2

    def toplevels_of(self, pid):
        """Mapped windows carrying _NET_WM_PID == pid (GTK's unmapped client leader is skipped)."""
        found, stack = [], [self.root]
        while stack:  # a window manager may reparent toplevels into frames
            for w in self._children(stack.pop()):
                if self._pid_of(w) == pid:
                    if self._viewable(w):
                        found.append(w)
                else:
                    stack.append(w)
        return found

    def icon_sizes(self, window):
        """The (width, height) of each image in the window's _NET_WM_ICON (what title bars and
        task bars show); [] without one."""
        fmt, data = self._property(window, "_NET_WM_ICON", 1 << 20, XA_CARDINAL)
        sizes = []
        if fmt == 32:
            i = 0
            while i + 2 <= len(data):
                w, h = data[i], data[i + 1]
                sizes.append((w, h))
                i += 2 + w * h
        return sizes

    def request_close(self, window):
        ev = XEvent()
        ev.xclient.type = 33  # ClientMessage
        ev.xclient.window = window
        ev.xclient.message_type = self.atom("WM_PROTOCOLS")
        ev.xclient.format = 32
        ev.xclient.data[0] = self.atom("WM_DELETE_WINDOW")
        ev.xclient.data[1] = 0  # CurrentTime
        check(self.x.XSendEvent(self.dpy, window, 0, 0, ctypes.byref(ev)), "XSendEvent failed")
        self.x.XFlush(self.dpy)

    def move(self, window, x, y):
        self.x.XMoveWindow(self.dpy, window, x, y)
        self.x.XFlush(self.dpy)

    def resize(self, window, width, height):
        self.x.XResizeWindow(self.dpy, window, width, height)
        self.x.XFlush(self.dpy)

    def geometry(self, window):
        """(x, y, width, height) of the window, in device pixels."""
        attrs = XWindowAttributes()
        check(self.x.XGetWindowAttributes(self.dpy, window, ctypes.byref(attrs)), "XGetWindowAttributes failed")
        return attrs.x, attrs.y, attrs.width, attrs.height

    def min_size(self, window):
        """The minimum size the window asks its window manager for (WM_NORMAL_HINTS' PMinSize),
        None without one."""
        _, data = self._property(window, "WM_NORMAL_HINTS", 18, item=ctypes.c_long)
        if len(data) >= 7 and data[0] & (1 << 4):   # flags, x, y, w, h, min_w, min_h, ...
            return data[5], data[6]
        return None

_x11 = None


def x11():
    global _x11
    if _x11 is None:
        _x11 = X11()
    return _x11


def close_window(app):
    """What a window manager's close button does: WM_DELETE_WINDOW to the toplevel."""
    wins = wait_until(f"an X toplevel of {app.name}", lambda: x11().toplevels_of(app.pid), 2.0)
    for w in wins:
        x11().request_close(w)


def xdotool(*args):
    """Runs xdotool (real X input through XTEST, as a user's keyboard and pointer give)."""
    subprocess.run(["xdotool", *map(str, args)], capture_output=True, timeout=10)


def send_keys(app, *combos):
    """Real key presses (XTEST) into the app's window, focused first (no window manager here)."""
    for window in x11().toplevels_of(app.pid):
        xdotool("windowfocus", str(window))
    for combo in combos:
        xdotool("key", "--clearmodifiers", combo)
