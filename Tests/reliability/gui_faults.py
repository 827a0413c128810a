#!/usr/bin/python3
"""GUI-level faults, driving the real windows through the GUI tests' helpers (Tests/pysupport, AT-SPI).

Run under X and a private D-Bus session (run.py does it):
    xvfb-run -a dbus-run-session -- /usr/bin/python3 Tests/reliability/gui_faults.py [--full]

The main-loop checks time AT-SPI calls: a pick (Selection.select_child) returns only after the
loader's `changed` handler ran, and a Text read is answered by the viewer's main loop, so either
taking over MAX_BLOCK seconds means a window froze. Closing line: `N passed, M failed`.
"""

import os
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402  (sets SHAREDMEMORY_BIN_DIR before the harness reads it)
from common import Failure, Spawned, check, ctl, ids  # noqa: E402

import guitest as gui  # noqa: E402  (Tests/pysupport, on the path through common)
import memory_soak  # noqa: E402

MAX_BLOCK = 1.0   # no GUI operation may hold a main loop longer than this


def timed_pick(t, loader, name):
    start = time.monotonic()
    t.pick(loader, name)
    took = time.monotonic() - start
    check(took < MAX_BLOCK, f"picking {name} held the loader's main loop for {took:.2f}s")
    return start


def probe(app, what):
    """One AT-SPI round trip to the app's main loop; fails when it takes MAX_BLOCK or more."""
    start = time.monotonic()
    gui.text_of(what)
    took = time.monotonic() - start
    check(took < MAX_BLOCK, f"{app.name} answered AT-SPI after {took:.2f}s: its main loop is blocked")
    return took


def files_of(loader):
    names = gui.combo_items(loader.combo)
    check(len(names) >= 2, f"need two files, got {names}")
    return names


def data_of(name):
    with open(os.path.join(gui.ASSETS, name), "rb") as f:
        return f.read()


def kill_app(app):
    os.killpg(app.proc.pid, signal.SIGKILL)
    app.proc.wait(5)


def test_stuck_writer_then_killed(t, trials):
    """A writer holds the lock (hold-lock), then is SIGKILLed: each pick meanwhile returns at once,
    the loader says it is loading while the load waits, then gives a lock status naming the holder;
    the viewer says it cannot read and keeps answering; after the kill the next pick loads and the
    viewer shows it."""
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key)
    names = files_of(loader)
    worst = 0.0
    for n in range(trials):
        holder = Spawned("hold-lock", "--key", key, "--seconds", "60")
        try:
            name = names[(2 * n) % len(names)]
            timed_pick(t, loader, name)
            # The load waits for the lock on its own thread (0.5 s): the window answers meanwhile.
            waiting = gui.text_of(loader.status)
            check(waiting == f"Loading {name}…",
                  f"the loader's window did not answer while its load waited for the lock: status {waiting!r}")
            status = gui.wait_text("a lock status", loader.status,
                                   lambda s: s.startswith("Unable to lock shared memory: "), MAX_BLOCK)
            check(f"pid {holder.pid}" in status, f"the status does not name the holder: {status!r}")
            # The viewer says so once the lock has been refused for 3 s (a large load holds it a while).
            gui.wait_text("the viewer to report the held lock", viewer.info,
                          lambda s: "Cannot read the segment" in s, 4.0)
            for _ in range(5):
                worst = max(worst, probe(viewer, viewer.text), probe(loader, loader.status))
        finally:
            holder.kill(signal.SIGKILL)
        name = names[(2 * n + 1) % len(names)]
        started = timed_pick(t, loader, name)
        gui.expect_loaded(loader, viewer, name, data_of(name), started)
        gui.wait_text("the viewer to drop the lock message", viewer.info,
                      lambda s: "Cannot read the segment" not in s, 1.0)
    return f"{trials} stuck writers killed: every pick < {MAX_BLOCK:.0f}s, worst AT-SPI reply {worst * 1000:.0f} ms"


