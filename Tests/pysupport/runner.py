"""Runs GUI test cases, each in a fresh `Test`, and reports `PASS`/`FAIL` lines and the closing
`N passed, M failed`; picks the cases GUI_TESTS names."""

import os
import time
import traceback

from apps import Test, gtk_warnings
from harness import TestFailure, check


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


def named_tests():
    """The test names GUI_TESTS lists (comma-separated, without the `test_` prefix); [] for all."""
    return [n for n in os.environ.get("GUI_TESTS", "").split(",") if n]


def selected(candidates, pending=()):
    """The (label, test_name, body) cases to run: the candidates GUI_TESTS names, else every
    candidate but the pending ones."""
    only = named_tests()
    names = [(fn.__name__[len("test_"):], fn) for fn in candidates]
    return [(name, name, fn) for name, fn in names if name in only or (not only and fn not in pending)]
