"""Faults with real processes and no GUI: SIGKILL while holding the lock, concurrent writers,
bad options. Each function raises Failure, or returns a one-line summary with its figures."""

import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from common import info as common_info
from common import (CTL, LOADER, VIEWER, Spawned, assert_nothing_left, check, cleanup, ctl, ids,
                    ipcs_ids, new_key, timed)


def lock_state(key):
    """The `semaphore:` line of `sharedmemory-ctl info`: "... free" or "... held by pid N (alive)"."""
    return (common_info(key) or {}).get("semaphore", "")


def writer_killed_holding_lock(trials):
    """A writer SIGKILLed while it holds the lock: the kernel frees the lock (SEM_UNDO) and the
    next load and dump succeed, every time. Once, a dump with --timeout 0.2 is run while the
    lock is held: it must fail naming the holder (ctl's attach still waits its own 5 s, see
    docs/RELIABILITY.md; the GUI bound is checked by RecoveryTests and gui_faults.py)."""
    key = new_key("killholder")
    tmp = tempfile.mkdtemp(prefix="reltest-")
    viewer = Spawned("create", "--key", key, "--size", "65536", "--stamp")
    try:
        worst_recovery, blocked = 0.0, None
        for n in range(trials):
            path = os.path.join(tmp, f"trial-{n}.txt")
            data = f"trial {n} {random.random()}\n".encode() * (1 + n % 50)
            with open(path, "wb") as f:
                f.write(data)
            holder = Spawned("hold-lock", "--key", key, "--seconds", "60")
            check(holder.first_line == f"locked by pid {holder.pid}", f"hold-lock said {holder.first_line!r}")
            check(f"held by pid {holder.pid} (alive)" in lock_state(key), f"trial {n}: {lock_state(key)!r}")
            if n == 0:
                r, blocked = timed(lambda: ctl("dump", "--key", key, "--timeout", "0.2"))
                check(r.returncode == 1 and "timed out" in r.stderr and f"pid {holder.pid}" in r.stderr,
                      f"dump under a held lock: {r.returncode} {r.stderr!r}")
            holder.kill(signal.SIGKILL)
            check(lock_state(key).endswith("value 1, free"), f"trial {n}: after SIGKILL: {lock_state(key)!r}")
            (load, dump), took = timed(lambda: (ctl("load", "--key", key, "--timeout", "1", path),
                                                ctl("dump", "--key", key, "--timeout", "1", text=False)))
            check(load.returncode == 0, f"trial {n}: load after the kill failed: {load.stderr}")
            check(dump.returncode == 0 and dump.stdout == data, f"trial {n}: dump after the kill differs")
            worst_recovery = max(worst_recovery, took)
    finally:
        viewer.kill(signal.SIGTERM)
        shutil.rmtree(tmp, ignore_errors=True)
    assert_nothing_left(key)
    return (f"{trials} holders killed with SIGKILL: lock freed and next load+dump correct {trials}/{trials} "
            f"(slowest pair {worst_recovery * 1000:.0f} ms); a dump against the held lock gave up after {blocked:.1f}s")


