"""Who holds the segment and for how long: each window closed first (like a window manager closes
it) or ended by SIGTERM leaves no segment, semaphore or key file behind; the loader lets go a second
after its last pick; a lock held for seconds by another process stalls neither window. Plain test
functions; run_gui_tests.py lists them."""

import os
import re
import signal
import subprocess
import time

from apps import EMPTY_MESSAGE
from atspi import combo_items, text_of, wait_text
from content import expect_loaded
from files import ASSETS, framed_generation
from harness import CTL, check, ctl
from keys import assert_resources_gone, assert_resources_present, segment_live, sem_file, shm_file
from l10n import prefix, tr
from waiting import probe_worst, wait_until
from x11 import close_window


def test_lock_starvation(t):
    """Another process holds the lock for seconds: the viewer (polling, then recovering after ipcrm)
    and the loader (a pick waiting for the lock) answer every AT-SPI probe within 100 ms."""
    key = t.key()
    viewer = t.viewer(key)
    wait_text("the empty viewer", viewer.text, lambda s: s == EMPTY_MESSAGE, 2.0)
    loader = t.loader(key)
    names = wait_until("the file list", lambda: combo_items(loader.combo), 2.0)
    holder = subprocess.Popen([CTL, "hold-lock", "--key", key, "--seconds", "30"],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline()
        check(line.startswith("locked by pid"), f"hold-lock printed {line!r}")
        widgets = [("viewer text", lambda: text_of(viewer.text)), ("viewer info", lambda: text_of(viewer.info)),
                   ("loader status", lambda: text_of(loader.status)), ("loader list", lambda: combo_items(loader.combo))]
        t.pick(loader, names[0])
        held = probe_worst(widgets, 1.5)
        wait_text("the lock failure", loader.status, lambda s: s.startswith(prefix("Unable to lock shared memory: {reason}\n"
                                                                          "The file was not loaded; try again when the writer is done.")), 2.0)
        r = ctl("info", "--key", key)
        shmid = re.search(r"shmid (\d+)", r.stdout)
        check(shmid is not None, f"no shmid in {r.stdout!r}")
        check(subprocess.run(["ipcrm", "-m", shmid.group(1)]).returncode == 0, "ipcrm -m failed")
        recovering = probe_worst(widgets, 2.0)   # each recovery attempt waits for the held lock
    finally:
        holder.terminate()
        holder.wait(5)
    wait_text("the recovery note", viewer.info, lambda s: prefix("segment made again ({reason})") in s, 3.0)
    with open(os.path.join(ASSETS, names[1]), "rb") as f:
        data = f.read()
    started = time.monotonic()
    t.pick(loader, names[1])   # the made-again segment works: written, and the viewer woken
    expect_loaded(loader, viewer, names[1], data, started)
    check(framed_generation(key) == 1, f"the made-again segment is not framed: generation {framed_generation(key)}")
    check(held[0] < 0.1, f"{held[1]} took {held[0] * 1000:.0f} ms to answer while the lock was held")
    check(recovering[0] < 0.1, f"{recovering[1]} took {recovering[0] * 1000:.0f} ms to answer during the recovery")
    return f"slowest probe {max(held[0], recovering[0]) * 1000:.1f} ms (lock held: {held[1]}; recovery: {recovering[1]})"


def test_viewer_patient_with_a_held_lock(t):
    """A lock held for a second (a loader writing a large file) is no failure to show: the Segment
    line stays as it was. Held for longer, the viewer says so within 4 s, and the line is clean
    again once the holder is gone."""
    key = t.key()
    viewer = t.viewer(key)
    wait_text("the empty viewer", viewer.text, lambda s: s == EMPTY_MESSAGE, 2.0)
    template = tr("{info}\nCannot read the segment: {problem}")
    said = template[template.index("\n") + 1:template.index("{problem}")]
    seen = []
    for seconds, reported in ((1.5, False), (6.0, True)):
        holder = subprocess.Popen([CTL, "hold-lock", "--key", key, "--seconds", str(seconds)],
                                  stdout=subprocess.PIPE, text=True)
        try:
            line = holder.stdout.readline()
            check(line.startswith("locked by pid"), f"hold-lock printed {line!r}")
            taken = time.monotonic()
            if reported:
                wait_text("the held lock reported", viewer.info, lambda s: said in s, 4.5)
                seen.append(f"held {seconds:g} s: said after {time.monotonic() - taken:.1f} s")
            else:
                while time.monotonic() - taken < seconds + 0.5:
                    info = text_of(viewer.info)
                    check(said not in info, f"a lock held {time.monotonic() - taken:.1f} s was reported: {info!r}")
                    time.sleep(0.05)
                seen.append(f"held {seconds:g} s: not reported")
        finally:
            holder.terminate()
            holder.wait(10)
    wait_text("the report gone with the holder", viewer.info, lambda s: said not in s, 3.0)
    return "; ".join(seen)


def test_close_loader_then_sigterm_viewer(t):
    """Loader closed like a window manager closes it, viewer ended by SIGTERM: nothing left."""
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key)
    name = combo_items(loader.combo)[0]
    with open(os.path.join(ASSETS, name), "rb") as f:
        data = f.read()
    started = time.monotonic()
    t.pick(loader, name)
    expect_loaded(loader, viewer, name, data, started)
    ids = assert_resources_present(key)
    close_window(loader)
    check(loader.exit_code() == 0, f"loader exit status {loader.proc.returncode}")
    check(segment_live(key), "closing the loader removed the viewer's segment")
    viewer.proc.send_signal(signal.SIGTERM)
    check(viewer.exit_code() == 0, f"viewer exit status on SIGTERM: {viewer.proc.returncode}")
    assert_resources_gone(key, ids)


