#!/usr/bin/python3
"""End-to-end GUI tests: the real `sharedmemory` and `sharedmemory_loader` windows,
driven through AT-SPI.

Run under an X server and a private D-Bus session, with Debian's interpreter (python3-gi):

    xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- /usr/bin/python3 Tests/gui/run_gui_tests.py

(`make gui-test` does this.) Environment:
    SHAREDMEMORY_BIN_DIR      folder with the three binaries (default: `swift build --show-bin-path`)
    SHAREDMEMORY_ASSETS       sample files folder (default: assets/files)
    SHAREDMEMORY_SCREENSHOTS  space-separated PNG paths for the screenshot (default: out/screenshot.png,
                              out/screenshot-LANG.png in a translated run)
    SHAREDMEMORY_GUI_LANGUAGE "de": the German run (Tests/gui/l10n.py), TRANSLATED and german_tests only
    GUI_TESTS                 comma-separated test names to run only those

Accessibility: GTK 3 links the AT-SPI bridge (libatk-bridge) itself; it is switched on unless
NO_AT_BRIDGE=1. The accessibility bus (at-spi-bus-launcher) and the registry are started by
D-Bus activation inside `dbus-run-session`, from at-spi2-core's service files: the first
Atspi call starts them. Nothing else is needed (no GTK_MODULES, no gsettings).

Every test uses its own key, so runs never collide, and kills what it started. A test also fails
when an app it started printed a GTK, GDK, GLib, Pango, ATK or GtkSourceView warning or critical
(ALLOWED_WARNINGS lists the exceptions, each with its reason: under Wayland, the headless
compositor's missing seat).
The closing line is `N passed, M failed`; the exit status is non-zero on any failure.
"""

import ctypes
import ctypes.util
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import l10n  # noqa: E402  (next to this file: the run's language, SHAREDMEMORY_GUI_LANGUAGE)
from l10n import prefix, tr  # noqa: E402

l10n.apply_to_process()
VIEWER_TITLE = tr("Shared Memory")
LOADER_TITLE = tr("Shared Memory Loader")
EMPTY_MESSAGE = tr("No file loaded yet, please use sharedmemory_loader to load one.")
TRUNCATION_NOTE = prefix("truncated: {stored} of {total} bytes fit in the segment")   # in the Segment line
# "wayland": the apps run under the compositor of WAYLAND_DISPLAY (run_wayland.sh), and only the
# tests that need no X11 (no xdotool, no X window lookup) run.
BACKEND = os.environ.get("SHAREDMEMORY_GUI_BACKEND", "x11")
UPDATE_DEADLINE = 1.0          # the viewer shows a loaded file within this many seconds
START_DEADLINE = 15.0          # a window appears on the accessibility bus
EXIT_DEADLINE = 5.0


# --------------------------------------------------------------------------- configuration

sys.path.insert(0, os.path.join(ROOT, "Tests", "pysupport"))
from harness import BIN, CTL, LOADER, VIEWER, TestFailure, check, ctl  # noqa: E402,F401
ASSETS = os.environ.get("SHAREDMEMORY_ASSETS", os.path.join(ROOT, "assets", "files"))
SCREENSHOTS = os.environ.get("SHAREDMEMORY_SCREENSHOTS", os.path.join(
    ROOT, "out", f"screenshot{'-' + l10n.LANGUAGE if l10n.LANGUAGE else ''}.png")).split()


class Fatal(TestFailure):
    """A failure that no amount of waiting fixes (a process exited): wait_until re-raises it."""


def short(value, limit=300):
    r = repr(value)
    return r if len(r) <= limit else r[:limit] + f"... ({len(value)} chars)"


def wait_until(what, fn, timeout):
    """Polls fn() until it returns a truthy value; fails with the last value seen."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = fn()
        except Fatal:
            raise
        except Exception as e:  # an accessible that is not there yet, a process still starting
            last = e
        if last and not isinstance(last, Exception):
            return last
        if time.monotonic() >= deadline:
            raise TestFailure(f"timed out after {timeout:.1f}s waiting for {what}; last: {short(last)}")
        time.sleep(0.03)


# --------------------------------------------------------------------------- keys, Qt style

def temp_dir():
    return (os.environ.get("TMPDIR") or "/tmp").rstrip("/") or "/"


def native_file(key, prefix):
    """Qt's QSharedMemoryPrivate::makePlatformSafeKey: letters of the key + sha1 of the key."""
    letters = re.sub(r"[^A-Za-z]", "", key)
    return os.path.join(temp_dir(), prefix + letters + hashlib.sha1(key.encode()).hexdigest())


def shm_file(key):
    return native_file(key, "qipc_sharedmemory_")


def sem_file(key):
    return native_file(key, "qipc_systemsem_")


def ftok(path, proj=ord("Q")):
    """glibc ftok(3); Qt passes 'Q'."""
    st = os.stat(path)
    return ((proj & 0xFF) << 24) | ((st.st_dev & 0xFF) << 16) | (st.st_ino & 0xFFFF)


def ipcs_keys(kind):
    """Numeric keys listed by `ipcs -m` (kind 'm') or `ipcs -s` (kind 's')."""
    out = subprocess.run(["ipcs", "-" + kind], capture_output=True, text=True, check=True).stdout
    return {int(m.group(1), 16) for m in re.finditer(r"^(0x[0-9a-fA-F]+)\s", out, re.M)}


def segment_live(key):
    """True when the key file exists and the kernel lists a segment for its ftok key."""
    path = shm_file(key)
    return os.path.exists(path) and ftok(path) in ipcs_keys("m")


# --------------------------------------------------------------------------- UTF-8 repair

def glib_make_valid(data: bytes) -> str:
    """g_utf8_make_valid(str, len): one U+FFFD per byte at which validation stops, NUL included."""
    out = []
    i = 0
    while i < len(data):
        chunk = data[i:]
        nul = chunk.find(b"\0")
        limit = len(chunk) if nul < 0 else nul
        try:
            out.append(chunk[:limit].decode("utf-8"))
            valid = limit
        except UnicodeDecodeError as e:
            out.append(chunk[:e.start].decode("utf-8"))
            valid = e.start
        if valid == len(chunk):
            break
        out.append("\ufffd")
        i += valid + 1
    return "".join(out)


def repaired_forms(data: bytes):
    """What the viewer may show for arbitrary bytes: GLib's repair (exact) or Python's
    maximal-subpart replacement (the brief's 'close' form), with NUL replaced as GLib does."""
    return {glib_make_valid(data), data.replace(b"\0", b"\xff").decode("utf-8", "replace")}


