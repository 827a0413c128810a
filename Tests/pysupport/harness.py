"""What the GUI and reliability runners share: where the binaries are, `check`, and `ctl`."""

import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class TestFailure(AssertionError):
    """A failed check; the runners report its message."""


def check(cond, message):
    if not cond:
        raise TestFailure(message)


def bin_dir():
    """$SHAREDMEMORY_BIN_DIR, else SwiftPM's bin path of this checkout (then exported, so that
    every runner of this process sees the same)."""
    d = os.environ.get("SHAREDMEMORY_BIN_DIR")
    if not d:
        d = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.strip()
        os.environ["SHAREDMEMORY_BIN_DIR"] = d
    return d


BIN = bin_dir()
CTL = os.path.join(BIN, "sharedmemory-ctl")
VIEWER = os.path.join(BIN, "sharedmemory")
LOADER = os.path.join(BIN, "sharedmemory_loader")


def ctl(*args, timeout=20, text=True):
    """Runs sharedmemory-ctl to completion, output captured."""
    return subprocess.run([CTL, *args], capture_output=True, text=text, timeout=timeout)
