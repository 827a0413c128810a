"""A big folder (issue 14): 10,000 files in --assets. The window is up within a second, the main loop never
stalls over 100 ms while the folder is listed, the list popped up, a file picked by keyboard or the
folder changed, and a change is in the list within a second.

The main loop is measured with _NET_WM_PING (xping.py, through the X server), every 10 ms, not
with AT-SPI calls, whose answers also wait for this process's AT-SPI client and the accessibility
bus. Files are picked with the keyboard and the segment read with `sharedmemory-ctl dump`.
"""

import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STALL_LIMIT = 0.1


class Pinger:
    """xping.py on a window: every ping's latency, read by phase (a thread collects the lines)."""

    def __init__(self, window):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "xping.py"), str(window), "10"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.samples = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            sent, latency = line.split()
            with self.lock:
                self.samples.append((float(sent), float("inf") if latency == "timeout" else float(latency)))

    def worst(self, since, until=None):
        """The longest the main loop kept a ping waiting within [since, until]: the slowest answer
        to a ping waiting then, or the time since the last answer when one is still awaited; and
        how many pings were answered in it."""
        until = until or time.monotonic()
        time.sleep(0.05)   # the last answers arrive
        with self.lock:
            chosen = [latency for sent, latency in self.samples if sent <= until and sent + latency >= since]
            last_answer = max((sent + latency for sent, latency in self.samples if sent + latency <= until), default=since)
        waiting = until - max(last_answer, since) - 0.02   # a ping is sent 10 ms after the last answer
        return max(chosen + [waiting]), len(chosen)

    def stop(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(3)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def make_tests(h):
    """The tests, given the runner module h (its helpers and Test)."""

    def dump(key):
        r = subprocess.run([h.CTL, "dump", "--key", key], capture_output=True, timeout=20)
        return r.stdout if r.returncode == 0 else None

    def test_ten_thousand_files(t):
        assets = os.path.join(t.tmp, "assets")
        os.makedirs(assets)
        for i in range(10000):
            with open(os.path.join(assets, f"file-{i:05d}.txt"), "w") as f:
                f.write(f"file {i}\n")
        key = t.key()
        t.viewer(key)
        started = time.monotonic()
        loader = t.loader(key, assets=assets)
        up = time.monotonic() - started
        h.check(up < 1.0, f"the loader window took {up:.2f} s to appear")
        (window,) = h.x11().toplevels_of(loader.pid)[:1]
        pinger = Pinger(window)
        t.cleanups = getattr(t, "cleanups", []) + [pinger.stop]
        try:
            listing_from = time.monotonic()
            groups = h.wait_until("the grouped list", lambda: (lambda g: len(g) == 100 and g)(h.combo_items(loader.combo)), 3.0)
            h.check(groups[-1] == "file-09900.txt … file-09999.txt", f"last group is {groups[-1]!r}")
            time.sleep(0.3)
            listing = pinger.worst(listing_from)

            # The combo was empty (insensitive) when the window came up, so the focus is on Reload.
            picking_from = time.monotonic()
            h.press("ISO_Left_Tab")
            h.press("space")   # pops the list up
            time.sleep(0.3)
            h.pick_last_of_last_group()
            h.wait_until("file-09999.txt in the segment", lambda: dump(key) == b"file 9999\n", 1.0)
            picked = time.monotonic() - picking_from
            time.sleep(0.3)
            picking = pinger.worst(picking_from)

            with open(os.path.join(assets, "file-10000.txt"), "w") as f:
                f.write("file 10000\n")
            added = time.monotonic()
            h.wait_until("the added file in the list", lambda: h.combo_last_item(loader.combo).endswith("file-10000.txt"), 1.0)
            shown = time.monotonic() - added
            time.sleep(max(0.0, 1.0 - shown))
            change = pinger.worst(added)

            again = time.monotonic()
            h.press("space")
            time.sleep(0.3)
            h.pick_last_of_last_group()
            h.wait_until("file-10000.txt in the segment", lambda: dump(key) == b"file 10000\n", 1.0)
            time.sleep(0.3)
            second = pinger.worst(again)

            # Issue 14 follow-up: a change costs the change (the event's name is checked), not the folder.
            os.rename(os.path.join(assets, "file-10000.txt"), os.path.join(assets, "file-10001.txt"))
            renamed = time.monotonic()
            h.wait_until("the renamed file in the list", lambda: h.combo_last_item(loader.combo).endswith("file-10001.txt"), 1.0)
            moved = time.monotonic() - renamed
            os.remove(os.path.join(assets, "file-10001.txt"))
            deleted = time.monotonic()
            h.wait_until("the deleted file out of the list", lambda: h.combo_last_item(loader.combo).endswith("file-09999.txt"), 1.0)
            gone = time.monotonic() - deleted
            time.sleep(max(0.0, 1.0 - gone))
            rename_delete = pinger.worst(renamed)
        finally:
            pinger.stop()
        for what, (worst, count) in (("listing", listing), ("popup and keyboard pick", picking),
                                     ("folder change", change), ("second pick", second),
                                     ("rename and delete", rename_delete)):
            h.check(count >= 10, f"only {count} pings answered during the {what}")
            h.check(worst < STALL_LIMIT, f"the loader's main loop stalled {worst * 1000:.0f} ms during the {what}")
        return (f"window up {up * 1000:.0f} ms, End picked in {picked * 1000:.0f} ms, added file listed in "
                f"{shown * 1000:.0f} ms; slowest ping: listing "
                f"{listing[0] * 1000:.1f} ms, popup+pick {picking[0] * 1000:.1f} ms, folder change "
                f"{change[0] * 1000:.1f} ms, second pick {second[0] * 1000:.1f} ms; renamed file listed in "
                f"{moved * 1000:.0f} ms, deleted one gone in {gone * 1000:.0f} ms, slowest ping "
                f"{rename_delete[0] * 1000:.1f} ms")

    def test_big_folder_change(t):
        """A measurement (BIG_FOLDER_FILES=100000 adds it to the run): at that many files, a file
        created, renamed and deleted is shown within a second, the main loop never waiting 100 ms."""
        count = int(os.environ["BIG_FOLDER_FILES"])
        assets = os.path.join(t.tmp, "assets")
        os.makedirs(assets)
        for i in range(count):
            os.close(os.open(os.path.join(assets, f"file-{i:06d}.txt"), os.O_CREAT | os.O_WRONLY, 0o644))
        key = t.key()
        t.viewer(key)
        loader = t.loader(key, assets=assets)
        last = f"file-{count - 1:06d}.txt"
        h.wait_until("the whole list", lambda: h.combo_last_item(loader.combo).endswith(last), 30.0)
        (window,) = h.x11().toplevels_of(loader.pid)[:1]
        pinger = Pinger(window)
        t.cleanups = getattr(t, "cleanups", []) + [pinger.stop]
        times = []
        try:
            time.sleep(0.5)
            began = time.monotonic()
            new, other = os.path.join(assets, f"file-{count:06d}.txt"), os.path.join(assets, f"file-{count + 1:06d}.txt")
            for what, act, shown_last in (("created", lambda: open(new, "w").close(), f"file-{count:06d}.txt"),
                                          ("renamed", lambda: os.rename(new, other), f"file-{count + 1:06d}.txt"),
                                          ("deleted", lambda: os.remove(other), last)):
                act()
                at = time.monotonic()
                h.wait_until(f"the {what} file shown", lambda: h.combo_last_item(loader.combo).endswith(shown_last), 5.0)
                times.append((what, time.monotonic() - at))
                time.sleep(0.5)
            worst, answered = pinger.worst(began)
        finally:
            pinger.stop()
        h.check(answered >= 10, f"only {answered} pings answered")
        for what, took in times:
            h.check(took < 1.0, f"the {what} file took {took:.2f} s to show")
        h.check(worst < STALL_LIMIT, f"the loader's main loop stalled {worst * 1000:.0f} ms")
        return f"{count} files: " + ", ".join(f"{what} {took * 1000:.0f} ms" for what, took in times) + \
            f"; slowest ping {worst * 1000:.1f} ms"

    measured = [test_big_folder_change] if os.environ.get("BIG_FOLDER_FILES") else []
    return [test_ten_thousand_files] + measured   # in both languages (main() adds it to the German run)