# --------------------------------------------------------------------------- X11 (ctypes)

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


# --------------------------------------------------------------------------- AT-SPI helpers

def walk(acc, depth=0, max_depth=12):
    yield acc
    if depth >= max_depth:
        return
    for i in range(acc.get_child_count()):
        child = acc.get_child_at_index(i)
        if child is not None:
            yield from walk(child, depth + 1, max_depth)


def dump_tree(acc, depth=0, max_depth=8, lines=None):
    lines = [] if lines is None else lines
    try:
        lines.append("  " * depth + f"[{acc.get_role_name()}] {acc.get_name()!r}")
        if depth < max_depth:
            for i in range(min(acc.get_child_count(), 40)):
                c = acc.get_child_at_index(i)
                if c is not None:
                    dump_tree(c, depth + 1, max_depth, lines)
    except Exception as e:
        lines.append("  " * depth + f"<{e}>")
    return lines


def app_for_pid(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def find(root, name, role):
    for acc in walk(root):
        if acc.get_role() == role and acc.get_name() == name:
            return acc
    return None


def text_of(acc):
    """The whole text of acc. The count and the text are two round trips: when the text changed in
    between (a status set by a load finishing on its own thread), read again."""
    while True:
        n = Atspi.Text.get_character_count(acc)
        text = Atspi.Text.get_text(acc, 0, n) if n > 0 else ""
        if Atspi.Text.get_character_count(acc) == n:
            return text


def wait_text(what, acc, pred, timeout):
    """Polls the Text interface of acc until pred(text); fails showing the last text read."""
    seen = []

    def probe():
        seen[:] = [text_of(acc)]
        return pred(seen[0])
    try:
        wait_until(what, probe, timeout)
    except TestFailure as e:
        raise TestFailure(f"{e}; text was {short(seen[0]) if seen else '(unreadable)'}") from None
    return seen[0]


def combo_items(combo):
    """The combo's top-level entries (a long list's group titles), from its menu or list popup."""
    popup = next((c for c in (combo.get_child_at_index(i) for i in range(combo.get_child_count()))
                  if c is not None and c.get_role() in (Atspi.Role.MENU, Atspi.Role.TABLE, Atspi.Role.TREE_TABLE)), None)
    check(popup is not None, "the File combo has no menu or list child")
    rows = (popup.get_child_at_index(i) for i in range(popup.get_child_count()))
    return [r.get_name() for r in rows if r is not None and r.get_role() != Atspi.Role.TABLE_COLUMN_HEADER]


# --------------------------------------------------------------------------- processes and windows

class App:
    """A started binary, its log, and (once found) its AT-SPI frame."""

    def __init__(self, test, name, argv, title, extra_env=None):
        self.test, self.name, self.argv, self.title = test, name, argv, title
        self.log_path = os.path.join(test.tmp, f"{name}.log")
        self.log = open(self.log_path, "wb")
        env = dict(os.environ, NO_AT_BRIDGE="0", GDK_BACKEND=BACKEND)
        if BACKEND != "wayland":
            env.pop("WAYLAND_DISPLAY", None)
        env.update(l10n.app_env())
        env.update(extra_env or {})
        self.backend = env["GDK_BACKEND"]
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)
        self.frame = None

    @property
    def pid(self):
        return self.proc.pid

    def wait_frame(self):
        def frame():
            if self.proc.poll() is not None:
                raise Fatal(f"{self.name} exited with {self.proc.returncode}")
            app = app_for_pid(self.pid)
            return app and find(app, self.title, Atspi.Role.FRAME)
        self.frame = wait_until(f"the {self.title!r} frame of {self.name}", frame, START_DEADLINE)
        return self.frame

    def widget(self, name, role):
        return wait_until(f"{role.value_nick} {name!r} in {self.title!r}",
                          lambda: find(self.frame, name, role), 5.0)

    def exit_code(self, timeout=EXIT_DEADLINE):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"{self.name} did not exit within {timeout}s")

    def stop(self):
        if self.proc.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(3)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.log.close()

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


class Test:
    """Per-test context: a unique key, a temp folder, started apps; cleans up everything."""

    def __init__(self, name):
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix=f"guitest-{name}-")
        self.apps = []
        self.keys = []

    def key(self):
        k = f"guitest_{self.name}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.keys.append(k)
        return k

    def viewer(self, key, *extra, extra_env=None):
        app = App(self, "viewer", [VIEWER, "--key", key, *extra], VIEWER_TITLE, extra_env)
        self.apps.append(app)
        app.wait_frame()
        app.text = app.widget(tr("File content"), Atspi.Role.TEXT)
        app.info = app.widget(tr("Segment"), Atspi.Role.LABEL)
        wait_until(f"the segment of key {key}", lambda: segment_live(key), 5.0)
        return app

    def loader(self, key, assets=ASSETS, extra_env=None):
        app = App(self, "loader", [LOADER, "--key", key, "--assets", assets], LOADER_TITLE, extra_env)
        self.apps.append(app)
        app.wait_frame()
        app.combo = app.widget(tr("File"), Atspi.Role.COMBO_BOX)
        app.status = app.widget(tr("Status"), Atspi.Role.LABEL)
        return app

    def pick(self, loader, name):
        """Selects a combo item through the AT-SPI Selection interface (GtkComboBox's
        accessible maps it to gtk_combo_box_set_active)."""
        items = combo_items(loader.combo)
        check(name in items, f"{name!r} not in the File combo: {items}")
        ok = Atspi.Selection.select_child(loader.combo, items.index(name))
        check(ok, f"AT-SPI could not select {name!r}")

    def cleanup(self):
        for app in self.apps:
            app.stop()
        for k in self.keys:  # leftovers of a failed test: remove them so later runs start clean
            for path, kind in ((shm_file(k), "M"), (sem_file(k), "S")):
                if os.path.exists(path):
                    subprocess.run(["ipcrm", f"-{kind}", f"0x{ftok(path):08x}"], capture_output=True)
                    os.unlink(path)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def diagnostics(self):
        out = []
        for app in self.apps:
            out.append(f"--- {app.name} ({' '.join(app.argv)}), exit {app.proc.poll()}:")
            out.append(app.log_text().rstrip()[-8000:] or "(no output)")
            if app.frame is not None:
                out.extend(dump_tree(app.frame)[:60])
        return "\n".join(out)


