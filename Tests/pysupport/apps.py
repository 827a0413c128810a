"""The programs under test: `App` (a started binary, its log, its AT-SPI frame), `Test` (one test's
key, folder and apps, all cleaned up) and the GTK warnings that fail a test.

The run's language (l10n.py) is applied to this process here, before any program starts."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import uuid

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

import l10n  # noqa: E402
from atspi import app_for_pid, combo_items, dump_tree, find  # noqa: E402
from files import ASSETS  # noqa: E402
from harness import LOADER, VIEWER, TestFailure, check  # noqa: E402
from keys import ftok, segment_live, sem_file, shm_file  # noqa: E402
from l10n import prefix, tr  # noqa: E402
from waiting import Fatal, wait_until  # noqa: E402

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


# A GTK, GDK, GLib, Pango, ATK or GtkSourceView warning or critical that an app prints fails the
# test that started it (issue 23, item 8); a line matching one of these patterns is allowed, for the
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
