#!/usr/bin/python3
"""The installed package, as a desktop user meets it: both windows started from the Exec lines of
their installed desktop entries, a sample file picked in the loader, its text read in the viewer
through AT-SPI, then both windows closed the way a window manager closes them.

Runs inside the clean Debian root of Tests/deb/deb_test.sh, under Xvfb and a private D-Bus session,
with the GUI tests' helpers (Tests/pysupport/guitest.py) and the programs in /usr/bin.
The closing line is `N passed, M failed`.
"""

import os
import shlex
import shutil
import sys
import time

os.environ.setdefault("SHAREDMEMORY_BIN_DIR", "/usr/bin")   # before the helpers look for a build
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pysupport"))

import gi  # noqa: E402

gi.require_version("Gio", "2.0")
from gi.repository import Gio  # noqa: E402

import guitest as gui  # noqa: E402
from guitest import App, Atspi, check, tr, wait_text, wait_until  # noqa: E402

APPLICATIONS = "/usr/share/applications"
SAMPLES = "/usr/share/sharedmemory-gtk/files"
DEADLINE = 15.0   # guards against a hang; not a speed check (a cold start in a fresh root is slow)


def exec_argv(desktop_id):
    """The Exec line of an installed desktop entry as argv, field codes (%f, %U...) dropped."""
    info = Gio.DesktopAppInfo.new_from_filename(os.path.join(APPLICATIONS, desktop_id))
    check(info is not None, f"{desktop_id} is not a valid desktop entry")
    argv = [word for word in shlex.split(info.get_commandline()) if not word.startswith("%")]
    check(argv and shutil.which(argv[0]), f"{desktop_id}: {argv} is not on PATH")
    return argv


def test_desktop_entries_load_a_file(t):
    viewer = App(t, "viewer", exec_argv("org.sharedmemorygtk.Viewer.desktop"), gui.VIEWER_TITLE)
    t.apps.append(viewer)
    viewer.wait_frame()
    viewer.text = viewer.widget(tr("File content"), Atspi.Role.TEXT)
    wait_text("the empty message", viewer.text, lambda s: s == gui.EMPTY_MESSAGE, DEADLINE)

    loader = App(t, "loader", exec_argv("org.sharedmemorygtk.Loader.desktop"), gui.LOADER_TITLE)
    t.apps.append(loader)
    loader.wait_frame()
    loader.combo = loader.widget(tr("File"), Atspi.Role.COMBO_BOX)
    loader.status = loader.widget(tr("Status"), Atspi.Role.LABEL)
    samples = sorted(os.listdir(SAMPLES))
    check(gui.combo_items(loader.combo) == samples,
          f"the loader lists {gui.combo_items(loader.combo)}, the package installed {samples}")

    for name in ("multilingual.txt", "welcome.html"):
        with open(os.path.join(SAMPLES, name), "rb") as f:
            data = f.read().decode("utf-8")
        t.pick(loader, name)
        wanted = tr("Loaded file {name} to shared memory", name=name)
        wait_text(f"status {wanted!r}", loader.status, lambda s: s == wanted, DEADLINE)
        wait_text(f"the viewer to show {name}", viewer.text, lambda s: s == data, DEADLINE)

    for app in (loader, viewer):
        gui.close_window(app)
        code = app.exit_code(DEADLINE)
        check(code == 0, f"{app.name} exited with {code}:\n{app.log_text()}")
    return f"{len(samples)} sample files listed, 2 loaded and shown"


def main():
    started = time.monotonic()
    print(f"installed package test, DISPLAY={os.environ.get('DISPLAY')}", flush=True)
    gui.x11()   # waits until the X server accepts connections
    status = gui.run_cases([("desktop_entries_load_a_file", "installed", test_desktop_entries_load_a_file)])
    print(f"(took {time.monotonic() - started:.1f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