def expect_loaded(loader, viewer, name, data, started):
    """The status says the file was loaded; the viewer shows its text within UPDATE_DEADLINE."""
    wanted = tr("Loaded file {name} to shared memory", name=name)
    wait_text(f"status {wanted!r}", loader.status, lambda s: s == wanted, UPDATE_DEADLINE)
    try:
        expected = {data.decode("utf-8")}
    except UnicodeDecodeError:
        expected = repaired_forms(data)
    remaining = max(0.05, started + UPDATE_DEADLINE - time.monotonic())
    if is_binary(data):
        # Binary opens in the Hex view (issue 19): its first row shows the first 16 bytes.
        hexdump = viewer.widget(tr("Hex dump"), Atspi.Role.TEXT)
        wait_text(f"the viewer to show {name} ({len(data)} bytes) as hex", hexdump,
                  lambda s: s.startswith(hex_row(data, 0)), remaining)
        return
    wait_text(f"the viewer to show {name} ({len(data)} bytes)", viewer.text,
              lambda s: s in expected, remaining)


def is_binary(data):
    """Whether the viewer opens `data` in its Hex view: many NULs or control bytes (SharedFile's
    ContentKind; the sample files here are clear cases either way)."""
    controls = sum(1 for b in data[:65536] if b < 0x20 and b not in b"\t\n\r\x0b\x0c\x1b" or b == 0x7F)
    return controls > max(1, len(data[:65536]) // 64)


def hex_row(data, row):
    """Row `row` of the Hex view: offset, 16 bytes in hex (a gap after 8), the printable characters."""
    chunk = data[16 * row:16 * row + 16]
    cells = [f"{b:02x}" for b in chunk] + ["  "] * (16 - len(chunk))
    text = "".join(chr(b) if 0x20 <= b <= 0x7E else "." for b in chunk)
    return f"{16 * row:08x}  {' '.join(cells[:8])}  {' '.join(cells[8:])}  {text}"


# --------------------------------------------------------------------------- tests

def test_load_each_sample_file(t):
    """Viewer, then loader; every sample file arrives in the viewer, unchanged."""
    key = t.key()
    viewer = t.viewer(key)
    wait_text("the empty message", viewer.text, lambda s: s == EMPTY_MESSAGE, 2.0)
    loader = t.loader(key)
    files = sorted(f for f in os.listdir(ASSETS) if os.path.isfile(os.path.join(ASSETS, f)))
    check(len(files) >= 5, f"too few sample files: {files}")
    check(combo_items(loader.combo) == files, f"combo items {combo_items(loader.combo)} != {files}")
    check(Atspi.Selection.get_n_selected_children(loader.combo) == 0, "a file is selected at start")
    for name in files:
        with open(os.path.join(ASSETS, name), "rb") as f:
            data = f.read()
        started = time.monotonic()
        t.pick(loader, name)
        expect_loaded(loader, viewer, name, data, started)
        check(TRUNCATION_NOTE not in text_of(viewer.info),
              f"Segment label speaks of truncation for {name}: {text_of(viewer.info)!r}")


def test_loader_without_viewer(t):
    """No segment: the loader asks to start the viewer; once it runs, the next pick works."""
    key = t.key()
    loader = t.loader(key)
    names = combo_items(loader.combo)
    check(len(names) >= 2, f"need two files, got {names}")
    height = extents(loader.frame)[3]
    t.pick(loader, names[0])
    # Issue 23: our words once (no library "attach:", no Markdown backticks, one piece of advice),
    # short enough that the window keeps its height.
    wanted = tr("Unable to load: no viewer is running for this key (none found in {folder}).\nStart the sharedmemory "
                "viewer first, then pick the file again.", folder=os.environ.get("TMPDIR") or "/tmp")
    status = wait_text("the no-viewer status", loader.status, lambda s: s == wanted, 2.0)
    check("`" not in status and "attach:" not in status, f"the status reads {status!r}")
    check(extents(loader.frame)[3] == height,
          f"the status grew the loader from {height} to {extents(loader.frame)[3]} px high")
    leftovers = [p for p in (shm_file(key), sem_file(key)) if os.path.exists(p)]
    check(not leftovers, f"a failed attach left key files behind: {leftovers}")
    viewer = t.viewer(key)
    with open(os.path.join(ASSETS, names[1]), "rb") as f:
        data = f.read()
    started = time.monotonic()
    t.pick(loader, names[1])
    expect_loaded(loader, viewer, names[1], data, started)


def test_special_files(t):
    """Binary, empty, invalid UTF-8, larger than the segment (viewer --size 4096)."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(os.path.join(assets, "a-folder"))  # not a regular file: must not be listed
    big = b"".join(b"line %05d of a file larger than the segment\n" % i for i in range(250))
    special = {
        "binary.bin": bytes(range(256)) * 4 + b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        "empty.txt": b"",
        "invalid-utf8.txt": (b"valid start \xce\xb1\xce\xb2 | lone \xff | cut \xe2\x82 | overlong \xc0\xaf"
                             b" | surrogate \xed\xa0\x80 | end \xf0\x9f\x98\x80\n"),
        "large.txt": big,
    }
    for name, data in special.items():
        with open(os.path.join(assets, name), "wb") as f:
            f.write(data)
    key = t.key()
    viewer = t.viewer(key, "--size", "4096")
    loader = t.loader(key, assets)
    check(combo_items(loader.combo) == sorted(special), f"combo lists {combo_items(loader.combo)}")

    # larger than the segment: both windows report truncation; the viewer shows the prefix
    started = time.monotonic()
    t.pick(loader, "large.txt")
    truncated = tr("Loaded file {name} to shared memory (truncated: {written} of {total} bytes)")
    pattern = re.escape(truncated).replace(re.escape("{name}"), re.escape("large.txt"), 1)
    pattern = pattern.replace(re.escape("{written}"), r"(\d+)", 1).replace(re.escape("{total}"), r"(\d+)", 1)
    status = wait_text("a truncation status", loader.status, lambda s: re.match(pattern, s), UPDATE_DEADLINE)
    # first line as specified; a second line with advice is allowed
    m = re.fullmatch(pattern,
                     status.split("\n")[0])
    check(m, f"unexpected truncation status {status!r}")
    written, total = int(m.group(1)), int(m.group(2))
    check(total == len(big) and 0 < written < 4096, f"truncation numbers {written} of {total}")
    remaining = max(0.05, started + UPDATE_DEADLINE - time.monotonic())
    wait_text("the truncated prefix in the viewer", viewer.text,
              lambda s: s == big[:written].decode("ascii"), remaining)
    wait_text("the Segment label to mention truncation", viewer.info,
              lambda s: TRUNCATION_NOTE in s, 1.0)

    for name in ("binary.bin", "invalid-utf8.txt", "empty.txt"):
        started = time.monotonic()
        t.pick(loader, name)
        expect_loaded(loader, viewer, name, special[name], started)
        info = text_of(viewer.info)
        check(TRUNCATION_NOTE not in info, f"Segment label still speaks of truncation: {info!r}")


def test_unreadable_file(t):
    """A file the loader cannot open: the status says so and the segment keeps its content.
    (Deleted after the listing rather than chmod 000, which root could still read.)"""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    with open(os.path.join(assets, "good.txt"), "w") as f:
        f.write("a readable file\n")
    with open(os.path.join(assets, "vanishing.txt"), "w") as f:
        f.write("deleted after the listing\n")
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    started = time.monotonic()
    t.pick(loader, "good.txt")
    expect_loaded(loader, viewer, "good.txt", b"a readable file\n", started)
    os.unlink(os.path.join(assets, "vanishing.txt"))
    t.pick(loader, "vanishing.txt")
    opening = prefix("Unable to open file: {reason}")
    status = wait_text("an open error", loader.status, lambda s: s.startswith(opening), 2.0)
    check(len(status) > len(opening), f"no reason given: {status!r}")
    time.sleep(0.5)  # give a wrong update time to happen, then check nothing changed
    check(text_of(viewer.text) == "a readable file\n", "the viewer content changed after a failed load")


def test_ctl_load_and_dump(t):
    """sharedmemory-ctl load reaches the running viewer; dump gives the bytes back."""
    key = t.key()
    viewer = t.viewer(key)
    data = "written by sharedmemory-ctl load: αβγ ✓\n".encode()
    path = os.path.join(t.tmp, "from-ctl.txt")
    with open(path, "wb") as f:
        f.write(data)
    started = time.monotonic()
    r = ctl("load", "--key", key, path)
    check(r.returncode == 0, f"sharedmemory-ctl load failed: {r.stderr or r.stdout}")
    remaining = max(0.05, started + UPDATE_DEADLINE - time.monotonic())
    wait_text("the viewer to show what ctl loaded", viewer.text, lambda s: s == data.decode(), remaining)
    r = subprocess.run([CTL, "dump", "--key", key], capture_output=True, timeout=20)
    check(r.returncode == 0 and r.stdout == data, f"dump gave {r.returncode} {short(r.stdout)}")


def framed_generation(key):
    """The generation counter of the framed header (docs/PROTOCOL.md: u64 LE at offset 16)."""
    r = subprocess.run([CTL, "dump", "--raw", "--key", key], capture_output=True, timeout=20)
    check(r.returncode == 0 and r.stdout[:8] == b"SMLFRAME", f"no framed header: {r.returncode} {short(r.stdout[:16])}")
    return int.from_bytes(r.stdout[16:24], "little")


def test_reload_and_folder_changes(t):
    """Reload loads the picked file again (picking the same entry emits nothing); files added to or
    removed from the assets folder appear in or leave the list, without a load and keeping the pick."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    note = os.path.join(assets, "note.txt")
    with open(note, "w") as f:
        f.write("first version\n")
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    started = time.monotonic()
    t.pick(loader, "note.txt")
    expect_loaded(loader, viewer, "note.txt", b"first version\n", started)

    with open(note, "w") as f:
        f.write("second version\n")
    reload_button = loader.widget(tr("Reload"), Atspi.Role.PUSH_BUTTON)
    started = time.monotonic()
    check(Atspi.Action.do_action(reload_button, 0), "AT-SPI could not click Reload")
    remaining = max(0.05, started + UPDATE_DEADLINE - time.monotonic())
    wait_text("the viewer to show the reloaded file", viewer.text, lambda s: s == "second version\n", remaining)

    generation_before = framed_generation(key)
    check(generation_before == 2, f"two loads should give generation 2, the header says {generation_before}")
    with open(os.path.join(assets, "added later.txt"), "w") as f:
        f.write("new\n")
    wait_until("the new file in the list", lambda: "added later.txt" in combo_items(loader.combo), 3.0)
    check(combo_items(loader.combo) == ["added later.txt", "note.txt"], f"list is {combo_items(loader.combo)}")
    check(Atspi.Selection.is_child_selected(loader.combo, 1), "the pick was lost when the list was refreshed")
    os.unlink(os.path.join(assets, "added later.txt"))
    wait_until("the removed file to leave the list", lambda: combo_items(loader.combo) == ["note.txt"], 3.0)
    time.sleep(0.3)  # give a wrong load time to happen
    check(framed_generation(key) == generation_before, "refreshing the list loaded the file again")


def test_reload_after_the_file_was_deleted(t):
    """Reload after the picked file was deleted says the file is gone, not "Pick a file first"."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    for name in ("gone.txt", "stays.txt"):
        with open(os.path.join(assets, name), "w") as f:
            f.write(name + "\n")
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    started = time.monotonic()
    t.pick(loader, "gone.txt")
    expect_loaded(loader, viewer, "gone.txt", b"gone.txt\n", started)
    os.unlink(os.path.join(assets, "gone.txt"))
    wait_until("the deleted file to leave the list", lambda: combo_items(loader.combo) == ["stays.txt"], 3.0)
    reload_button = loader.widget(tr("Reload"), Atspi.Role.PUSH_BUTTON)
    check(Atspi.Action.do_action(reload_button, 0), "AT-SPI could not click Reload")
    wait_text("the file-gone status", loader.status,
              lambda s: s == tr("Unable to open file: {reason}", reason="gone.txt: " + os.strerror(2) + " (ENOENT)"), 2.0)
    check(text_of(viewer.text) == "gone.txt\n", "the failed reload changed the viewer")


def test_odd_names(t):
    """A name with U+202E, one with a newline: the combo entry and the status show them visibly, on
    one line, and never reversed; each loads by its real name."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    names = {"evil\u202etxt.memory": "evil<U+202E>txt.memory", "two\nlines.txt": "two<U+000A>lines.txt"}
    for name in names:
        with open(os.path.join(assets, name), "w") as f:
            f.write(f"content of {name!r}\n")
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    check(combo_items(loader.combo) == sorted(names.values()), f"combo lists {combo_items(loader.combo)}")
    for name, shown in names.items():
        started = time.monotonic()
        t.pick(loader, shown)
        expect_loaded(loader, viewer, shown, f"content of {name!r}\n".encode(), started)


def test_assets_folder_made_again(t):
    """The assets folder deleted and made again: the list follows it without a restart."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    with open(os.path.join(assets, "before.txt"), "w") as f:
        f.write("before\n")
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    check(combo_items(loader.combo) == ["before.txt"], f"combo lists {combo_items(loader.combo)}")
    shutil.rmtree(assets)
    wait_text("the listing failure", loader.status,
              lambda s: s.startswith(prefix("Unable to list files: {reason}\nPass an existing folder with --assets DIR.")), 3.0)
    wait_until("the empty list", lambda: combo_items(loader.combo) == [], 2.0)
    os.makedirs(assets)
    with open(os.path.join(assets, "after.txt"), "w") as f:
        f.write("after\n")
    wait_until("the made-again folder's file", lambda: combo_items(loader.combo) == ["after.txt"], 3.0)
    with open(os.path.join(assets, "later.txt"), "w") as f:
        f.write("later\n")
    wait_until("a file added to the new folder", lambda: combo_items(loader.combo) == ["after.txt", "later.txt"], 3.0)
    started = time.monotonic()
    t.pick(loader, "later.txt")
    expect_loaded(loader, viewer, "later.txt", b"later\n", started)


def test_long_name_keeps_the_loader_size(t):
    """A 254-character name: the loader keeps its 480 px width at start and after loading it (the
    entry is ellipsized); the whole name stays readable in the list's accessible text and the status."""
    assets, name = long_name_assets(t)
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    width = Atspi.Component.get_extents(loader.frame, Atspi.CoordType.SCREEN).width
    check(width <= 600, f"the loader starts {width} px wide")
    check(combo_items(loader.combo) == [name], f"combo lists {combo_items(loader.combo)}")
    started = time.monotonic()
    t.pick(loader, name)
    expect_loaded(loader, viewer, name, b"long\n", started)
    width = Atspi.Component.get_extents(loader.frame, Atspi.CoordType.SCREEN).width
    check(width <= 600, f"the loader is {width} px wide after loading the long name")


def file_dialog(loader):
    """Clicks "Other file" and returns the file chooser the loader opens."""
    check(Atspi.Action.do_action(loader.widget("Other file", Atspi.Role.PUSH_BUTTON), 0),
          "AT-SPI could not click Other file")
    found = []

    def dialog_up():
        app = app_for_pid(loader.pid)
        found[:] = [c for c in (app.get_child_at_index(i) for i in range(app.get_child_count()))
                    if c is not None and c.get_role() == Atspi.Role.FILE_CHOOSER]
        return bool(found)
    wait_until("the file dialog", dialog_up, 3.0)
    return found[0]


def test_other_file_pick(t):
    """Other File… loads a file from outside the assets folder, picked in the desktop's dialog;
    Cancel loads nothing."""
    home = os.path.join(t.tmp, "home")
    os.makedirs(home)
    data = "picked explicitly, from outside the assets folder\n".encode()
    with open(os.path.join(home, "outside.txt"), "wb") as f:
        f.write(data)
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, extra_env={"HOME": home})   # the dialog opens in the home folder
    before = text_of(loader.status)

    dialog = file_dialog(loader)
    check(Atspi.Action.do_action(find(dialog, "Cancel", Atspi.Role.PUSH_BUTTON), 0), "could not click Cancel")
    wait_until("the dialog to close", lambda: find(app_for_pid(loader.pid), "Cancel", Atspi.Role.PUSH_BUTTON) is None, 3.0)
    check(text_of(loader.status) == before, f"Cancel changed the status: {text_of(loader.status)!r}")
    check(text_of(viewer.text) == EMPTY_MESSAGE, "Cancel loaded something")

    dialog = file_dialog(loader)
    table = find(dialog, "Files", Atspi.Role.TABLE)
    check(table is not None, "the dialog has no Files table")
    rows = []

    def names(cell):  # the Name cell holds an icon cell and a text cell
        return [cell.get_name()] + [cell.get_child_at_index(i).get_name() for i in range(cell.get_child_count())]

    def listed():
        rows[:] = [r for r in range(Atspi.Table.get_n_rows(table))
                   if "outside.txt" in names(Atspi.Table.get_accessible_at(table, r, 0))]
        return bool(rows)
    wait_until("outside.txt in the dialog", listed, 3.0)
    # Activating a file's row (what a double click does) accepts the dialog with that file.
    cell = Atspi.Table.get_accessible_at(table, rows[0], 0)
    actions = [cell.get_action_name(i) for i in range(Atspi.Action.get_n_actions(cell))]
    check("activate" in actions, f"the row of outside.txt has no activate action: {actions}")
    started = time.monotonic()
    check(Atspi.Action.do_action(cell, actions.index("activate")), "could not activate outside.txt")
    expect_loaded(loader, viewer, "outside.txt", data, started)


