#!/usr/bin/python3
"""Memory soak of the viewer: many mixed loads into one running viewer, its resident memory read
from /proc after each. Needs an X display (run.py runs it under Xvfb with the GUI faults, or alone:
`xvfb-run -a python3 Tests/reliability/memory_soak.py [LOADS]`).

The contents cycle through the kinds that grew the viewer before (issue 18): base64 on one line
(folded for display), minified JSON, a 2,000-line log, a small file. Each load waits until the
viewer's trace says it rendered it, so every load is shown (none coalesced away).
"""

import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402
from common import check  # noqa: E402

SETTLE = 50          # loads before the reference figure
TOLERANCE_KB = 10 * 1024


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise common.Failure(f"no VmRSS for pid {pid}")


def contents(tmp, rng):
    """Four files of each kind (different bytes each time a kind comes round)."""
    files = []
    for n in range(4):
        blob = base64.b64encode(rng.randbytes(200_000 + 1000 * n)).decode()
        files.append(("token.env", ("TOKEN=" + blob + "\n").encode()))
        data = [{"id": i, "name": f"item {i} {n}", "tags": ["a", "b", "ü"], "value": i * 3.25} for i in range(2500)]
        files.append(("data.json", json.dumps(data, separators=(",", ":")).encode()))
        log = "".join(f"2026-12-07 06:{i // 60 % 60:02d}:{i % 60:02d} INFO worker {n} request {i} took {i % 97} ms\n"
                      for i in range(2000))
        files.append(("server.log", log.encode()))
        files.append(("note.txt", f"a small file {n}\nsecond line\n".encode()))
    paths = []
    for i, (name, data) in enumerate(files):
        folder = os.path.join(tmp, str(i))
        os.makedirs(folder)
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    return paths


def soak(loads):
    """Returns (reference KB after SETTLE loads, last KB, growth per load in bytes, loads)."""
    key = common.new_key("soak")
    rng = random.Random(18)
    with tempfile.TemporaryDirectory() as tmp:
        paths = contents(tmp, rng)
        err = open(os.path.join(tmp, "trace"), "w+")
        viewer = subprocess.Popen([common.VIEWER, "--key", key, "--size", str(1 << 20), "--trace"],
                                  stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            deadline = time.monotonic() + 10
            while common.info(key) is None:
                check(time.monotonic() < deadline and viewer.poll() is None, "the viewer did not create its segment")
                time.sleep(0.05)
            reference = None
            samples = []
            for n in range(loads):
                r = common.ctl("load", "--key", key, paths[n % len(paths)])
                check(r.returncode == 0, f"load {n} failed: {r.stderr}")
                wait_rendered(err, n + 1, viewer)
                if n + 1 == SETTLE:
                    reference = rss_kb(viewer.pid)
                if n + 1 >= SETTLE and (n + 1) % 50 == 0:
                    samples.append(rss_kb(viewer.pid))
            last = rss_kb(viewer.pid)
            growth = (last - reference) * 1024 / max(loads - SETTLE, 1)
            return reference, last, growth, samples
        finally:
            viewer.terminate()
            viewer.wait(10)
            err.seek(0); sys.stderr.write(err.read()[-3000:]) if os.environ.get("SOAK_DEBUG") else None
            err.close()


def wait_rendered(err, generation, viewer):
    """Until the trace has a finished render of `generation` (each framed load bumps it by one)."""
    deadline = time.monotonic() + 20
    while True:
        err.seek(0)
        for line in err:
            if f" generation={generation} bytes=" in line and " render_us=" in line:
                return
        check(viewer.poll() is None, f"the viewer exited ({viewer.returncode})")
        check(time.monotonic() < deadline, f"load {generation} was not rendered within 20 s")
        time.sleep(0.01)


def check_flat(loads):
    reference, last, growth, _ = soak(loads)
    check(last - reference <= TOLERANCE_KB,
          f"resident memory grew from {reference} KB after {SETTLE} loads to {last} KB after {loads} "
          f"({growth:.0f} bytes per load)")
    return f"{loads} mixed loads: RSS {reference} KB after {SETTLE}, {last} KB at the end ({growth:+.0f} bytes per load)"


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    ref, last, growth, samples = soak(n)
    print(f"reference {ref} KB, last {last} KB, {growth:+.0f} B/load; samples {samples}")
