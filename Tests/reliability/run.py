#!/usr/bin/python3
"""The reliability suite: fuzzing, process faults, concurrency, bad options, then the GUI faults
under Xvfb + a private D-Bus session. Bounded by default (make test); --full runs the long variants
(make reliability). Closing line: `N passed, M failed`; exit status non-zero on any failure.

    Tests/reliability/run.py [--full] [--no-gui]
Environment: SHAREDMEMORY_BIN_DIR (the three binaries; default `swift build --show-bin-path`),
RELIABILITY_TESTS (comma-separated names to run only those), FUZZ_SEED.
The Swift tests of the suite (RecoveryTests, BadFileTests, ConsistencyTests, CrossUserTests) run
with `swift test`.
"""

import os
import re
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402
import process_faults as pf  # noqa: E402
import posix_faults as px  # noqa: E402


def main():
    full = "--full" in sys.argv
    pick = lambda bounded, long: long if full else bounded  # noqa: E731
    tests = [
        ("fuzz", lambda: pf.fuzz(pick(200_000, 1_000_000), pick(0, 60))),
        ("api_fuzz", lambda: pf.api_fuzz(pick(10_000, 100_000))),
        ("writer_killed_holding_lock", lambda: pf.writer_killed_holding_lock(pick(50, 200))),
        ("concurrent_writers", lambda: pf.concurrent_writers(pick(400, 3000))),
        ("bad_options", pf.bad_options),
        ("posix_killed_holders", lambda: px.killed_posix_holders(pick(20, 100))),
        ("posix_killed_creators", lambda: px.killed_posix_creators(pick(10, 50))),
        ("posix_killed_qt6_holder", px.killed_qt6_holder),
        ("no_leftovers", pf.leftovers_by_prefix),
    ]
    only = [n for n in os.environ.get("RELIABILITY_TESTS", "").split(",") if n]
    print(f"reliability suite ({'full' if full else 'bounded'}), binaries from {common.BIN}", flush=True)
    passed = failed = 0
    for name, fn in tests:
        if only and name not in only:
            continue
        start = time.monotonic()
        try:
            summary = fn()
            passed += 1
            print(f"PASS {name} ({time.monotonic() - start:.1f}s): {summary}", flush=True)
        except Exception as e:
            failed += 1
            print(f"FAIL {name} ({time.monotonic() - start:.1f}s): {e}", flush=True)
            if not isinstance(e, common.Failure):
                traceback.print_exc()

    gui_only = [n for n in only if n.startswith("gui/")]
    if "--no-gui" not in sys.argv and (not only or gui_only):
        cmd = [sys.executable, os.path.join(HERE, "gui_faults.py")] + (["--full"] if full else [])
        if not os.environ.get("DISPLAY"):
            cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "dbus-run-session", "--"] + cmd
        env = dict(os.environ, RELIABILITY_TESTS=",".join(n[4:] for n in gui_only))
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        sys.stdout.write(proc.stdout)
        m = re.search(r"^(\d+) passed, (\d+) failed$", proc.stdout, re.M)
        if m:
            passed, failed = passed + int(m.group(1)), failed + int(m.group(2))
        if not m or (proc.returncode != 0 and int(m.group(2)) == 0):
            failed += 1
            print(f"FAIL gui: the GUI run exited with {proc.returncode} without a result line")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