def assert_resources_present(key):
    paths = {"segment key file": shm_file(key), "semaphore key file": sem_file(key)}
    for what, path in paths.items():
        check(os.path.exists(path), f"{what} {path} missing while the viewer runs")
    ids = (ftok(paths["segment key file"]), ftok(paths["semaphore key file"]))
    check(ids[0] in ipcs_keys("m"), f"ipcs -m does not list 0x{ids[0]:08x}")
    check(ids[1] in ipcs_keys("s"), f"ipcs -s does not list 0x{ids[1]:08x}")
    r = ctl("info", "--key", key)
    check(r.returncode == 0, f"sharedmemory-ctl info fails while the viewer runs: {r.stderr or r.stdout}")
    return ids


def assert_resources_gone(key, ids):
    def gone():
        return (not os.path.exists(shm_file(key)) and not os.path.exists(sem_file(key))
                and ids[0] not in ipcs_keys("m") and ids[1] not in ipcs_keys("s"))
    try:
        wait_until("segment, semaphore and key files to disappear", gone, 2.0)
    except TestFailure:
        left = [p for p in (shm_file(key), sem_file(key)) if os.path.exists(p)]
        left += [f"shm 0x{ids[0]:08x}"] if ids[0] in ipcs_keys("m") else []
        left += [f"sem 0x{ids[1]:08x}"] if ids[1] in ipcs_keys("s") else []
        raise TestFailure(f"left behind: {left}")
    r = ctl("info", "--key", key)
    check(r.returncode != 0, f"sharedmemory-ctl info still succeeds: {r.stdout}")


