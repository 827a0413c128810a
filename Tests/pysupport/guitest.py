"""The GUI tests' helpers in one namespace: the `h` that each Tests/gui/*_tests.py file's
`make_tests(h)` receives (Tests/gui/run_gui_tests.py passes this module), and what the installed-package
and reliability runners use. Each helper lives in a small module of its own:

    harness   the binaries, `check`, `TestFailure`, `ctl` (shared with Tests/reliability)
    l10n      the run's language: `tr`, `prefix`, the programs' locale
    waiting   `wait_until`, `short`, `probe_worst`
    keys      Qt-style key files, ftok, ipcs; a segment's resources present or gone
    xlib      libX11 through ctypes, the Xlib structures
    x11       what a window manager does (toplevels, close, move, icons), xdotool key presses
    atspi     find accessibles, read and wait for texts, the loader's combo, typed keys
    files     the sample files, screenshots' paths, ctl_load, the framed header's generation
    apps      App and Test (started programs, their logs), the GTK-warning allow-list
    content   GLib's UTF-8 repair, the Hex view's rows, expect_loaded
    runner    run_cases (PASS/FAIL lines, `N passed, M failed`), GUI_TESTS selection
"""

# Every name below is part of `h`: make_tests(h) files read them as h.NAME.
import l10n  # noqa: F401
from apps import (ALLOWED_WARNINGS, BACKEND, EMPTY_MESSAGE, EXIT_DEADLINE, GTK_WARNING,  # noqa: F401
                  LOADER_TITLE, START_DEADLINE, TRUNCATION_NOTE, UPDATE_DEADLINE, VIEWER_TITLE, App, Test,
                  gtk_warnings)
from atspi import (Atspi, app_for_pid, combo_items, combo_last_item, dump_tree, extents, file_dialog, find,  # noqa: F401
                   pick_last_of_last_group, press, text_of, wait_text, walk)
from content import expect_loaded, glib_make_valid, hex_row, is_binary, repaired_forms  # noqa: F401
from files import ASSETS, SCREENSHOTS, ctl_load, framed_generation, long_name_assets  # noqa: F401
from harness import BIN, CTL, LOADER, ROOT, VIEWER, TestFailure, check, ctl  # noqa: F401
from keys import (assert_resources_gone, assert_resources_present, ftok, ipcs_keys,  # noqa: F401
                  native_file, segment_live, sem_file, shm_file, temp_dir)
from l10n import prefix, tr, trn  # noqa: F401
from runner import named_tests, run_cases, selected  # noqa: F401
from waiting import Fatal, probe_worst, short, wait_until  # noqa: F401
from x11 import X11, close_window, send_keys, x11, xdotool  # noqa: F401
from xlib import XClientMessageEvent, XEvent, XWindowAttributes, libx11  # noqa: F401
