"""The viewer's exact copy and search (issue 18): whatever the viewer inserts into its display for
folding (U+2029 at folds, U+200B in long runs of letters), Ctrl+A / Ctrl+C and the primary
selection hold exactly the file's bytes, and a search finds a substring that crosses a fold and a
match at the very end, selecting exactly the match. The clipboard is read by a separate GTK client
and compared with the file byte for byte. `make_tests(h)` takes the GUI helpers (guitest.py).
"""

import base64
import json
import os
import random
import subprocess
import time

from gi.repository import Atspi

FOLD = "\u2029"
ZWSP = "\u200b"


def files():
    rng = random.Random(18)
    token = b"TOKEN=" + base64.b64encode(rng.randbytes(3000)) + b"\n"   # 4,007 bytes, folded
    records = ",".join(json.dumps({"id": i, "name": f"item-{i}", "tags": ["a", "b"]}, separators=(",", ":"))
                       for i in range(400))
    return [
        ("token.env", token),
        ("data.json", ("[" + records + "]").encode()),
        ("cjk.txt", "".join(chr(0x4E00 + i * 7 % 3000) for i in range(4000)).encode() + "\n".encode()),
        ("emoji.txt", ("😀👍🏽👨‍👩‍👧 ok " * 300).encode()),
        ("marks.txt", ("e\u0301a\u0308o\u0302 " * 600 + "a" + "\u0301" * 40 + "\n").encode()),
        ("friendly.txt", "first line\nzweite Zeile: äöü ✓\nעברית and English\nthird\n".encode()),
    ]