def close_window(app):
    """What a window manager's close button does: WM_DELETE_WINDOW to the toplevel."""
    wins = wait_until(f"an X toplevel of {app.name}", lambda: x11().toplevels_of(app.pid), 2.0)
    for w in wins:
        x11().request_close(w)


def probe_worst(probes, seconds):
    """Runs every (what, read) AT-SPI probe (each answer comes from the app's GTK main loop) again
    and again for `seconds`; returns the slowest probe's time and name."""
    worst = (0.0, None)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for what, read in probes:
            started = time.monotonic()
            read()
            took = time.monotonic() - started
            if took > worst[0]:
                worst = (took, what)
        time.sleep(0.01)
    return worst


def test_lock_starvation(t):
    """Another process holds the lock for seconds: the viewer (polling, then recovering after ipcrm)
    and the loader (a pick waiting for the lock) answer every AT-SPI probe within 100 ms."""
    key = t.key()
    viewer = t.viewer(key)
    wait_text("the empty viewer", viewer.text, lambda s: s == EMPTY_MESSAGE, 2.0)
    loader = t.loader(key)
    names = wait_until("the file list", lambda: combo_items(loader.combo), 2.0)
    holder = subprocess.Popen([CTL, "hold-lock", "--key", key, "--seconds", "30"],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline()
        check(line.startswith("locked by pid"), f"hold-lock printed {line!r}")
        widgets = [("viewer text", lambda: text_of(viewer.text)), ("viewer info", lambda: text_of(viewer.info)),
                   ("loader status", lambda: text_of(loader.status)), ("loader list", lambda: combo_items(loader.combo))]
        t.pick(loader, names[0])
        held = probe_worst(widgets, 1.5)
        wait_text("the lock failure", loader.status, lambda s: s.startswith(prefix("Unable to lock shared memory: {reason}\n"
                                                                          "The file was not loaded; try again when the writer is done.")), 2.0)
        r = ctl("info", "--key", key)
        shmid = re.search(r"shmid (\d+)", r.stdout)
        check(shmid is not None, f"no shmid in {r.stdout!r}")
        check(subprocess.run(["ipcrm", "-m", shmid.group(1)]).returncode == 0, "ipcrm -m failed")
        recovering = probe_worst(widgets, 2.0)   # each recovery attempt waits for the held lock
    finally:
        holder.terminate()
        holder.wait(5)
    wait_text("the recovery note", viewer.info, lambda s: prefix("segment made again ({reason})") in s, 3.0)
    with open(os.path.join(ASSETS, names[1]), "rb") as f:
        data = f.read()
    started = time.monotonic()
    t.pick(loader, names[1])   # the made-again segment works: written, and the viewer woken
    expect_loaded(loader, viewer, names[1], data, started)
    check(framed_generation(key) == 1, f"the made-again segment is not framed: generation {framed_generation(key)}")
    check(held[0] < 0.1, f"{held[1]} took {held[0] * 1000:.0f} ms to answer while the lock was held")
    check(recovering[0] < 0.1, f"{recovering[1]} took {recovering[0] * 1000:.0f} ms to answer during the recovery")
    return f"slowest probe {max(held[0], recovering[0]) * 1000:.1f} ms (lock held: {held[1]}; recovery: {recovering[1]})"


def ctl_load(t, key, name, data, viewer=None):
    """Writes `data` to `name` in the test's folder and loads it with sharedmemory-ctl; with
    `viewer`, waits until its Segment line names the file. Returns the path."""
    path = os.path.join(t.tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    r = subprocess.run([CTL, "load", "--key", key, path], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, f"sharedmemory-ctl load failed: {r.stderr or r.stdout}")
    if viewer is not None:
        wait_text(f"the Segment line to name {name}", viewer.info, lambda s: name in s, 5.0)
    return path


def long_name_assets(t):
    """An assets folder holding one file with a 254-character name; returns (folder, name)."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    name = ("a-very-long-file-name-" * 12)[:250] + ".txt"
    with open(os.path.join(assets, name), "w") as f:
        f.write("long\n")
    return assets, name


def xdotool(*args):
    """Runs xdotool (real X input through XTEST, as a user's keyboard and pointer give)."""
    subprocess.run(["xdotool", *map(str, args)], capture_output=True, timeout=10)


def send_keys(app, *combos):
    """Real key presses (XTEST) into the app's window, focused first (no window manager here)."""
    for window in x11().toplevels_of(app.pid):
        xdotool("windowfocus", str(window))
    for combo in combos:
        xdotool("key", "--clearmodifiers", combo)


def press(key_name):
    """Types one key (by X keysym name) into the focused window."""
    keysyms = {"End": 0xff57, "Escape": 0xff1b, "space": 0x20, "plus": 0x2b, "Return": 0xff0d, "ISO_Left_Tab": 0xfe20}
    Atspi.generate_keyboard_event(keysyms[key_name], None, Atspi.KeySynthType.SYM)


def combo_last_item(combo):
    """The name of the combo's last top-level row (one AT-SPI call, not one per row)."""
    popup = combo.get_child_at_index(0)
    last = popup.get_child_at_index(popup.get_child_count() - 1) if popup is not None else None
    return last.get_name() if last is not None else ""


def pick_last_of_last_group():
    """In the combo's popped-up list: the last group, opened, its last file, picked."""
    for key_name in ("End", "plus", "End", "Return"):
        press(key_name)
        time.sleep(0.05)


def test_close_loader_then_sigterm_viewer(t):
    """Loader closed like a window manager closes it, viewer ended by SIGTERM: nothing left."""
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key)
    name = combo_items(loader.combo)[0]
    with open(os.path.join(ASSETS, name), "rb") as f:
        data = f.read()
    started = time.monotonic()
    t.pick(loader, name)
    expect_loaded(loader, viewer, name, data, started)
    ids = assert_resources_present(key)
    close_window(loader)
    check(loader.exit_code() == 0, f"loader exit status {loader.proc.returncode}")
    check(segment_live(key), "closing the loader removed the viewer's segment")
    viewer.proc.send_signal(signal.SIGTERM)
    check(viewer.exit_code() == 0, f"viewer exit status on SIGTERM: {viewer.proc.returncode}")
    assert_resources_gone(key, ids)


def test_close_viewer_then_sigterm_loader(t):
    """Viewer closed like a window manager closes it, loader ended by SIGTERM: nothing left."""
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key)
    ids = assert_resources_present(key)
    close_window(viewer)
    check(viewer.exit_code() == 0, f"viewer exit status {viewer.proc.returncode}")
    assert_resources_gone(key, ids)
    # the loader is still there and now reports that it cannot attach
    t.pick(loader, combo_items(loader.combo)[0])
    wait_text("the no-viewer status", loader.status, lambda s: s.startswith(prefix(
        "Unable to load: no viewer is running for this key (none found in {folder}).\nStart the sharedmemory viewer "
        "first, then pick the file again.")), 2.0)
    loader.proc.send_signal(signal.SIGTERM)
    loader.exit_code()
    check(not os.path.exists(shm_file(key)) and not os.path.exists(sem_file(key)),
          "key files reappeared after the loader ended")


def attached_count(key):
    """The segment's attach count from `sharedmemory-ctl info`, None when there is no segment."""
    r = ctl("info", "--key", key)
    label = prefix("attached: {count}")
    for line in r.stdout.splitlines():
        if line.startswith(label):
            return int(line[len(label):].split()[0])
    return None


def test_loader_lets_go_after_picks(t):
    """The loader keeps the segment only between quick picks: one second after the last one it
    detaches, and a viewer closed while the loader held it leaves nothing behind."""
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key)
    names = combo_items(loader.combo)
    t.pick(loader, names[0])
    wait_text("the load", loader.status, lambda s: s.startswith(prefix("Loaded file {name} to shared memory")), 2.0)
    wait_until("the loader to attach and stay (2 attached)", lambda: attached_count(key) == 2, 0.8)
    wait_until("the loader to let go (1 attached)", lambda: attached_count(key) == 1, 3.0)

    t.pick(loader, names[1 % len(names)])
    wait_text("the second load", loader.status, lambda s: s == tr("Loaded file {name} to shared memory", name=names[1 % len(names)]), 2.0)
    ids = assert_resources_present(key)
    close_window(viewer)
    check(viewer.exit_code() == 0, f"viewer exit status {viewer.proc.returncode}")
    assert_resources_gone(key, ids)   # the loader, last out, removed them
    check(loader.proc.poll() is None, "the loader exited")


