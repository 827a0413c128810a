"""Files of a GUI run: the sample files, where screenshots go, files loaded with sharedmemory-ctl
and what the segment's framed header says."""

import os
import subprocess

import l10n
from atspi import wait_text
from harness import CTL, ROOT, check
from waiting import short


ASSETS = os.environ.get("SHAREDMEMORY_ASSETS", os.path.join(ROOT, "assets", "files"))
SCREENSHOTS = os.environ.get("SHAREDMEMORY_SCREENSHOTS", os.path.join(
    ROOT, "out", f"screenshot{'-' + l10n.LANGUAGE if l10n.LANGUAGE else ''}.png")).split()


def framed_generation(key):
    """The generation counter of the framed header (docs/PROTOCOL.md: u64 LE at offset 16)."""
    r = subprocess.run([CTL, "dump", "--raw", "--key", key], capture_output=True, timeout=20)
    check(r.returncode == 0 and r.stdout[:8] == b"SMLFRAME", f"no framed header: {r.returncode} {short(r.stdout[:16])}")
    return int.from_bytes(r.stdout[16:24], "little")


def ctl_load(t, key, name, data, viewer=None):
    """Writes `data` to `name` in the test's folder and loads it with sharedmemory-ctl; with
    `viewer`, waits until its Segment line names the file. Returns the path."""
    path = os.path.join(t.tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    r = subprocess.run([CTL, "load", "--key", key, path], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, f"sharedmemory-ctl load failed: {r.stderr or r.stdout}")
    if viewer is not None:
        wait_text(f"the Segment line to name {name}", viewer.info, lambda s: name in s, 5.0)
    return path


def long_name_assets(t):
    """An assets folder holding one file with a 254-character name; returns (folder, name)."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    name = ("a-very-long-file-name-" * 12)[:250] + ".txt"
    with open(os.path.join(assets, name), "w") as f:
        f.write("long\n")
    return assets, name