def concurrent_writers(dumps, writers=4):
    """`writers` processes run `sharedmemory-ctl load` in a loop with different files while a
    reader runs `sharedmemory-ctl dump` in a loop: every dump is exactly one of the files."""
    key = new_key("concurrent")
    tmp = tempfile.mkdtemp(prefix="reltest-")
    files = {}
    for i in range(writers):
        # Different lengths and bytes: a torn read mixes bytes or lengths and matches no file.
        data = bytes([0x41 + i]) * (60_000 + 70_000 * i) + f"\nend of file {i}\n".encode()
        files[os.path.join(tmp, f"f{i}.bin")] = data
        with open(os.path.join(tmp, f"f{i}.bin"), "wb") as f:
            f.write(data)
    contents = set(files.values())
    viewer = Spawned("create", "--key", key, "--size", str(1 << 20), "--stamp")
    stop = threading.Event()
    loads, errors = [0] * writers, []

    def write_loop(i):
        paths = list(files)
        while not stop.is_set():
            r = ctl("load", "--key", key, "--timeout", "10", paths[(i + loads[i]) % len(paths)])
            if r.returncode != 0:
                errors.append(r.stderr)
            loads[i] += 1

    threads = [threading.Thread(target=write_loop, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    seen, empty = {}, 0
    try:
        for n in range(dumps):
            r = ctl("dump", "--key", key, "--timeout", "10", text=False)
            check(r.returncode == 0, f"dump {n} failed: {r.stderr}")
            if r.stdout == b"":
                empty += 1
                continue
            check(r.stdout in contents, f"dump {n}: {len(r.stdout)} bytes matching no file (torn or mixed)")
            seen[r.stdout] = seen.get(r.stdout, 0) + 1
    finally:
        stop.set()
        for t in threads:
            t.join()
        check(not errors, f"{len(errors)} loads failed, first: {errors[:1]}")
        last = ctl("dump", "--key", key, text=False).stdout
        viewer.kill(signal.SIGTERM)
        shutil.rmtree(tmp, ignore_errors=True)
    check(last in contents, "the final dump is not one of the files")
    check(len(seen) == writers, f"only {len(seen)} distinct files seen: the writers did not interleave")
    assert_nothing_left(key)
    return (f"{writers} writer processes made {sum(loads)} loads while {dumps} dumps ran: "
            f"every dump was exactly one file ({empty} before the first load), 0 torn")


def bad_options():
    """Bad --size, --key, --assets on all three programs: exit status and one clear message, fast."""
    cases = [
        ([VIEWER, "--size", "0"], 2, "--size 0 is too small: the segment needs at least 321 bytes"),
        ([VIEWER, "--size=-1"], 2, "--size -1 is too small"),
        ([VIEWER, "--size", "320"], 2, "--size 320 is too small"),
        ([VIEWER, "--size", "99999999999999"], 2, "larger than the allowed"),
        # Issue 23: a number GLib cannot read is a usage error like the others (it exited 1 with a bare line).
        ([VIEWER, "--size", "many"], 2, 'sharedmemory: --size takes a whole number, not "many"\nRun sharedmemory --help'),
        ([VIEWER, "--size", "1e6"], 2, '--size takes a whole number, not "1e6"'),
        ([VIEWER, "--size", "99999999999999999999"], 2, "--size 99999999999999999999 is out of range\nRun sharedmemory --help"),
        ([VIEWER, "--highlight-limit=1.5"], 2, '--highlight-limit takes a whole number, not "1.5"'),
        # `--timeout -1` read "-1" as an option ("Missing value") while `--timeout=-1` was right.
        ([CTL, "dump", "--key", "x", "--timeout", "-1"], 2, "give a number of seconds from 0 to"),
        ([CTL, "load", "--key", "x", "--timeout", "-1", "/etc/hostname"], 2, "give a number of seconds from 0 to"),
        ([CTL, "hold-lock", "--key", "x", "--seconds", "-1"], 2, "give a number of seconds from 0 to"),
        ([VIEWER, "--key="], 2, "--key must not be empty"),
        ([LOADER, "--key="], 2, "--key must not be empty"),
        ([VIEWER, "stray"], 2, 'sharedmemory: unexpected argument "stray"'),
        ([LOADER, "--key", "x", "a.txt"], 2, 'sharedmemory_loader: unexpected argument "a.txt"'),
        ([LOADER, "--assets="], 2, "--assets must not be empty"),
        ([CTL, "create", "--key", "x", "--size", "0"], 2, "--size 0 is too small"),
        ([CTL, "create", "--key", "x", "--size=-5"], 2, "--size -5 is too small"),
        ([CTL, "create", "--key", "x", "--size", "-1"], 2, "--size -1 is too small"),
        ([CTL, "create", "--key", "x", "--size", "319", "--stamp"], 2, "--size 319 is too small"),
        ([CTL, "create", "--key", "x", "--size", str(1 << 31)], 2, "larger than the allowed 1.0\u00a0GiB"),
        ([CTL, "create", "--key", "x", "--size", str(1 << 62)], 2, "larger than the allowed 1.0\u00a0GiB"),
        ([CTL, "create", "--key", "", "--size", "10"], 1, "the key is empty"),
        ([CTL, "load", "--key", "", "/etc/hostname"], 1, "the key is empty"),
        ([CTL, "dump", "--key", ""], 1, "the key is empty"),
        ([CTL, "remove", "--key", f"reliability-nothing-{os.getpid()}"], 1, "sharedmemory-ctl: nothing to remove for key"),
    ]
    env = dict(os.environ)
    env.pop("DISPLAY", None)  # option errors must come before any window
    for argv, status, words in cases:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=10, env=env)
        out = r.stdout + r.stderr
        check(r.returncode == status and words in out,
              f"{' '.join(argv[1:])}: exit {r.returncode} (want {status}), output {out!r} lacks {words!r}")
    return f"{len(cases)} bad command lines: each exited with its status and said why"


def fuzz(cases, libfuzzer_seconds):
    """The seeded random loop over the header parser, change detection, display and write paths,
    then (full run) libFuzzer; both with guard pages around the segment."""
    build = subprocess.run([os.path.join(os.path.dirname(__file__), "fuzz", "build.sh")],
                           capture_output=True, text=True, timeout=600)
    check(build.returncode == 0, f"fuzz build failed: {build.stderr[-2000:]}")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    loop = os.path.join(root, ".build-fuzz", "fuzz-loop")
    r = subprocess.run([loop, "--cases", str(cases), "--seed", os.environ.get("FUZZ_SEED", "20240601")],
                       capture_output=True, text=True, timeout=900)
    check(r.returncode == 0, f"fuzz-loop failed ({r.returncode}): {(r.stdout + r.stderr)[-2000:]}")
    summary = r.stdout.strip().splitlines()[-1]
    libfuzzer = os.path.join(root, ".build-fuzz", "fuzz-libfuzzer")
    if libfuzzer_seconds and os.access(libfuzzer, os.X_OK):
        corpus = tempfile.mkdtemp(prefix="reltest-corpus-")
        r = subprocess.run([libfuzzer, f"-max_total_time={libfuzzer_seconds}", "-max_len=9000",
                            "-print_final_stats=1", corpus], capture_output=True, text=True,
                           timeout=libfuzzer_seconds + 120)
        shutil.rmtree(corpus, ignore_errors=True)
        runs = [line for line in r.stderr.splitlines() if line.startswith("stat::number_of_executed_units")]
        check(r.returncode == 0, f"libFuzzer found a crash: {r.stderr[-3000:]}")
        summary += f"; libFuzzer+ASan {libfuzzer_seconds}s: {runs[0].split(':')[-1].strip() if runs else '?'} runs, no crash"
    return summary


def api_fuzz(steps):
    """The seeded random walk over SharedMemory's public API (Tests/SharedMemoryTests/APIFuzzTests.swift),
    System V and POSIX, longer than in the unit tests: every step a consistent state or a typed error,
    nothing left at the end. Run through `swift test` (SWIFT_TEST overrides the command)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    command = os.environ.get("SWIFT_TEST", "swift test").split() + ["--filter", "APIFuzzTests"]
    env = dict(os.environ, SHAREDMEMORY_API_FUZZ_STEPS=str(steps),
               SHAREDMEMORY_API_FUZZ_SEED=os.environ.get("FUZZ_SEED", "20240601"))
    r = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=1800)
    check(r.returncode == 0, f"API fuzzing failed ({r.returncode}): {(r.stdout + r.stderr)[-3000:]}")
    return f"{steps} random public-API steps per backend (System V, POSIX): consistent, typed errors, nothing left"


def leftovers_by_prefix():
    """No key file of this suite's keys is left in the temp folder."""
    tmp = (os.environ.get("TMPDIR") or "/tmp").rstrip("/") or "/"
    left = [n for n in os.listdir(tmp) if n.startswith(("qipc_sharedmemory_reltest", "qipc_systemsem_reltest"))]
    check(not left, f"key files left: {left}")
    return "no key file, segment or semaphore of the suite left behind"