def test_window_icons(t):
    """Both windows carry the application icon (_NET_WM_ICON), also when run from the source tree,
    where the icon theme does not know it: a window manager would otherwise show a generic one."""
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key)
    for name, app in (("viewer", viewer), ("loader", loader)):
        (window,) = x11().toplevels_of(app.pid)[:1]
        sizes = x11().icon_sizes(window)
        check(any(w >= 16 and h >= 16 for w, h in sizes), f"the {name} window has no usable icon: {sizes}")


def test_screenshot(t):
    """Both windows side by side with a multilingual file loaded, written as PNG."""
    both_windows_screenshot(t, "multilingual.txt", SCREENSHOTS)


def test_screenshot_dark(t):
    """Both windows under a dark theme, the viewer highlighting Markdown (issue 12): the README's
    dark picture."""
    path = os.path.join(ROOT, "out", "screenshot-dark.png")
    both_windows_screenshot(t, "getting-started.md", [path], {"GTK_THEME": "Adwaita:dark"})
    # The picture is dark: its mean brightness (0 black, 1 white) is well under a light theme's.
    r = subprocess.run(["identify", "-format", "%[fx:mean]", path], capture_output=True, text=True, timeout=30)
    check(float(r.stdout) < 0.4, f"dark screenshot {path} is not dark: mean {r.stdout}")
    return f"{path}, mean brightness {float(r.stdout):.2f}"