def make_tests(h):
    keys = h.send_keys

    def clipboard(selection="CLIPBOARD"):
        """The selection's text as UTF-8 bytes, read by a separate GTK client (None when empty)."""
        script = ("import gi, sys; gi.require_version('Gtk', '3.0'); from gi.repository import Gtk, Gdk; "
                  f"text = Gtk.Clipboard.get(Gdk.Atom.intern('{selection}', False)).wait_for_text(); "
                  "sys.stdout.buffer.write(b'\\0none' if text is None else text.encode('utf-8'))")
        r = subprocess.run(["/usr/bin/python3", "-c", script], capture_output=True, timeout=10,
                           env=dict(os.environ, GDK_BACKEND="x11", NO_AT_BRIDGE="1"))
        return None if r.stdout == b"\0none" else r.stdout

    def shown_whole(viewer, data):
        """Waits until the view holds the whole file (its display text without the inserted
        characters is the file's); returns the display text."""
        want = data.decode("utf-8")
        return h.wait_text("the whole file shown", viewer.text,
                           lambda s: s.replace(FOLD, "").replace(ZWSP, "") == want, 30.0)

    def selection(viewer):
        if Atspi.Text.get_n_selections(viewer.text) != 1:
            return None
        s = Atspi.Text.get_selection(viewer.text, 0)
        return s.start_offset, s.end_offset

    def type_text(viewer, text):
        for window in h.x11().toplevels_of(viewer.pid):
            h.xdotool("windowfocus", str(window))
        h.xdotool("type", "--delay", "15", text)

    def test_viewer_copy_is_exact(t):
        """Folded base64, minified JSON, CJK, emoji, combining marks and a friendly file: after
        Ctrl+A, Ctrl+C the clipboard, and the primary selection, hold the file's bytes exactly,
        though the display of the folded ones holds U+2029 and U+200B the file has not."""
        key = t.key()
        viewer = t.viewer(key)
        said = []
        for name, data in files():
            h.ctl_load(t, key, name, data, viewer)
            shown = shown_whole(viewer, data)
            inserted = shown.count(FOLD) + shown.count(ZWSP)
            h.check(Atspi.Component.grab_focus(viewer.text), "AT-SPI could not focus the text")
            keys(viewer, "ctrl+a")
            h.wait_until("Ctrl+A to select everything", lambda: selection(viewer) == (0, len(shown)), 3.0)
            keys(viewer, "ctrl+c")
            copied = []
            try:
                h.wait_until(f"the clipboard to hold {name}", lambda: copied.append(clipboard()) or copied[-1] == data, 5.0)
            except h.TestFailure as e:
                got = copied[-1] or b""
                raise h.TestFailure(f"{e}: {len(got)} bytes copied, the file has {len(data)}; "
                                    f"U+2029 {got.count(FOLD.encode())}, U+200B {got.count(ZWSP.encode())}") from None
            primary = clipboard("PRIMARY")
            h.check(primary == data, f"{name}: the primary selection holds {len(primary or b'')} bytes, not the file's {len(data)}")
            said.append(f"{name} {len(data)} B ({inserted} display-only characters)")
        return "clipboard and primary equal the file: " + ", ".join(said)

    def test_viewer_search_across_a_fold(t):
        """A 40-character substring of folded base64 that crosses a fold is found ("1 of 1") and
        selected exactly (its copy is the substring); a match at the very end of the file too."""
        key = t.key()
        viewer = t.viewer(key)
        name, data = files()[0]
        data = data.rstrip(b"\n") + b"#tail-marker"   # the file's last bytes are a match
        h.ctl_load(t, key, name, data, viewer)
        shown = shown_whole(viewer, data)
        fold = shown.index(FOLD)
        at = len(shown[:fold].replace(ZWSP, ""))   # the fold's byte offset (base64 is ASCII)
        needle = data[at - 20:at + 20]
        h.check(data.count(needle) == 1, "the substring is not unique")
        keys(viewer, "ctrl+f")
        label = viewer.widget("Matches", Atspi.Role.LABEL)
        type_text(viewer, needle.decode())
        h.wait_text("1 of 1 across the fold", label, lambda s: s == "1 of 1", 5.0)
        start, end = selection(viewer)
        selected = shown[start:end]
        h.check(FOLD in selected and selected.replace(FOLD, "").replace(ZWSP, "") == needle.decode(),
                f"the selection {selected!r} is not the match across the fold")
        h.check(Atspi.Component.grab_focus(viewer.text), "AT-SPI could not focus the text")
        h.wait_until("the focus in the text", lambda: viewer.text.get_state_set().contains(Atspi.StateType.FOCUSED), 3.0)
        keys(viewer, "ctrl+c")
        copied = []
        h.wait_until("the copied match", lambda: copied.append(clipboard()) or copied[-1] == needle, 5.0)
        keys(viewer, "ctrl+f")   # back in the entry, its text selected: replaced by the next word
        time.sleep(0.3)
        type_text(viewer, "#tail-marker")
        h.wait_text("1 of 1 at the end", label, lambda s: s == "1 of 1", 5.0)
        start, end = selection(viewer)
        h.check(shown[start:end] == "#tail-marker" and end == len(shown),
                f"the selection at the end is {shown[start:end]!r} at {start}..{end} of {len(shown)}")
        return f"a match across the fold at byte {at} and one at the very end, each selected and copied exactly"

    def test_viewer_search_counts_like_grep(t):
        """"N of M" counts non-overlapping matches as `grep -o | wc -l` does ("aa" in "aaaaa": 2)."""
        key = t.key()
        viewer = t.viewer(key)
        data = ("aaaaa\n" * 30 + "x" * 1500 + "aa\n").encode()   # a long line: folded
        h.ctl_load(t, key, "count.txt", data, viewer)
        shown_whole(viewer, data)
        keys(viewer, "ctrl+f")
        label = viewer.widget("Matches", Atspi.Role.LABEL)
        type_text(viewer, "aa")
        expected = data.count(b"aa")
        h.wait_text(f"1 of {expected}", label, lambda s: s == f"1 of {expected}", 5.0)
        return f"'aa': 1 of {expected}"

    def test_viewer_big_file_shows_every_line(t):
        """8 MiB of 64-byte lines, over the 4 MiB a text view holds at once: the Segment line hides
        nothing (no "showing lines 1 to N of M"), the last line is found by the search, selected in
        the view ("1 of 1", not just counted) and copied exactly."""
        key = t.key()
        viewer = t.viewer(key, "--size", str((8 << 20) + 4096))
        lines = [f"line {i:09d} ".ljust(63, "x") + "\n" for i in range(131072)]
        data = "".join(lines).encode()
        h.ctl_load(t, key, "big.log", data, viewer)
        h.wait_text("the first line", viewer.text, lambda s: s.startswith("line 000000000 "), 30.0)
        line = h.text_of(viewer.info)
        h.check("showing" not in line, f"the Segment line says a part is not shown: {line!r}")
        keys(viewer, "ctrl+f")
        label = viewer.widget("Matches", Atspi.Role.LABEL)
        type_text(viewer, "line 000131071")
        h.wait_text("the last line found and selected", label, lambda s: s == "1 of 1", 10.0)
        start, end = selection(viewer)
        shown = h.text_of(viewer.text)
        h.check(shown[start:end] == "line 000131071", f"the selection is {shown[start:end]!r}")
        h.check(Atspi.Component.grab_focus(viewer.text), "AT-SPI could not focus the text")
        keys(viewer, "ctrl+c")
        copied = []
        h.wait_until("the copied last line", lambda: copied.append(clipboard()) or copied[-1] == b"line 000131071", 5.0)
        return f"Segment line: {line!r}; the last line found, selected and copied"

    def test_viewer_layout_validator_both_ways(t):
        """The reach into GtkTextView's private layout (TextLayoutValidator) is on by default on GTK
        3.24 and off with SHAREDMEMORY_LAYOUT_VALIDATOR=0: either way folded text is shown whole,
        Ctrl+End works and the copy is the file's bytes."""
        name, data = files()[0]
        said = []
        for value in ("0", None):
            key = t.key()
            env = {"SHAREDMEMORY_LAYOUT_VALIDATOR": value} if value is not None else None
            viewer = t.viewer(key, "--trace", extra_env=env)
            h.wait_until("the mapped trace line", lambda: "event=mapped" in viewer.log_text(), 5.0)
            expected = "layout_validator=0" if value == "0" else "layout_validator=1"
            h.check(expected in viewer.log_text(), f"SHAREDMEMORY_LAYOUT_VALIDATOR={value}: no {expected} in the trace")
            h.ctl_load(t, key, name, data, viewer)
            shown = shown_whole(viewer, data)
            h.check(Atspi.Component.grab_focus(viewer.text), "AT-SPI could not focus the text")
            keys(viewer, "ctrl+End", "ctrl+a", "ctrl+c")
            h.wait_until("Ctrl+A to select everything", lambda: selection(viewer) == (0, len(shown)), 3.0)
            copied = []
            h.wait_until("the exact copy", lambda: copied.append(clipboard()) or copied[-1] == data, 5.0)
            said.append(expected)
        return ", ".join(said) + ": the whole text shown and copied exactly"

    return [test_viewer_copy_is_exact, test_viewer_layout_validator_both_ways, test_viewer_search_across_a_fold, test_viewer_search_counts_like_grep,
            test_viewer_big_file_shows_every_line]
