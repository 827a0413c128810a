"""GUI tests of issue 18 item 3, all of the content at any size: a content too large for one text
view is shown a window at a time beside a scrollbar that spans all of it; Ctrl+End shows the real
last line, a search finds and selects a match anywhere, a copy there is the file's bytes.
`make_tests(h)` takes the GUI helpers (guitest.py).
"""

import os
import subprocess
import time

from gi.repository import Atspi


PROBE_LIMIT = 0.150   # every AT-SPI probe answered within this (as in the hard-text tests)
JUMPS = 8             # Ctrl+End presses: a stall in one of five is met with 83 % odds (release build)


def make_tests(h):
    keys = h.send_keys

    def clipboard():
        """The clipboard's text as UTF-8 bytes, read by a separate GTK client (None when empty)."""
        script = ("import gi, sys; gi.require_version('Gtk', '3.0'); from gi.repository import Gtk, Gdk; "
                  "text = Gtk.Clipboard.get(Gdk.Atom.intern('CLIPBOARD', False)).wait_for_text(); "
                  "sys.stdout.buffer.write(b'\\0none' if text is None else text.encode('utf-8'))")
        r = subprocess.run(["/usr/bin/python3", "-c", script], capture_output=True, timeout=10,
                           env=dict(os.environ, GDK_BACKEND="x11", NO_AT_BRIDGE="1"))
        return None if r.stdout == b"\0none" else r.stdout

    def type_text(viewer, text):
        for window in h.x11().toplevels_of(viewer.pid):
            h.xdotool("windowfocus", str(window))
        h.xdotool("type", "--delay", "15", text)

    def numbered(count):
        """`count` lines of 64 bytes: "line 000000042 xxx…\\n"."""
        return "".join(f"line {i:09d} ".ljust(63, "x") + "\n" for i in range(count)).encode()

    def numbered_at(t, name, line):
        """300,000 numbered lines loaded as `name` into a viewer of their size, its scrollbar moved
        to `line`: the key, the bytes, the viewer and the bar."""
        key = t.key()
        data = numbered(300_000)
        viewer = t.viewer(key, "--size", str(len(data) + 4096))
        h.ctl_load(t, key, name, data, viewer)
        h.wait_text("the first line", viewer.text, lambda s: s.startswith("line 000000000 "), 30.0)
        bar = viewer.widget("Position in the content", Atspi.Role.SCROLL_BAR)
        h.check(Atspi.Value.set_current_value(bar, line * 64), "AT-SPI could not move the scrollbar")
        return key, data, viewer, bar

    def focus_text(viewer):
        h.check(Atspi.Component.grab_focus(viewer.text), "AT-SPI could not focus the text")
        h.wait_until("the focus in the text", lambda: viewer.text.get_state_set().contains(Atspi.StateType.FOCUSED), 3.0)

    def top_line(viewer):
        """The number of the file's line at the top of the view (read at the text's top left)."""
        x, y, _, _ = h.extents(viewer.text)
        offset = Atspi.Text.get_offset_at_point(viewer.text, x + 30, y + 12, Atspi.CoordType.SCREEN)
        line = Atspi.Text.get_string_at_offset(viewer.text, offset, Atspi.TextGranularity.LINE).content
        h.check(line.startswith("line "), f"the top line is {line!r}")
        return int(line[5:14])

    def test_viewer_whole_content_scrolls_through(t):
        """Page Down from the top goes on past the end of the view's first window (2,048 lines), and
        Page Up back past the top of the window it reached: the window moves under the view, the
        lines come in order, none skipped or repeated."""
        key = t.key()
        data = numbered(100_000)
        viewer = t.viewer(key, "--size", str(len(data) + 4096))
        h.ctl_load(t, key, "pages.log", data, viewer)
        h.wait_text("the first line", viewer.text, lambda s: s.startswith("line 000000000 "), 30.0)
        focus_text(viewer)
        seen = [top_line(viewer)]
        while seen[-1] < 2_048 + 1_000 and len(seen) < 80:
            keys(viewer, *["Page_Down"] * 12)
            time.sleep(0.2)
            seen.append(top_line(viewer))
        steps = [b - a for a, b in zip(seen, seen[1:])]
        h.check(seen[-1] > 2_048 + 1_000, f"Page Down stopped at line {seen[-1]}: tops {seen}")
        # Forward every time, never by more than the 12 pages pressed (a page is under 40 lines here).
        h.check(min(steps) > 0 and max(steps) < 12 * 40, f"steps {steps}: tops {seen}")
        # And back up past the top of the window the view holds now (it starts ~1,024 lines above).
        back = [seen[-1]]
        while back[-1] > seen[-1] - 2_000 and len(back) < 80:
            keys(viewer, *["Page_Up"] * 12)
            time.sleep(0.2)
            back.append(top_line(viewer))
        up = [a - b for a, b in zip(back, back[1:])]
        h.check(back[-1] <= seen[-1] - 2_000, f"Page Up stopped at line {back[-1]}: tops {back}")
        h.check(min(up) > 0 and max(up) < 12 * 40, f"steps up {up}: tops {back}")
        return (f"{len(steps)} x 12 Page Down: top lines {seen[:3]} ... {seen[-3:]}; "
                f"{len(up)} x 12 Page Up: ... {back[-3:]}")

    def test_viewer_whole_content_reachable(t):
        """64,000,000 bytes (1,000,000 numbered lines of 64 bytes) in a 64 MiB viewer: the Segment
        line hides nothing ("showing" is not said), the scrollbar beside the text spans every byte,
        Ctrl+End shows the real last line, a term only in the last line is found ("1 of 1") and
        selected there, and its copy is exactly the file's bytes; Ctrl+Home is back at line 0."""
        key = t.key()
        count = 1_000_000
        data = numbered(count)
        viewer = t.viewer(key, "--size", str(len(data) + 4096))
        h.ctl_load(t, key, "whole.log", data, viewer)
        h.wait_text("the first line", viewer.text, lambda s: s.startswith("line 000000000 "), 30.0)
        bar = viewer.widget("Position in the content", Atspi.Role.SCROLL_BAR)
        top = Atspi.Value.get_maximum_value(bar)
        h.check(top >= 0.99 * len(data), f"the scrollbar spans {top:.0f} of {len(data)} bytes")
        focus_text(viewer)
        keys(viewer, "ctrl+End")
        last = f"line {count - 1:09d} ".ljust(63, "x") + "\n"
        h.wait_text("the last line after Ctrl+End", viewer.text, lambda s: s.endswith(last), 10.0)
        # The bar follows once the swapped-in window is on screen.
        h.wait_until("the scrollbar at the end after Ctrl+End", lambda: at_end(viewer, bar), 5.0)
        info = h.text_of(viewer.info)
        h.check("showing" not in info, f"the Segment line says a part is not shown: {info!r}")
        # Ctrl+A, Ctrl+C in a window copies what the view holds, and says it is a part (no silent cut).
        keys(viewer, "ctrl+a", "ctrl+c")
        note = h.wait_text("the copy's note", viewer.widget("Copy result", Atspi.Role.LABEL),
                           lambda s: "the part of the text held in the view" in s, 5.0)
        held = h.text_of(viewer.text)
        copied = []
        h.wait_until("the window's bytes copied", lambda: copied.append(clipboard()) or copied[-1] == held.encode(), 5.0)
        h.check(data.endswith(copied[-1]), "the copied part is not the end of the file")

        keys(viewer, "ctrl+Home")
        h.wait_text("the first line after Ctrl+Home", viewer.text, lambda s: s.startswith("line 000000000 "), 10.0)
        # A term only in the last line, searched from the top: the window moves there and selects it.
        keys(viewer, "ctrl+f")
        label = viewer.widget("Matches", Atspi.Role.LABEL)
        needle = f"line {count - 1:09d}"
        type_text(viewer, needle)
        h.wait_text("1 of 1 in the last line", label, lambda s: s == "1 of 1", 15.0)
        shown = h.text_of(viewer.text)
        h.check(shown.endswith(last), f"the view does not hold the last line after the search: it ends {shown[-80:]!r}")
        selected = Atspi.Text.get_selection(viewer.text, 0)
        h.check(shown[selected.start_offset:selected.end_offset] == needle,
                f"the selection is {shown[selected.start_offset:selected.end_offset]!r}, not the match")
        focus_text(viewer)
        keys(viewer, "ctrl+c")
        copied = []
        h.wait_until("the copied match", lambda: copied.append(clipboard()) or copied[-1] == needle.encode(), 5.0)
        # A selection of the last two lines, made by AT-SPI in the window: copied as the file has them.
        start = shown.rindex("line ", 0, len(shown) - len(last))
        h.check(Atspi.Text.set_selection(viewer.text, 0, start, len(shown)), "AT-SPI could not select")
        keys(viewer, "ctrl+c")
        h.wait_until("the copied last two lines", lambda: copied.append(clipboard()) or copied[-1] == data[-128:], 5.0)
        return (f"{len(data):,} bytes: scrollbar up to {top:,.0f}, Ctrl+End shows line {count - 1}, "
                f"'{needle}' 1 of 1 selected and copied, the last two lines copied exactly")

    def at_end(viewer, bar):
        top = Atspi.Value.get_maximum_value(bar)
        return Atspi.Value.get_current_value(bar) >= 0.99 * top

    def test_viewer_whole_content_bad_input(t):
        """16 MiB of `\r` only (a line break each for GtkTextView) and 16 MiB of one letter on one
        line: each shown a window at a time, Ctrl+End reaches the end, the viewer answers meanwhile;
        then a 64 MiB log loaded and at once replaced by another file while its lines are counted:
        the second file is shown, from its first line to its last, nothing of the first."""
        key = t.key()
        size = 64 << 20
        viewer = t.viewer(key, "--size", str(size + 4096))
        said = []
        for name, data in (("returns.txt", b"\r" * (16 << 20)), ("letters.txt", b"a" * (16 << 20) + b"z")):
            h.ctl_load(t, key, name, data, viewer)
            h.wait_until(f"{name} in the view", lambda: Atspi.Text.get_character_count(viewer.text) > 1000, 15.0)
            bar = viewer.widget("Position in the content", Atspi.Role.SCROLL_BAR)
            focus_text(viewer)
            keys(viewer, "ctrl+End")
            h.wait_until(f"{name}: the bar at the end after Ctrl+End", lambda: at_end(viewer, bar), 10.0)
            if name == "letters.txt":
                h.wait_text("the last letter", viewer.text, lambda s: s.replace("\u200b", "").replace("\u2029", "").endswith("az"), 5.0)
            said.append(f"{name}: {Atspi.Text.get_character_count(viewer.text):,} characters in the view, the end reached")
        first = numbered(size // 64)
        second = b"second " + numbered(200_000)
        h.ctl_load(t, key, "first.log", first)
        h.ctl_load(t, key, "second.log", second, viewer)
        h.wait_text("the second file", viewer.text, lambda s: s.startswith("second line 000000000"), 15.0)
        focus_text(viewer)
        keys(viewer, "ctrl+End")
        last = f"line {199_999:09d} ".ljust(63, "x") + "\n"
        h.wait_text("the second file's last line", viewer.text, lambda s: s.endswith(last), 10.0)
        return "; ".join(said) + "; a file loaded over a 64 MiB one while it was counted: its own first and last lines"

    def test_viewer_whole_content_screenshot(t):
        """The windowed view of a large file, scrolled into the middle by the bar, as a PNG for a person."""
        _, _, viewer, _ = numbered_at(t, "middle.log", 150_000)
        middle = f"line {150_000:09d}"
        h.wait_text("the middle of the file", viewer.text, lambda s: middle in s, 10.0)
        time.sleep(0.5)
        h.check(abs(top_line(viewer) - 150_000) <= 1, f"the bar at the middle shows line {top_line(viewer)} at the top")
        x, y, w, hgt = h.extents(viewer.frame)
        out = os.environ.get("SHAREDMEMORY_WHOLE_SCREENSHOT", os.path.join(h.ROOT, "out", "whole-content.png"))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        r = subprocess.run(["import", "-window", "root", "-crop", f"{w}x{hgt}+{x}+{y}", "+repage", out],
                           capture_output=True, text=True, timeout=30)
        h.check(r.returncode == 0, f"import failed: {r.stderr}")
        # A match near the window's lower edge: selecting it scrolls there, the window moves under
        # the view, and the match stays selected ("1 of 1", the selection is the match).
        keys(viewer, "ctrl+f")
        label = viewer.widget("Matches", Atspi.Role.LABEL)
        needle = f"line {151_000:09d}"
        type_text(viewer, needle)
        h.wait_text("1 of 1 near the window's edge", label, lambda s: s == "1 of 1", 10.0)
        time.sleep(1.0)   # the window swap after the scroll
        h.wait_text("still 1 of 1 after the window moved", label, lambda s: s == "1 of 1", 3.0)
        shown = h.text_of(viewer.text)
        selected = Atspi.Text.get_selection(viewer.text, 0)
        h.check(shown[selected.start_offset:selected.end_offset] == needle,
                f"the selection is {shown[selected.start_offset:selected.end_offset]!r} after the window moved")
        return f"screenshot: {out}; a match near the window's edge stays selected"

    def test_viewer_whole_content_reload_keeps_place(t):
        """A large file loaded again (the same bytes, then changed ones) keeps the line the user was
        at, as a small one does; another file starts at its top. 300,000 lines (19 MB) go through
        the preview, so the place is restored once the whole payload is there."""
        key, data, viewer, _ = numbered_at(t, "place.log", 200_000)
        h.wait_until("line 200000 at the top", lambda: abs(top_line(viewer) - 200_000) <= 1, 10.0)
        time.sleep(0.5)
        before = top_line(viewer)
        seen = []
        for what, content in (("same bytes", data), ("changed bytes", data.replace(b"line 000000000", b"LINE 000000000"))):
            h.ctl_load(t, key, "place.log", content, viewer)
            time.sleep(1.0)   # the render, the preview's whole, the window back at the place
            tops = []
            try:
                h.wait_until(f"{what}: line {before} at the top again",
                             lambda: tops.append(top_line(viewer)) or abs(tops[-1] - before) <= 1, 10.0)
            except h.TestFailure:
                h.check(False, f"{what}: line {tops[-1] if tops else '?'} at the top, not {before}")
            seen.append(f"{what}: line {before} -> {top_line(viewer)}")
        h.ctl_load(t, key, "other.log", data, viewer)
        h.wait_until("another file at its top", lambda: top_line(viewer) == 0, 10.0)
        return "; ".join(seen) + "; another file: line 0"

    def test_viewer_whole_content_jumps_through_costly_text(t):
        """Text that is slow to lay out, a window at a time: 24 MiB of 0xFF (each byte shown as
        U+FFFD) and 8 MiB of lines of 90 emoji. Ctrl+End and Ctrl+Home, JUMPS times each: every
        AT-SPI probe is answered within PROBE_LIMIT, and each press lands at its edge and stays.
        A frame drawn between a new window and its landing laid out all of the window's lines below
        the first screen, at every frame until the landing (0xFF, release build: 1.4-2.4 s in about
        one Ctrl+End of five); a landing later than the settling frames left the view at the
        window's top, and it went on to earlier windows (emoji: one Ctrl+End of five)."""
        key = t.key()
        emoji_line = "".join(chr(0x1F600 + i % 80) for i in range(90)) + "\n"
        emoji = (emoji_line * ((8 << 20) // len(emoji_line.encode()))).encode()
        invalid = b"\xff" * (24 << 20)
        viewer = t.viewer(key, "--size", str(len(invalid) + 4096))
        slowest = 0.0

        def probe_for(seconds):
            nonlocal slowest
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                start = time.monotonic()
                Atspi.Text.get_character_count(viewer.text)
                slowest = max(slowest, time.monotonic() - start)
                time.sleep(0.01)

        said = []
        for name, data, holds_end in (
                ("invalid.bin", invalid, lambda s: len(s) > 1000 and set(s) <= {"\ufffd", "\u2029", "\u200b"}),
                ("emoji.txt", emoji, lambda s: s.endswith(emoji_line) and len(s) > 10 * len(emoji_line))):
            h.ctl_load(t, key, name, data, viewer)
            h.wait_until(f"{name} in the view", lambda: Atspi.Text.get_character_count(viewer.text) > 1000, 15.0)
            bar = viewer.widget("Position in the content", Atspi.Role.SCROLL_BAR)
            time.sleep(1.0)   # the whole payload after the preview (a preview's moves wait for it)
            focus_text(viewer)
            slowest = 0.0
            for jump in range(JUMPS):
                keys(viewer, "ctrl+End")
                probe_for(1.2)
                h.check(slowest <= PROBE_LIMIT, f"{name}, Ctrl+End {jump + 1}: the viewer took {slowest * 1000:.0f} ms to answer")
                h.wait_until(f"{name}, Ctrl+End {jump + 1}: the bar at the end", lambda: at_end(viewer, bar), 5.0)
                time.sleep(0.5)   # and there it stays: no window made around a top the landing left
                h.check(at_end(viewer, bar), f"{name}, Ctrl+End {jump + 1}: the bar left the end")
                shown = h.text_of(viewer.text)
                h.check(holds_end(shown), f"{name}, Ctrl+End {jump + 1}: the view ends {shown[-40:]!r}")
                keys(viewer, "ctrl+Home")
                probe_for(0.6)
                h.check(slowest <= PROBE_LIMIT, f"{name}, Ctrl+Home {jump + 1}: the viewer took {slowest * 1000:.0f} ms to answer")
                h.wait_until(f"{name}, Ctrl+Home {jump + 1}: the bar at the start",
                             lambda: Atspi.Value.get_current_value(bar) <= 0.01 * Atspi.Value.get_maximum_value(bar), 5.0)
            said.append(f"{name} ({len(data) >> 20} MiB): slowest answer {slowest * 1000:.0f} ms")
        return f"{JUMPS} x Ctrl+End and Ctrl+Home: " + "; ".join(said)

    return [test_viewer_whole_content_reachable, test_viewer_whole_content_scrolls_through,
            test_viewer_whole_content_bad_input, test_viewer_whole_content_screenshot,
            test_viewer_whole_content_reload_keeps_place, test_viewer_whole_content_jumps_through_costly_text]