def both_windows_screenshot(t, wanted, paths, env=None):
    key = t.key()
    viewer = t.viewer(key, extra_env=env)
    loader = t.loader(key, extra_env=env)
    name = wanted if wanted in combo_items(loader.combo) else combo_items(loader.combo)[0]
    with open(os.path.join(ASSETS, name), "rb") as f:
        data = f.read()
    started = time.monotonic()
    t.pick(loader, name)
    expect_loaded(loader, viewer, name, data, started)

    # place the windows: loader left, viewer right (no window manager here, so X moves are final)
    lx, ly, lw, lh = extents(loader.frame)
    (lwin,) = x11().toplevels_of(loader.pid)[:1]
    (vwin,) = x11().toplevels_of(viewer.pid)[:1]
    x11().move(lwin, 10, 10)
    x11().move(vwin, 10 + lw + 20, 10)
    wait_until("the windows to move", lambda: extents(loader.frame)[:2] == (10, 10)
               and extents(viewer.frame)[0] == 10 + lw + 20, 3.0)
    vx, vy, vw, vh = extents(viewer.frame)
    width, height = vx + vw + 10, max(lh, vh) + 20
    time.sleep(0.3)  # let both windows finish drawing after the move (not an assertion)
    for path in paths:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        r = subprocess.run(["import", "-window", "root", "-crop", f"{width}x{height}+0+0", "+repage",
                            path], capture_output=True, text=True, timeout=30)
        check(r.returncode == 0, f"import failed: {r.stderr}")
        r = subprocess.run(["identify", "-format", "%w %h %[fx:standard_deviation]", path],
                           capture_output=True, text=True, timeout=30)
        w, h, sd = r.stdout.split()
        check((int(w), int(h)) == (width, height) and float(sd) > 0.01,
              f"screenshot {path} looks wrong: {r.stdout}")
        print(f"    screenshot: {path} ({w}x{h})")


def extents(frame):
    e = Atspi.Component.get_extents(frame, Atspi.CoordType.SCREEN)
    return e.x, e.y, e.width, e.height


TESTS = [
    test_other_file_pick,
    test_reload_and_folder_changes,
    test_reload_after_the_file_was_deleted,
    test_odd_names,
    test_assets_folder_made_again,
    test_long_name_keeps_the_loader_size,
    test_load_each_sample_file,
    test_loader_without_viewer,
    test_special_files,
    test_unreadable_file,
    test_ctl_load_and_dump,
    test_lock_starvation,
    test_close_loader_then_sigterm_viewer,
    test_close_viewer_then_sigterm_loader,
    test_loader_lets_go_after_picks,
    test_window_icons,
    test_screenshot,
    test_screenshot_dark,
]

# The German run (SHAREDMEMORY_GUI_LANGUAGE=de, `make gui-test` runs it after the English one): these
# tests take every string they expect from l10n.tr, so they hold in both languages (the others read
# GTK's own file dialog or measure hard-text timing, where the language changes nothing of ours; this
# run takes ~40 s). german_tests.py adds literal German checks.
TRANSLATED = [
    test_load_each_sample_file,
    test_loader_without_viewer,
    test_unreadable_file,
    test_reload_after_the_file_was_deleted,
    test_assets_folder_made_again,
    test_long_name_keeps_the_loader_size,
    test_reload_and_folder_changes,
    test_odd_names,
    test_ctl_load_and_dump,
    test_lock_starvation,
    test_close_viewer_then_sigterm_loader,
    test_loader_lets_go_after_picks,
    test_special_files,
    test_close_loader_then_sigterm_viewer,
    test_window_icons,
    test_screenshot,
]

