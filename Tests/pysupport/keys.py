"""Qt-style keys: the key files a key makes in $TMPDIR, their System V ids (ftok) and what `ipcs`
lists, and the checks that a run's segment and semaphore exist or are all gone."""

import hashlib
import os
import re
import subprocess

from harness import TestFailure, check, ctl
from waiting import wait_until


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
