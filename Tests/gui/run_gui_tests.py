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
    SHAREDMEMORY_GUI_LANGUAGE "de": the German run (Tests/pysupport/l10n.py), TRANSLATED and german_tests only
    GUI_TESTS                 comma-separated test names to run only those

Accessibility: GTK 3 links the AT-SPI bridge (libatk-bridge) itself; it is switched on unless
NO_AT_BRIDGE=1. The accessibility bus (at-spi-bus-launcher) and the registry are started by
D-Bus activation inside `dbus-run-session`, from at-spi2-core's service files: the first
Atspi call starts them. Nothing else is needed (no GTK_MODULES, no gsettings).

Every test uses its own key, so runs never collide, and kills what it started. A test also fails
when an app it started printed a GTK, GDK, GLib, Pango, ATK or GtkSourceView warning or critical
(apps.py's ALLOWED_WARNINGS lists the exceptions, each with its reason: under Wayland, the headless
compositor's missing seat).
The closing line is `N passed, M failed`; the exit status is non-zero on any failure.

This file only says which tests run in which pass. The tests live in files named for what they test
(`*_tests.py` next to this file: plain test functions, or `make_tests(h)` returning them, where `h`
is Tests/pysupport/guitest.py); the helpers live in small modules under Tests/pysupport (guitest.py
lists them).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pysupport"))

import guitest  # noqa: E402  (the helpers, handed to make_tests(h) as h)
from guitest import BACKEND, BIN, CTL, LOADER, VIEWER, l10n, named_tests, run_cases, selected, x11  # noqa: E402
from load_tests import (test_ctl_load_and_dump, test_load_each_sample_file, test_loader_without_viewer,  # noqa: E402
                        test_long_name_keeps_the_loader_size, test_odd_names, test_special_files,
                        test_unreadable_file)
from loader_folder_tests import (test_assets_folder_made_again, test_other_file_pick,  # noqa: E402
                                 test_reload_after_the_file_was_deleted, test_reload_and_folder_changes)
from segment_lifetime_tests import (test_close_loader_then_sigterm_viewer,  # noqa: E402
                                    test_close_viewer_then_sigterm_loader, test_lock_starvation,
                                    test_loader_lets_go_after_picks, test_viewer_patient_with_a_held_lock)
from window_look_tests import test_screenshot, test_screenshot_dark, test_window_icons  # noqa: E402

# make_tests(h) files (issue numbers: where the tests came from)
import big_folder_tests  # noqa: E402  10,000 files in --assets (issue 14)
import german_tests  # noqa: E402  literal German, in the German run only (issue 13)
import hard_text_tests  # noqa: E402  long lines, base64, JSON, endless newlines, combining marks (issue 9)
import loader_keyboard_tests  # noqa: E402  the loader's keyboard, drops, recent files (issue 12)
import name_display_tests  # noqa: E402  names shown visibly and isolated (issue 23)
import raw_name_tests  # noqa: E402  names that are not UTF-8 (issue 14)
import source_view_tests  # noqa: E402  the viewer's reading view (issue 12)
import two_viewers_tests  # noqa: E402  a second viewer of the same key (issue 14)
import viewer_copy_tests  # noqa: E402  exact copy and search (issue 18)
import viewer_whole_content_tests  # noqa: E402  all of the content at any size (issue 18 item 3)
import viewer_picture_tests  # noqa: E402  pictures, hex, Qt's image example (issue 19)
import viewer_save_tests  # noqa: E402  the viewer's Save As and clipboard (issue 12)
import viewer_search_tests  # noqa: E402  the viewer's search bar (issue 12)
import viewer_size_tests  # noqa: E402  long names and scales keep the window sizes (issue 14)
import wayland_tests  # noqa: E402  the compositor going away (issue 23)

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
    test_viewer_patient_with_a_held_lock,
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
    test_viewer_patient_with_a_held_lock,
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
    h = guitest
    both = (two_viewers_tests.make_tests(h) + viewer_size_tests.make_tests(h)  # run in every language
            + raw_name_tests.make_tests(h) + name_display_tests.make_tests(h)
            + viewer_picture_tests.make_tests(h))
    if BACKEND == "wayland":   # AT-SPI only: no X11 input or window lookup
        candidates = WAYLAND + name_display_tests.make_tests(h) + raw_name_tests.make_tests(h) + wayland_tests.make_tests(h)
    elif l10n.LANGUAGE:
        candidates = TRANSLATED + german_tests.make_tests(h) + big_folder_tests.make_tests(h) + both
    else:
        candidates = (TESTS + PENDING + hard_text_tests.make_tests(h) + big_folder_tests.make_tests(h) + both
                      + loader_keyboard_tests.make_tests(h) + source_view_tests.make_tests(h)
                      + viewer_save_tests.make_tests(h) + viewer_search_tests.make_tests(h)
                      + wayland_tests.make_tests(h) + viewer_copy_tests.make_tests(h)
                      + viewer_whole_content_tests.make_tests(h))
    cases = selected(candidates, PENDING)
    if not cases and named_tests() and l10n.LANGUAGE:
        print(f"none of GUI_TESTS runs in the {l10n.LANGUAGE} run")  # e.g. GUI_TESTS named English-only tests
        return 0
    return run_cases(cases)


if __name__ == "__main__":
    sys.exit(main())