# The Wayland run (SHAREDMEMORY_GUI_BACKEND=wayland, run_wayland.sh): the tests that drive the
# windows through AT-SPI alone.
WAYLAND = [
    test_load_each_sample_file,
    test_loader_without_viewer,
    test_special_files,
    test_unreadable_file,
    test_reload_after_the_file_was_deleted,
    test_reload_and_folder_changes,
    test_odd_names,
    test_assets_folder_made_again,
    test_ctl_load_and_dump,
    test_lock_starvation,
    test_other_file_pick,
]

# Run only when named in GUI_TESTS (tests that still fail; none now).
PENDING = []


# Issue 23, item 8: a GTK, GDK, GLib, Pango, ATK or GtkSourceView warning or critical that an app
# prints fails the test that started it; a line matching one of these patterns is allowed, for the
# reason given beside it.
GTK_WARNING = re.compile(r"^.*\b((?:Gtk|Gdk|GLib|GLib-GObject|GLib-GIO|GdkPixbuf|Pango|Atk|atk-bridge|GtkSourceView|dbind)"
                         r"-(?:WARNING|CRITICAL)\b.*)$", re.MULTILINE)
ALLOWED_WARNINGS = [
    # (GDK backend of the app, pattern, why it is not ours to fix)
    ("wayland", r"gdk_seat_get_(keyboard|pointer): assertion 'GDK_IS_SEAT \(seat\)' failed",
     "Weston's headless backend has no seat (no keyboard, no pointer); GTK 3 asks for one unchecked"),
    ("wayland", r"gdk_device_get_window_at_position_double: assertion 'GDK_IS_DEVICE \(device\)' failed",
     "the same missing seat: GTK 3 asks its absent pointer where it is"),
]


def gtk_warnings(t):
    """The warnings and criticals the test's apps printed, less the allowed ones."""
    found = []
    for app in t.apps:
        for line in GTK_WARNING.findall(app.log_text()):
            if not any(backend == app.backend and re.search(pattern, line) for backend, pattern, _ in ALLOWED_WARNINGS):
                found.append(f"{app.name}: {line.strip()}")
    return found


def run_cases(cases, expected=(TestFailure,)):
    """Runs each (label, test_name, body) case in a fresh Test: `body(t)` may return a summary.
    Prints `PASS label (Ns)[: summary]` or `FAIL label (Ns): why` with the apps' diagnostics (a
    traceback when the exception is not one of `expected`), then `N passed, M failed`.
    Returns the exit status."""
    passed = failed = 0
    for label, test_name, body in cases:
        t = Test(test_name)
        start = time.monotonic()
        try:
            summary = body(t)
            for app in t.apps:   # the whole log, shutdown included
                app.stop()
            warnings = gtk_warnings(t)
            check(not warnings, f"{len(warnings)} GTK warning(s) or critical(s):\n  " + "\n  ".join(warnings[:10]))
            passed += 1
            print(f"PASS {label} ({time.monotonic() - start:.1f}s)" + (f": {summary}" if summary else ""), flush=True)
        except Exception as e:
            failed += 1
            kind = "" if isinstance(e, expected) else f"{type(e).__name__}: "
            print(f"FAIL {label} ({time.monotonic() - start:.1f}s): {kind}{e}", flush=True)
            if not isinstance(e, expected):
                traceback.print_exc()
            print(t.diagnostics(), flush=True)
        finally:
            t.cleanup()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


def main():
    for path in (VIEWER, LOADER, CTL):
        if not os.access(path, os.X_OK):
            print(f"missing binary {path}")
            print("0 passed, 1 failed")
            return 1
    print(f"GUI tests: binaries from {BIN}, DISPLAY={os.environ.get('DISPLAY')}, "
          f"WAYLAND_DISPLAY={os.environ.get('WAYLAND_DISPLAY')}, backend {BACKEND}, language {l10n.LANGUAGE or 'en'}")
    if BACKEND != "wayland":
        x11()  # waits until the X server accepts connections
    only = [n for n in os.environ.get("GUI_TESTS", "").split(",") if n]
    import hard_text_tests  # issue 9's tests, next to this file
    import source_view_tests  # issue 12's reading view
    import viewer_save_tests, viewer_search_tests  # issue 12: the viewer's Save As, clipboard and search
    import viewer_copy_tests  # issue 18: exact copy and search
    import viewer_whole_content_tests  # issue 18 item 3: all of the content at any size
    import viewer_picture_tests  # issue 19: pictures, hex, Qt's image example
    import loader_keyboard_tests  # issue 12's loader
    import german_tests  # issue 13: literal German, in the German run only
    import two_viewers_tests  # issue 14
    import viewer_size_tests  # issue 14
    import raw_name_tests  # issue 14
    import big_folder_tests  # issue 14
    import name_display_tests  # issue 23: names shown visibly and isolated
    import wayland_tests  # issue 23: the compositor going away
    here = sys.modules[__name__]
    both = (two_viewers_tests.make_tests(here) + viewer_size_tests.make_tests(here)  # run in every language
            + raw_name_tests.make_tests(here) + name_display_tests.make_tests(here)
            + viewer_picture_tests.make_tests(here))
    if BACKEND == "wayland":   # AT-SPI only: no X11 input or window lookup
        candidates = WAYLAND + name_display_tests.make_tests(here) + raw_name_tests.make_tests(here) + wayland_tests.make_tests(here)
    elif l10n.LANGUAGE:
        candidates = TRANSLATED + german_tests.make_tests(here) + big_folder_tests.make_tests(here) + both
    else:
        candidates = (TESTS + PENDING + hard_text_tests.make_tests(here) + big_folder_tests.make_tests(here) + both
                      + loader_keyboard_tests.make_tests(here) + source_view_tests.make_tests(here)
                      + viewer_save_tests.make_tests(here) + viewer_search_tests.make_tests(here)
                      + wayland_tests.make_tests(here) + viewer_copy_tests.make_tests(here)
                      + viewer_whole_content_tests.make_tests(here))
    names = [(fn.__name__[len("test_"):], fn) for fn in candidates]
    cases = [(name, name, fn) for name, fn in names if name in only or (not only and fn not in PENDING)]
    if not cases and only and l10n.LANGUAGE:
        print(f"none of GUI_TESTS runs in the {l10n.LANGUAGE} run")  # e.g. GUI_TESTS named English-only tests
        return 0
    return run_cases(cases)


if __name__ == "__main__":
    sys.exit(main())