def test_viewer_killed_and_restarted(t, trials):
    """The viewer SIGKILLed while the loader stays open: the loader's next pick gives a clear
    status at once; a restarted viewer recovers the segment and the next pick works."""
    key = t.key()
    loader = t.loader(key)
    names = files_of(loader)
    for n in range(trials):
        viewer = t.viewer(key)
        name = names[(3 * n) % len(names)]   # consecutive picks differ, or the combo emits nothing
        started = timed_pick(t, loader, name)
        gui.expect_loaded(loader, viewer, name, data_of(name), started)
        kill_app(viewer)
        timed_pick(t, loader, names[(3 * n + 1) % len(names)])
        status = gui.wait_text("a status about the dead viewer", loader.status,
                               lambda s: s.startswith(("Unable to attach to shared memory: ",
                                                       "Unable to load: no viewer is running")), MAX_BLOCK)
        check("start the sharedmemory viewer" in status.lower(), f"no advice in {status!r}")
        viewer = t.viewer(key)
        name = names[(3 * n + 2) % len(names)]
        started = timed_pick(t, loader, name)
        gui.expect_loaded(loader, viewer, name, data_of(name), started)
        kill_app(viewer) if n + 1 < trials else None
    return f"{trials} viewers killed with SIGKILL and restarted under one loader: every next pick worked"


def test_loader_first_and_viewer_restarted(t, trials):
    """Loader before the viewer; viewer ended (SIGTERM) and started again while the loader stays
    open: the next pick works each time, without restarting the loader."""
    key = t.key()
    loader = t.loader(key)
    names = files_of(loader)
    timed_pick(t, loader, names[0])
    gui.wait_text("an attach error", loader.status, lambda s: s.startswith(("Unable to attach", "Unable to load: no viewer is running")), MAX_BLOCK)
    for n in range(trials):
        viewer = t.viewer(key)
        name = names[(n + 1) % len(names)]
        started = timed_pick(t, loader, name)
        gui.expect_loaded(loader, viewer, name, data_of(name), started)
        viewer.proc.send_signal(signal.SIGTERM)
        check(viewer.exit_code() == 0, f"viewer exit {viewer.proc.returncode}")
    return f"{trials} viewer restarts under one loader started first: every next pick worked"


def test_ipcrm_segment_and_semaphore(t, trials):
    """`ipcrm -m` on the viewer's segment and `ipcrm -s` on its semaphore: the viewer makes the
    segment again within a poll or two (and says so), the next pick works."""
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key)
    names = files_of(loader)
    for n in range(trials):
        shmid, semid = ids(key)
        check(subprocess.run(["ipcrm", "-m", str(shmid)]).returncode == 0, "ipcrm -m failed")
        gui.wait_until("a new segment", lambda: ids(key)[0] not in (None, shmid), MAX_BLOCK)
        gui.wait_text("the viewer to show the empty message", viewer.text,
                      lambda s: s == gui.EMPTY_MESSAGE, MAX_BLOCK)
        gui.wait_text("the Segment line to say the segment was made again", viewer.info,
                      lambda s: "segment made again" in s, MAX_BLOCK)
        name = names[(2 * n) % len(names)]
        started = timed_pick(t, loader, name)
        gui.expect_loaded(loader, viewer, name, data_of(name), started)
        _, semid = ids(key)
        check(subprocess.run(["ipcrm", "-s", str(semid)]).returncode == 0, "ipcrm -s failed")
        name = names[(2 * n + 1) % len(names)]
        started = timed_pick(t, loader, name)
        gui.expect_loaded(loader, viewer, name, data_of(name), started)
        check(ids(key)[1] not in (None, semid), "no new semaphore")
    return f"{trials} x (ipcrm -m, ipcrm -s) behind the windows: the viewer recovered and the next pick worked"


