"""Shared helpers of the reliability suite: binaries, keys, processes, leftovers."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


sys.path.insert(0, os.path.join(ROOT, "Tests", "pysupport"))
from harness import BIN, CTL, LOADER, VIEWER, TestFailure, check, ctl  # noqa: E402,F401

Failure = TestFailure


def new_key(name):
    return f"reltest_{name}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


class Spawned:
    """A long-running sharedmemory-ctl (create, hold-lock) that printed its first line."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([CTL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.first_line = self.proc.stdout.readline().strip()
        check(self.first_line, f"{args[0]} printed nothing: {self.proc.stderr.read() if self.proc.poll() is not None else ''}")

    @property
    def pid(self):
        return self.proc.pid

    def kill(self, sig=signal.SIGKILL):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(10)


def ipcs_ids(kind):
    out = subprocess.run(["ipcs", "-" + kind], capture_output=True, text=True, check=True).stdout
    return {int(m.group(1)) for m in re.finditer(r"^0x[0-9a-fA-F]+\s+(\d+)\s", out, re.M)}


def info(key):
    """`sharedmemory-ctl info` as a dict of its `name: value` lines, None when nothing exists."""
    r = ctl("info", "--key", key)
    if r.returncode != 0:
        return None
    return dict(line.split(": ", 1) for line in r.stdout.splitlines() if ": " in line)


def ids(key):
    i = info(key) or {}
    shm = re.search(r"shmid (\d+)", i.get("segment", ""))
    sem = re.search(r"semid (\d+)", i.get("semaphore", ""))
    return (int(shm.group(1)) if shm else None, int(sem.group(1)) if sem else None)


def assert_nothing_left(key):
    """No segment, semaphore or key file for `key` (checked with ctl info and ipcs)."""
    r = ctl("info", "--key", key)
    check(r.returncode == 1 and "nothing exists" in r.stderr, f"leftovers for {key}: {r.stdout or r.stderr}")


def cleanup(key):
    ctl("remove", "--key", key, "--force")


def timed(fn):
    start = time.monotonic()
    result = fn()
    return result, time.monotonic() - start
