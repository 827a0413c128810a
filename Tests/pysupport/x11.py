"""X11 through ctypes (Xlib), just what a window manager does, and real key presses (xdotool)."""

import ctypes
import ctypes.util
import os
import subprocess

from harness import check
from waiting import wait_until


class XClientMessageEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("data", ctypes.c_long * 5)]


class XWindowAttributes(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
                ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
                ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong), ("class_", ctypes.c_int),
                ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
                ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
                ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
                ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
                ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
                ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
                ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p)]


class XEvent(ctypes.Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", ctypes.c_long * 24)]


class X11:
    """Just enough Xlib to do what a window manager does: find a process's toplevel
    (by _NET_WM_PID), ask it to close (WM_DELETE_WINDOW), move it."""

    def __init__(self):
        lib = ctypes.util.find_library("X11")
        check(lib, "libX11 not found")
        x = ctypes.CDLL(lib)
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                                 ctypes.POINTER(ctypes.c_ulong),
                                 ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                                 ctypes.POINTER(ctypes.c_uint)]
        x.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long,
                                         ctypes.c_long, ctypes.c_int, ctypes.c_ulong,
                                         ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
                                         ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
                                         ctypes.POINTER(ctypes.c_void_p)]
        x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                                 ctypes.POINTER(XEvent)]
        x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                           ctypes.POINTER(XWindowAttributes)]
        x.XMoveWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int]
        x.XResizeWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_uint, ctypes.c_uint]
        x.XFlush.argtypes = [ctypes.c_void_p]
        x.XFree.argtypes = [ctypes.c_void_p]
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

    def _pid_of(self, w):
        actual, fmt = ctypes.c_ulong(), ctypes.c_int()
        nitems, after, prop = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        ok = self.x.XGetWindowProperty(self.dpy, w, self.atom("_NET_WM_PID"), 0, 1, 0, 6,  # XA_CARDINAL
                                       ctypes.byref(actual), ctypes.byref(fmt), ctypes.byref(nitems),
                                       ctypes.byref(after), ctypes.byref(prop))
        pid = None
        if ok == 0 and prop.value and nitems.value == 1:
            pid = ctypes.cast(prop, ctypes.POINTER(ctypes.c_ulong))[0]
        if prop.value:
            self.x.XFree(prop)
        return pid

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
        actual, fmt = ctypes.c_ulong(), ctypes.c_int()
        nitems, after, prop = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        ok = self.x.XGetWindowProperty(self.dpy, window, self.atom("_NET_WM_ICON"), 0, 1 << 20, 0, 6,
                                       ctypes.byref(actual), ctypes.byref(fmt), ctypes.byref(nitems),
                                       ctypes.byref(after), ctypes.byref(prop))
        sizes = []
        if ok == 0 and prop.value and fmt.value == 32:
            data = ctypes.cast(prop, ctypes.POINTER(ctypes.c_ulong))  # format 32 arrives as longs
            i = 0
            while i + 2 <= nitems.value:
                w, h = data[i], data[i + 1]
                sizes.append((w, h))
                i += 2 + w * h
        if prop.value:
            self.x.XFree(prop)
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
        actual, fmt = ctypes.c_ulong(), ctypes.c_int()
        nitems, after, prop = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        ok = self.x.XGetWindowProperty(self.dpy, window, self.atom("WM_NORMAL_HINTS"), 0, 18, 0, 0,  # AnyPropertyType
                                       ctypes.byref(actual), ctypes.byref(fmt), ctypes.byref(nitems),
                                       ctypes.byref(after), ctypes.byref(prop))
        size = None
        if ok == 0 and prop.value and nitems.value >= 7:
            data = ctypes.cast(prop, ctypes.POINTER(ctypes.c_long))   # flags, x, y, w, h, min_w, min_h, ...
            if data[0] & (1 << 4):
                size = (data[5], data[6])
        if prop.value:
            self.x.XFree(prop)
        return size


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