def test_viewer_under_concurrent_load(t, seconds):
    """Four `sharedmemory-ctl load` loops for `seconds`: the viewer keeps answering within
    MAX_BLOCK, and once they stop it shows the last file loaded."""
    key = t.key()
    viewer = t.viewer(key)
    paths = [os.path.join(gui.ASSETS, n) for n in sorted(os.listdir(gui.ASSETS))
             if os.path.isfile(os.path.join(gui.ASSETS, n))][:4]
    stop, loads, errors = threading.Event(), [0] * 4, []

    def loop(i):
        while not stop.is_set():
            r = ctl("load", "--key", key, paths[(i + loads[i]) % len(paths)])
            if r.returncode != 0:
                errors.append(r.stderr)
            loads[i] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    worst, probes = 0.0, 0
    try:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            worst = max(worst, probe(viewer, viewer.info))
            probes += 1
            time.sleep(0.05)
    finally:
        stop.set()
        for th in threads:
            th.join()
    check(not errors, f"{len(errors)} loads failed: {errors[:1]}")
    last = subprocess.run([common.CTL, "dump", "--key", key], capture_output=True).stdout
    gui.wait_text("the viewer to show the last file loaded", viewer.text,
                  lambda s: s in gui.repaired_forms(last) or s == last.decode("utf-8", "replace"), MAX_BLOCK)
    return (f"{sum(loads)} loads by 4 processes in {seconds}s: {probes} AT-SPI probes, worst "
            f"{worst * 1000:.0f} ms; the viewer ended on the last file")


def test_missing_assets_and_outside_links(t, _):
    """--assets pointing nowhere: the loader window says so. Links leading out of the assets
    folder are not offered."""
    key = t.key()
    app = gui.App(t, "loader", [gui.LOADER, "--key", key, "--assets", "/nonexistent/assets"], gui.LOADER_TITLE)
    t.apps.append(app)
    app.wait_frame()
    status = app.widget("Status", gui.Atspi.Role.LABEL)
    gui.wait_text("a missing-folder status", status,
                  lambda s: "/nonexistent/assets" in s and "No such file or directory" in s and "--assets" in s, 2.0)
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    with open(os.path.join(assets, "inside.txt"), "w") as f:
        f.write("inside\n")
    with open(os.path.join(t.tmp, "secret.txt"), "w") as f:
        f.write("outside\n")
    os.symlink(os.path.join(t.tmp, "secret.txt"), os.path.join(assets, "out-link"))
    os.symlink("../secret.txt", os.path.join(assets, "up-link"))
    os.symlink("inside.txt", os.path.join(assets, "in-link"))
    loader = t.loader(key, assets)
    items = gui.combo_items(loader.combo)
    check(items == ["in-link", "inside.txt"], f"the combo offers {items}")
    return "missing assets folder reported in the window; links leading outside not offered"


def test_memory_flat_over_loads(_t, loads):
    """Mixed loads (folded base64, minified JSON, 2,000-line logs, small files) into one running
    viewer: its resident memory ends within 10 MB of where it stood after the first 50 (issue 18;
    a GtkSourceBuffer's undo history kept every load's text before)."""
    return memory_soak.check_flat(loads)


TESTS = [
    (test_stuck_writer_then_killed, 5, 50),
    (test_viewer_killed_and_restarted, 2, 10),
    (test_loader_first_and_viewer_restarted, 2, 5),
    (test_ipcrm_segment_and_semaphore, 2, 10),
    (test_viewer_under_concurrent_load, 5, 30),
    (test_missing_assets_and_outside_links, 1, 1),
    (test_memory_flat_over_loads, 250, 2000),
]


def main():
    full = "--full" in sys.argv
    only = [n for n in os.environ.get("RELIABILITY_TESTS", "").split(",") if n]
    gui.x11()
    cases = []
    for fn, bounded, long in TESTS:
        name = fn.__name__[len("test_"):]
        if not only or name in only:
            runs = long if full else bounded
            cases.append((f"gui/{name}", "rel_" + name[:20], lambda t, fn=fn, runs=runs: fn(t, runs)))
    return gui.run_cases(cases, expected=(Failure, gui.TestFailure))


if __name__ == "__main__":
    sys.exit(main())
