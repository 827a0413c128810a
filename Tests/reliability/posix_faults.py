"""Faults with the POSIX backend (Qt 6.6's default keys): killed lock holders, ours and a real Qt 6
(PyQt6), and killed creators. Unlike System V, nothing gives back a POSIX lock whose holder was
killed: the programs must fail within their bound naming `sharedmemory-ctl repair`, and the repair
must work. Each function raises Failure, or returns a one-line summary with its figures."""

import os
import random
import shutil
import signal
import subprocess
import tempfile

from common import ROOT, Spawned, check, ctl, new_key, timed

PYQT6 = os.path.join(ROOT, ".venv-qt6", "bin", "python")
QT6PEER = os.path.join(ROOT, "Tests", "pyqt6", "qt6peer.py")


def shm_files(name):
    """Our files in /dev/shm for the POSIX name /NAME (segment, semaphore)."""
    return [p for p in (f"/dev/shm/{name}", f"/dev/shm/sem.{name}") if os.path.exists(p)]


def posix_args(name):
    return ["--native-key", f"posix:/{name}"]


def killed_posix_holders(trials):
    """Our hold-lock SIGKILLed while it holds a POSIX lock: load and dump with --timeout 0.3 fail
    within their bound (never hang) naming the repair; `repair --force` (the viewer maps the
    segment) gives the lock back and the next load+dump is correct. Every trial."""
    name = new_key("posixkill")
    tmp = tempfile.mkdtemp(prefix="reltest-")
    viewer = Spawned("create", *posix_args(name), "--size", "65536", "--stamp")
    worst_fail = worst_recovery = 0.0
    try:
        for n in range(trials):
            path = os.path.join(tmp, f"trial-{n}.txt")
            data = f"posix trial {n} {random.random()}\n".encode() * (1 + n % 40)
            with open(path, "wb") as f:
                f.write(data)
            holder = Spawned("hold-lock", *posix_args(name), "--seconds", "60")
            check(holder.first_line == f"locked by pid {holder.pid}", f"hold-lock said {holder.first_line!r}")
            holder.kill(signal.SIGKILL)
            r, took = timed(lambda: ctl("dump", *posix_args(name), "--timeout", "0.3"))
            check(r.returncode == 1 and "sharedmemory-ctl repair" in r.stderr,
                  f"trial {n}: dump under a killed holder's lock: {r.returncode} {r.stderr!r}")
            worst_fail = max(worst_fail, took)
            r = ctl("repair", *posix_args(name))
            check(r.returncode == 1 and "map" in r.stderr, f"trial {n}: repair without --force while mapped: {r.stderr!r}")
            r = ctl("repair", *posix_args(name), "--force")
            check(r.returncode == 0 and "released" in r.stdout, f"trial {n}: repair --force: {r.stdout!r} {r.stderr!r}")
            (load, dump), took = timed(lambda: (ctl("load", *posix_args(name), "--timeout", "1", path),
                                                ctl("dump", *posix_args(name), "--timeout", "1", text=False)))
            check(load.returncode == 0, f"trial {n}: load after the repair failed: {load.stderr}")
            check(dump.returncode == 0 and dump.stdout == data, f"trial {n}: dump after the repair differs")
            worst_recovery = max(worst_recovery, took)
    finally:
        viewer.kill(signal.SIGTERM)
        shutil.rmtree(tmp, ignore_errors=True)
    check(shm_files(name) == [], f"left in /dev/shm after the viewer's clean exit: {shm_files(name)}")
    return (f"{trials} POSIX holders killed: every dump failed within its 0.3 s bound naming the repair "
            f"(slowest {worst_fail:.2f} s), repair + load + dump correct {trials}/{trials} "
            f"(slowest pair {worst_recovery * 1000:.0f} ms); nothing left in /dev/shm")


def killed_posix_creators(trials):
    """The creator (our ctl create) SIGKILLed: its segment and semaphore stay in /dev/shm (nobody
    unlinks them); the next create replaces them (nobody maps them), and after a clean exit
    nothing is left."""
    name = new_key("posixcreator")
    try:
        for n in range(trials):
            creator = Spawned("create", *posix_args(name), "--size", str(4096 + n))
            creator.kill(signal.SIGKILL)
            check(len(shm_files(name)) == 2, f"trial {n}: after SIGKILL: {shm_files(name)}")
            info = ctl("info", *posix_args(name))
            check("stale" in info.stdout, f"trial {n}: info does not call it stale: {info.stdout!r}")
        clean = Spawned("create", *posix_args(name), "--size", "100")
        info = ctl("info", *posix_args(name))
        check("size: 100 bytes" in info.stdout and "live" in info.stdout, f"not replaced: {info.stdout!r}")
        clean.kill(signal.SIGTERM)
    finally:
        ctl("remove", *posix_args(name), "--force")
    check(shm_files(name) == [], f"left in /dev/shm: {shm_files(name)}")
    return f"{trials} creators killed with SIGKILL: each leftover replaced by the next create; nothing left after a clean exit"


def killed_qt6_holder():
    """A real Qt 6 (PyQt6) SIGKILLed while holding the lock of our viewer's POSIX segment: Qt's
    own programs would hang for ever; our load fails within its bound with the repair hint."""
    if not os.path.exists(PYQT6):
        raise AssertionError(f"no PyQt6 at {PYQT6}: run `make test-deps`")
    name = new_key("qt6kill")
    viewer = Spawned("create", *posix_args(name), "--size", "4096", "--stamp")
    try:
        qt = subprocess.Popen([PYQT6, QT6PEER, "hold", f"posix:/{name}"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
        check(qt.stdout.readline().strip() == "locked", "the Qt 6 peer did not take the lock")
        qt.kill()
        qt.wait(10)
        r, took = timed(lambda: ctl("load", *posix_args(name), "--timeout", "0.5", QT6PEER))
        check(r.returncode == 1 and "sharedmemory-ctl repair" in r.stderr, f"load: {r.returncode} {r.stderr!r}")
        check(took < 5, f"load took {took:.1f} s")
        check(ctl("repair", *posix_args(name), "--force").returncode == 0, "repair failed")
        check(ctl("load", *posix_args(name), "--timeout", "1", QT6PEER).returncode == 0, "load after repair failed")
    finally:
        viewer.kill(signal.SIGTERM)
    check(shm_files(name) == [], f"left in /dev/shm: {shm_files(name)}")
    return f"Qt 6 holder killed: our load failed after {took:.2f} s (bound 0.5 s lock + 0.5 s attach) naming the repair; repaired"