def test_close_viewer_then_sigterm_loader(t):
    """Viewer closed like a window manager closes it, loader ended by SIGTERM: nothing left."""
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key)
    ids = assert_resources_present(key)
    close_window(viewer)
    check(viewer.exit_code() == 0, f"viewer exit status {viewer.proc.returncode}")
    assert_resources_gone(key, ids)
    # the loader is still there and now reports that it cannot attach
    t.pick(loader, combo_items(loader.combo)[0])
    wait_text("the no-viewer status", loader.status, lambda s: s.startswith(prefix(
        "Unable to load: no viewer is running for this key (none found in {folder}).\nStart the sharedmemory viewer "
        "first, then pick the file again.")), 2.0)
    loader.proc.send_signal(signal.SIGTERM)
    loader.exit_code()
    check(not os.path.exists(shm_file(key)) and not os.path.exists(sem_file(key)),
          "key files reappeared after the loader ended")


def attached_count(key):
    """The segment's attach count from `sharedmemory-ctl info`, None when there is no segment."""
    r = ctl("info", "--key", key)
    label = prefix("attached: {count}")
    for line in r.stdout.splitlines():
        if line.startswith(label):
            return int(line[len(label):].split()[0])
    return None


def test_loader_lets_go_after_picks(t):
    """The loader keeps the segment only between quick picks: one second after the last one it
    detaches, and a viewer closed while the loader held it leaves nothing behind."""
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key)
    names = combo_items(loader.combo)
    t.pick(loader, names[0])
    wait_text("the load", loader.status, lambda s: s.startswith(prefix("Loaded file {name} to shared memory")), 2.0)
    wait_until("the loader to attach and stay (2 attached)", lambda: attached_count(key) == 2, 0.8)
    wait_until("the loader to let go (1 attached)", lambda: attached_count(key) == 1, 3.0)

    t.pick(loader, names[1 % len(names)])
    wait_text("the second load", loader.status, lambda s: s == tr("Loaded file {name} to shared memory", name=names[1 % len(names)]), 2.0)
    ids = assert_resources_present(key)
    close_window(viewer)
    check(viewer.exit_code() == 0, f"viewer exit status {viewer.proc.returncode}")
    assert_resources_gone(key, ids)   # the loader, last out, removed them
    check(loader.proc.poll() is None, "the loader exited")
