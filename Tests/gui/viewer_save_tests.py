"""The viewer's "Save As…" (issue 12): Ctrl+S opens the real save dialog (GTK's, as
GtkFileChooserNative falls back to it without a portal), the path is typed into its Name entry
through AT-SPI, Save is clicked, and the saved file must hold the segment's bytes (binary: NULs,
invalid UTF-8), not the repaired text the view shows. A save onto a full disk (a tiny tmpfs, a
real ENOSPC) shows the error words and leaves no file. Also Ctrl+A / Ctrl+C through the clipboard.
`make_tests(h)` takes the GUI helpers (guitest.py) and returns the tests.
"""

import os
import random
import subprocess
import time

from gi.repository import Atspi

SAVE_DEADLINE = 5.0   # the dialog appears, the file is written and the info bar says so within this


def make_tests(h):
    xdotool, keys = h.xdotool, h.send_keys

    def load(t, viewer, key, name, data):
        return h.ctl_load(t, key, name, data, viewer)

    def save_dialog(viewer, via_button=False):
        """Ctrl+S in the viewer, or a click on the header bar's Save As… button; returns the save
        dialog it opens."""
        if via_button:
            button = viewer.widget("Save As…", Atspi.Role.PUSH_BUTTON)
            h.check(Atspi.Action.do_action(button, 0), "AT-SPI could not click Save As…")
        else:
            keys(viewer, "ctrl+s")
        found = []

        def dialog_up():
            app = h.app_for_pid(viewer.pid)
            found[:] = [c for c in (app.get_child_at_index(i) for i in range(app.get_child_count()))
                        if c is not None and c.get_role() == Atspi.Role.FILE_CHOOSER]
            return bool(found)
        h.wait_until("the save dialog after Ctrl+S", dialog_up, SAVE_DEADLINE)
        return found[0]

    def name_entry(dialog):
        """The entry beside the dialog's "Name:" label (GTK gives the entry itself no name)."""
        for acc in h.walk(dialog):
            if acc.get_role() == Atspi.Role.LABEL and acc.get_name() == "Name:":
                panel = acc.get_parent()
                return next((c for c in (panel.get_child_at_index(i) for i in range(panel.get_child_count()))
                             if c is not None and c.get_role() == Atspi.Role.TEXT), None)
        return None

    def save_as(viewer, target, via_button=False, while_open=None):
        """Types `target` into the dialog's Name entry (AT-SPI EditableText) and clicks Save;
        `while_open` runs once the dialog is up."""
        dialog = save_dialog(viewer, via_button)
        if while_open:
            while_open()
        try:
            entry = h.wait_until("the dialog's Name entry", lambda: name_entry(dialog), 3.0)
        except h.TestFailure as e:
            raise h.TestFailure(f"{e}; the dialog:\n" + "\n".join(h.dump_tree(dialog, max_depth=14))) from None
        suggested = h.text_of(entry)
        h.check(Atspi.EditableText.set_text_contents(entry, target), "AT-SPI could not type into the Name entry")
        h.wait_until("the typed path in the Name entry", lambda: h.text_of(entry) == target, 2.0)
        save = h.find(dialog, "Save", Atspi.Role.PUSH_BUTTON)
        h.check(save is not None, "the dialog has no Save button")
        h.check(Atspi.Action.do_action(save, 0), "AT-SPI could not click Save")
        h.wait_until("the dialog to close", lambda: not any(
            c is not None and c.get_role() == Atspi.Role.FILE_CHOOSER
            for c in (h.app_for_pid(viewer.pid).get_child_at_index(i)
                      for i in range(h.app_for_pid(viewer.pid).get_child_count()))), 3.0)
        return suggested

    def save_result(viewer):
        return viewer.widget("Save result", Atspi.Role.LABEL)

    def binary_data():
        rng = random.Random(12)
        return (b"\x00\xff\xfe binary \x80\xc3\x28 not UTF-8 \x00\r\n"
                + bytes(rng.getrandbits(8) for _ in range(200_000)) + b"\x00 end \xed\xa0\x80")

    def test_viewer_save_as_binary(t):
        """Ctrl+S, the real dialog, a typed path, Save: the file holds the segment's bytes exactly."""
        key = t.key()
        viewer = t.viewer(key, "--size", str(1 << 20))
        data = binary_data()
        load(t, viewer, key, "blob.bin", data)
        shown = h.text_of(viewer.text)
        h.check(shown.encode() != data, "the view shows the raw bytes: this test would not tell them apart")
        target = os.path.join(t.tmp, "out", "saved copy.bin")
        os.makedirs(os.path.dirname(target))
        started = time.monotonic()
        suggested = save_as(viewer, target)
        words = h.wait_text("the Save result", save_result(viewer), lambda s: s.startswith("Saved "), SAVE_DEADLINE)
        took = time.monotonic() - started
        h.check(words == f"Saved {len(data)} bytes to {target}", f"the Save result says {words!r}")
        with open(target, "rb") as f:
            saved = f.read()
        h.check(saved == data, f"the saved file differs from the loaded one ({len(saved)} vs {len(data)} bytes)")
        leftovers = sorted(os.listdir(os.path.dirname(target)))
        h.check(leftovers == ["saved copy.bin"], f"the folder holds {leftovers}")
        return f"{len(data)} bytes saved byte for byte, {took * 1000:.0f} ms from Ctrl+S to the result; the dialog proposed {suggested!r}"

    def test_viewer_save_to_full_disk(t):
        """A save (from the header bar's button) onto a full file system (a 64 KiB tmpfs): the error
        words, no file, no temporary one."""
        key = t.key()
        viewer = t.viewer(key, "--size", str(1 << 20))
        data = binary_data()
        load(t, viewer, key, "blob.bin", data)
        disk = os.path.join(t.tmp, "tiny-disk")
        os.makedirs(disk)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk], capture_output=True, text=True)
        h.check(r.returncode == 0, f"cannot mount a tmpfs here (root needed): {r.stderr.strip()}")
        try:
            target = os.path.join(disk, "big.bin")
            save_as(viewer, target, via_button=True)
            words = h.wait_text("the Save result", save_result(viewer), lambda s: s.startswith("Unable"), SAVE_DEADLINE)
            h.check("the disk is full" in words and "ENOSPC" in words and target in words,
                    f"the Save result does not say the disk is full: {words!r}")
            h.check("No file was written" in words, f"the Save result does not say nothing was written: {words!r}")
            h.check(os.listdir(disk) == [], f"the full disk holds {os.listdir(disk)}")
            time.sleep(0.3)   # let the info bar finish drawing (not an assertion)
            x, y, w, hgt = h.extents(viewer.frame)
            out = os.environ.get("SHAREDMEMORY_SAVE_SCREENSHOT", os.path.join(h.ROOT, "out", "viewer-save-error.png"))
            os.makedirs(os.path.dirname(out), exist_ok=True)
            subprocess.run(["import", "-window", "root", "-crop", f"{w}x{hgt}+{x}+{y}", "+repage", out],
                           capture_output=True, timeout=30)
            return f"said: {words!r}; screenshot: {out}"
        finally:
            subprocess.run(["umount", disk], capture_output=True)

    def test_viewer_save_after_a_load_during_the_dialog(t):
        """Ctrl+S on about.txt, welcome.html loaded while the dialog is open, then Save: nothing is
        written under the proposed name, and the info bar says the content changed (issue 23)."""
        key = t.key()
        viewer = t.viewer(key)
        about, welcome = b"About this program.\n", b"<p>Welcome</p>\n" * 100
        load(t, viewer, key, "about.txt", about)
        target = os.path.join(t.tmp, "saved", "about.txt")
        os.makedirs(os.path.dirname(target))
        suggested = save_as(viewer, target, while_open=lambda: load(t, viewer, key, "welcome.html", welcome))
        h.check(suggested == "about.txt", f"the dialog proposed {suggested!r}")
        words = h.wait_text("the Save result", save_result(viewer), lambda s: s.startswith("Not saved"), SAVE_DEADLINE)
        h.check("changed to welcome.html" in words and "Nothing was written" in words,
                f"the Save result does not say what changed: {words!r}")
        h.check(not os.path.exists(target), "welcome.html's bytes were written under about.txt's name")
        return f"said: {words!r}"

    def clipboard_text():
        """The CLIPBOARD selection's text, read by a separate GTK client (no xclip/xsel here)."""
        script = ("import gi; gi.require_version('Gtk', '3.0'); from gi.repository import Gtk, Gdk; "
                  "import sys; text = Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).wait_for_text(); "
                  "sys.stdout.write(text if text is not None else '\\0none')")
        r = subprocess.run(["/usr/bin/python3", "-c", script], capture_output=True, timeout=10,
                           env=dict(os.environ, GDK_BACKEND="x11", NO_AT_BRIDGE="1"))
        return r.stdout.decode("utf-8", "replace")

    def test_viewer_select_all_and_copy(t):
        """Ctrl+A then Ctrl+C in the text: the clipboard holds the whole shown text."""
        key = t.key()
        viewer = t.viewer(key)
        text = "first line\nzweite Zeile: äöü ✓\nthird\n"
        load(t, viewer, key, "copy.txt", text.encode())
        h.wait_text("the loaded text", viewer.text, lambda s: s == text, 5.0)
        h.check(clipboard_text() != text, "the clipboard holds the text before the copy")
        keys(viewer, "ctrl+a")
        h.wait_until("Ctrl+A to select everything", lambda: Atspi.Text.get_n_selections(viewer.text) == 1
                     and (Atspi.Text.get_selection(viewer.text, 0).start_offset,
                          Atspi.Text.get_selection(viewer.text, 0).end_offset) == (0, len(text)), 3.0)
        keys(viewer, "ctrl+c")
        copied = []
        h.wait_until("the clipboard to hold the text", lambda: copied.append(clipboard_text()) or copied[-1] == text, 3.0)
        return "Ctrl+A selected all, Ctrl+C copied it"

    return [test_viewer_save_as_binary, test_viewer_save_to_full_disk, test_viewer_save_after_a_load_during_the_dialog,
            test_viewer_select_all_and_copy]
