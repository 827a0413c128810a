"""Pictures as pictures (issue 19), binary as hex, Qt's image example in the viewer.
A PNG of a known colour is shown as that colour (its pixels read from a screenshot of the Picture
view), with its format and size on the Segment line; an ELF header is shown as hex ("7f 45 4c 46",
read through AT-SPI) and found by a hex search; the Text / Hex / Picture buttons switch, and the
choice sticks for the next load of that kind; a picture written in Qt's example layout
(`sharedmemory-ctl load --qt-image`) is shown; hostile pictures give their message and the viewer
stays small and alive. Runs in English and German (the words come from l10n.tr). Screenshots:
out/viewer-picture.png, out/viewer-picture-dark.png, out/viewer-hex.png.
`make_tests(h)` takes the GUI helpers (guitest.py).
"""

import os
import struct
import subprocess
import zlib

from gi.repository import Atspi

from l10n import LANGUAGE, tr, trn

SUFFIX = "-" + LANGUAGE if LANGUAGE else ""


def png(width, height, rgb, alpha=255):
    """A PNG of one colour (RGBA, 8 bits), written with zlib."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    pixel = bytes.fromhex(rgb) + bytes([alpha])
    raw = b"".join(b"\0" + pixel * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def huge_png():
    """A PNG whose header claims 60000 x 60000 pixels (14.4 GB decoded), with a tiny body."""
    data = bytearray(png(4, 4, "ff0000"))
    data[16:24] = struct.pack(">II", 60000, 60000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)   # the IHDR's CRC again
    return bytes(data)


def gif(width, height, colours, frames, delay_cs=10, frame_size=None):
    """An animated GIF: `frames` frames, frame i filled with colours[i % len] (global table of up to
    4 colours, RRGGBB), each frame_size (default: the whole screen) at a place that moves. LZW written
    without compression: a clear code before every pixel keeps the codes 3 bits wide."""
    fw, fh = frame_size or (width, height)
    table = b"".join(bytes.fromhex(c) for c in colours) + bytes(3 * (4 - len(colours)))
    out = bytearray(b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF1, 0, 0) + table)
    out += b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    for i in range(frames):
        out += b"!\xf9\x04\x00" + struct.pack("<H", delay_cs) + b"\x00\x00"
        x, y = ((i * 37) % max(1, width - fw + 1), (i * 91) % max(1, height - fh + 1))
        out += b"," + struct.pack("<HHHHB", x, y, fw, fh, 0)
        codes = [4, i % len(colours)] * (fw * fh) + [5]
        bits = n = 0
        data = bytearray()
        for code in codes:
            bits |= code << n
            n += 3
            while n >= 8:
                data.append(bits & 0xFF)
                bits >>= 8
                n -= 8
        if n:
            data.append(bits & 0xFF)
        out += bytes([2])
        for start in range(0, len(data), 255):
            block = data[start:start + 255]
            out += bytes([len(block)]) + block
        out += b"\x00"
    return bytes(out + b";")


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(44) + b"Hello, hex view!" * 4


def make_tests(h):
    def picture_widgets(viewer):
        return (viewer.widget(tr("Picture"), Atspi.Role.SCROLL_PANE),
                viewer.widget(tr("Picture status"), Atspi.Role.LABEL))

    def view_button(viewer, title):
        def button():
            for acc in h.walk(viewer.frame):
                if acc.get_name() == title and acc.get_role() in (Atspi.Role.RADIO_BUTTON, Atspi.Role.TOGGLE_BUTTON,
                                                                  Atspi.Role.PUSH_BUTTON):
                    return acc
            return None
        return h.wait_until(f"the {title!r} view button", button, 5.0)

    def showing(acc):
        return acc.get_state_set().contains(Atspi.StateType.SHOWING)

    def pixel(acc, dx=0.5, dy=0.5, ox=0):
        """The colour (RRGGBB) at a point of the widget on screen (a fraction of its size, plus ox
        pixels), from a screenshot of the root window."""
        e = Atspi.Component.get_extents(acc, Atspi.CoordType.SCREEN)
        x, y = e.x + int(e.width * dx) + ox, e.y + int(e.height * dy)
        r = subprocess.run(["import", "-window", "root", "-crop", f"1x1+{x}+{y}", "+repage", "-depth", "8", "txt:-"],
                           capture_output=True, text=True, timeout=30)
        h.check(r.returncode == 0, f"import failed: {r.stderr}")
        return r.stdout.split("#", 2)[-1][:6].upper() if "#" in r.stdout else r.stdout

    def screenshot(viewer, name):
        path = os.path.join(h.ROOT, "out", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        x, y, w, ht = h.extents(viewer.frame)
        r = subprocess.run(["import", "-window", "root", "-crop", f"{w}x{ht}+{x}+{y}", "+repage", path],
                           capture_output=True, text=True, timeout=30)
        h.check(r.returncode == 0, f"import failed: {r.stderr}")
        print(f"    screenshot: {path} ({w}x{ht})")
        return path

    def rss_megabytes(pid):
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0

    def show_picture(t, key, viewer, name, data, width, height):
        h.ctl_load(t, key, name, data, viewer)
        info = tr("{format}, {width} × {height} pixels", format="PNG", width=width, height=height)
        h.wait_text(f"the Segment line to say {info}", viewer.info, lambda s: info in s, 10.0)
        view, status = picture_widgets(viewer)
        h.wait_until("the Picture view to show", lambda: showing(view), 5.0)
        return view, status

    def test_viewer_shows_a_picture(t, dark=False):
        """A 300 x 200 PNG of #3366CC is shown as that colour, fitted, with "PNG, 300 × 200 pixels"
        on the Segment line; half-transparent pixels show the checkerboard (two greys)."""
        key = t.key()
        viewer = t.viewer(key, extra_env={"GTK_THEME": "Adwaita:dark"} if dark else None)
        view, _ = show_picture(t, key, viewer, "blue.png", png(300, 200, "3366cc"), 300, 200)
        h.wait_until("the picture's colour at its centre", lambda: pixel(view) == "3366CC", 5.0)
        h.check(pixel(view, 0.02, 0.02) != "3366CC", "the picture fills the whole view: not fitted and centred")
        screenshot(viewer, f"viewer-picture{'-dark' if dark else ''}{SUFFIX}.png")
        # Half-transparent: the checkerboard's two greys show through, blended with the colour.
        h.ctl_load(t, key, "glass.png", png(300, 200, "ff0000", alpha=128), viewer)
        def blended():
            colours = {pixel(view, ox=offset) for offset in range(0, 16, 4)}
            return colours if len(colours) >= 2 and colours.isdisjoint({"FF0000", "3366CC"}) else None
        colours = h.wait_until("two blended checkerboard colours behind the half-transparent red", blended, 5.0)
        return f"centre #3366CC; behind transparency {sorted(colours)}"

    def test_viewer_picture_zoom(t):
        """A 2000 x 1500 picture opens fitted (under 100 %); Ctrl+0 is 100 %, Ctrl++ 125 %, Ctrl+- back,
        Ctrl+0 at 100 % fits again; the zoom is said in the view's accessible description."""
        key = t.key()
        viewer = t.viewer(key)
        view, _ = show_picture(t, key, viewer, "wide.png", png(2000, 1500, "228844"), 2000, 1500)
        fitted = tr("zoom {percent} %, fitted to the window").split("{", 1)[0]
        def zoom():
            return view.get_description()
        first = h.wait_until("the fitted zoom", lambda: zoom().startswith(fitted) and zoom(), 5.0)
        percent = int(first[len(fitted):].split()[0])
        h.check(0 < percent < 100, f"fitted at {percent} %")
        steps = []
        for combo, want in (("ctrl+0", tr("zoom {percent} %", percent=100)), ("ctrl+plus", tr("zoom {percent} %", percent=125)),
                            ("ctrl+minus", tr("zoom {percent} %", percent=100)),
                            ("ctrl+0", tr("zoom {percent} %, fitted to the window", percent=percent))):
            h.send_keys(viewer, combo)
            h.wait_until(f"{want!r} after {combo}", lambda: zoom() == want, 3.0)
            steps.append(want)
        h.check(pixel(view) == "228844", f"the picture's colour at the centre is #{pixel(view)}")
        return f"fitted at {percent} %, then " + ", ".join(steps)

    def test_viewer_shows_a_picture_dark(t):
        """The same under Adwaita:dark (for the dark screenshot)."""
        return test_viewer_shows_a_picture(t, dark=True)

    def selected_text(text):
        """The text's one selection, None when it has none or several."""
        if Atspi.Text.get_n_selections(text) != 1:
            return None
        s = Atspi.Text.get_selection(text, 0)
        return Atspi.Text.get_text(text, s.start_offset, s.end_offset)

    def test_viewer_hex_view(t):
        """An ELF header opens in the Hex view: "00000000  7f 45 4c 46 02 01 01 00" and ".ELF" beside
        it; a search for "45 4c 46" selects those bytes; Text shows it as text and the choice sticks for
        the next binary load; a text file still opens as text."""
        key = t.key()
        viewer = t.viewer(key)
        h.ctl_load(t, key, "header.elf", ELF, viewer)
        hexdump = viewer.widget(tr("Hex dump"), Atspi.Role.TEXT)
        first = "00000000  7f 45 4c 46 02 01 01 00  00 00 00 00 00 00 00 00  .ELF............"
        h.wait_text("the ELF header in hex", hexdump, lambda s: s.startswith(first), 5.0)
        h.wait_text("the Segment line to say binary", viewer.info, lambda s: tr("binary, shown as hex") in s, 3.0)
        screenshot(viewer, f"viewer-hex{SUFFIX}.png")
        # Search for the three bytes after 7f.
        h.send_keys(viewer, "ctrl+f")
        h.xdotool("type", "--delay", "20", "45 4c 46")
        h.wait_until("the hex search to select 45 4c 46", lambda: selected_text(hexdump) == "45 4c 46", 5.0)
        h.send_keys(viewer, "Escape")
        # Text: the same bytes as text; the next binary opens there too.
        Atspi.Action.do_action(view_button(viewer, tr("Text")), 0)
        h.wait_until("the text view to show", lambda: showing(viewer.text), 3.0)
        h.ctl_load(t, key, "other.bin", ELF[::-1], viewer)
        h.wait_until("the next binary to open in the Text view too", lambda: showing(viewer.text) and not showing(hexdump), 3.0)
        Atspi.Action.do_action(view_button(viewer, tr("Hex")), 0)
        h.wait_until("the hex view again", lambda: showing(hexdump), 3.0)
        h.ctl_load(t, key, "notes.txt", b"plain words\n", viewer)
        h.wait_text("a text file in the Text view", viewer.text, lambda s: s == "plain words\n", 3.0)
        h.check(showing(viewer.text), "a text file did not open in the Text view")
        return "hex row, search, switch and stickiness"

    def test_viewer_hex_view_of_a_large_binary(t):
        """24 MiB of binary (an ELF header, NULs, eight marker bytes at the very end) opens in the Hex
        view from its first MiB at once; once the whole is copied, a search for the marker's bytes
        finds them at the end ("1 of 1") and selects them there."""
        key = t.key()
        marker = bytes.fromhex("deadbeef01020304")
        data = ELF + bytes((24 << 20) - len(ELF) - len(marker)) + marker
        viewer = t.viewer(key, "--size", str(len(data) + 4096))
        h.ctl_load(t, key, "large.bin", data, viewer)
        hexdump = viewer.widget(tr("Hex dump"), Atspi.Role.TEXT)
        h.wait_text("the ELF header in hex", hexdump, lambda s: s.startswith("00000000  7f 45 4c 46"), 5.0)
        h.send_keys(viewer, "ctrl+f")
        h.xdotool("type", "--delay", "20", "de ad be ef 01 02 03 04")
        label = viewer.widget(tr("Matches"), Atspi.Role.LABEL)
        h.wait_text("1 of 1 for the marker", label, lambda s: s == trn("{position} of {count}", "{position} of {count}", 1, position="1"), 10.0)
        last = f"{(len(data) - 8) // 16 * 16:08x}"
        h.wait_until("the marker selected", lambda: selected_text(hexdump) == "de ad be ef 01 02 03 04", 5.0)
        h.check(last in h.text_of(hexdump), f"the hex view does not show offset {last} with the marker")
        return f"{len(data):,} bytes: the header at once, the marker at {last} found and selected"

    def test_viewer_shows_qt_example_picture(t):
        """`sharedmemory-ctl load --qt-image` writes Qt's example layout into the viewer's segment:
        the viewer shows the picture (its colour), "PNG, 64 × 48 pixels"."""
        key = t.key()
        viewer = t.viewer(key)
        path = os.path.join(t.tmp, "qt.png")
        with open(path, "wb") as f:
            f.write(png(64, 48, "cc3366"))
        r = subprocess.run([h.CTL, "load", "--qt-image", "--key", key, path], capture_output=True, text=True, timeout=30)
        h.check(r.returncode == 0, f"load --qt-image failed: {r.stderr or r.stdout}")
        info = tr("{format}, {width} × {height} pixels", format="PNG", width=64, height=48)
        h.wait_text(f"the Segment line to say {info}", viewer.info, lambda s: info in s, 5.0)
        layout = tr("a picture in the layout of Qt's image example (no file name), {size}").split("{", 1)[0]
        h.check(layout in h.text_of(viewer.info), f"the Segment line does not name Qt's layout: {h.text_of(viewer.info)}")
        view, _ = picture_widgets(viewer)
        h.wait_until("the Qt picture's colour", lambda: pixel(view) == "CC3366", 5.0)
        return "shown"

    def test_viewer_hostile_pictures(t):
        """60000 x 60000 declared: refused before decoding (the message names the size), RSS stays
        small; random bytes after a PNG signature: "cannot be decoded"; a truncated JPEG: what decoded
        is shown with a note; an SVG's external image is not loaded; the window answers throughout."""
        key = t.key()
        viewer = t.viewer(key)
        h.ctl_load(t, key, "huge.png", huge_png(), viewer)
        _, status = picture_widgets(viewer)
        h.wait_text("the too-large message", status, lambda s: "60000 × 60000" in s, 10.0)
        rss = rss_megabytes(viewer.pid)
        h.check(rss < 500, f"the viewer grew to {rss:.0f} MB")
        noise = b"\x89PNG\r\n\x1a\n" + bytes((i * 7919 + 13) % 251 for i in range(4096))
        h.ctl_load(t, key, "noise.png", noise, viewer)
        undecodable = tr("The content starts like a {format} picture but cannot be decoded: {reason}. The Hex view shows its bytes.").split("{", 1)[0]
        h.wait_text("the undecodable message", status, lambda s: s.startswith(undecodable), 10.0)
        jpeg = os.path.join(t.tmp, "full.jpg")
        r = subprocess.run(["convert", "-size", "400x300", "gradient:red-blue", jpeg], capture_output=True, timeout=30)
        h.check(r.returncode == 0, "convert could not make a JPEG")
        with open(jpeg, "rb") as f:
            data = f.read()
        h.ctl_load(t, key, "cut.jpg", data[: len(data) // 2], viewer)
        partial = tr("Only part of this {format} picture could be decoded ({reason}); what decoded is shown.").split("{", 1)[0]
        h.wait_text("the partial-picture note", status, lambda s: s.startswith(partial), 10.0)
        view, _ = picture_widgets(viewer)
        top = pixel(view, 0.5, 0.3)
        h.check(top[:2] > "80", f"the decoded top of the JPEG is not red: #{top}")
        # An SVG of a 60000 x 60000 canvas, blue, under a red picture it references on disk and on
        # the network: drawn smaller, and blue (nothing was read on its behalf).
        red = os.path.join(t.tmp, "red.png")
        with open(red, "wb") as f:
            f.write(png(64, 64, "ff0000"))
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
               f'width="60000" height="60000" viewBox="0 0 100 100"><rect width="100" height="100" fill="#0000ff"/>'
               f'<image href="file://{red}" width="100" height="100"/><image xlink:href="red.png" width="100" height="100"/>'
               f'<image href="http://127.0.0.1:9/red.png" width="100" height="100"/></svg>').encode()
        h.ctl_load(t, key, "canvas.svg", svg, viewer)
        drawn = tr("{format}, {width} × {height} pixels, drawn at {shownWidth} × {shownHeight}", format="SVG",
                   width=60000, height=60000, shownWidth=4096, shownHeight=4096)
        h.wait_text(f"the Segment line to say {drawn}", viewer.info, lambda s: drawn in s, 10.0)
        h.wait_until("the SVG blue, its external pictures not loaded", lambda: pixel(view) == "0000FF", 5.0)
        rss = rss_megabytes(viewer.pid)
        h.check(rss < 500, f"the viewer grew to {rss:.0f} MB")
        return f"RSS {rss:.0f} MB"

    def test_viewer_animates_a_gif(t):
        """A GIF of two frames, red and blue, 100 ms each: the centre shows both in turn. Then a GIF
        of 10,000 one-pixel frames on a 1000 x 1000 screen: "GIF, 1000 × 1000 pixels", and the
        viewer stays under 500 MB while it animates."""
        key = t.key()
        viewer = t.viewer(key)
        h.ctl_load(t, key, "blink.gif", gif(64, 64, ["ff0000", "0000ff"], 2), viewer)
        info = tr("{format}, {width} × {height} pixels", format="GIF", width=64, height=64)
        h.wait_text(f"the Segment line to say {info}", viewer.info, lambda s: info in s, 10.0)
        view, _ = picture_widgets(viewer)
        seen = set()
        h.wait_until("both frames at the centre", lambda: seen.add(pixel(view)) or {"FF0000", "0000FF"} <= seen, 5.0)
        h.ctl_load(t, key, "many.gif", gif(1000, 1000, ["00ff00", "ff00ff"], 10000, delay_cs=2, frame_size=(1, 1)), viewer)
        info = tr("{format}, {width} × {height} pixels", format="GIF", width=1000, height=1000)
        h.wait_text(f"the Segment line to say {info}", viewer.info, lambda s: info in s, 20.0)
        rss = rss_megabytes(viewer.pid)
        h.check(rss < 500, f"the viewer grew to {rss:.0f} MB with 10,000 frames")
        return f"both frames seen; 10,000 frames: RSS {rss:.0f} MB"

    def save_as(viewer, target):
        """Ctrl+S, the real dialog, the path typed into its Name entry, Save (GTK's English words)."""
        h.send_keys(viewer, "ctrl+s")
        def dialog():
            app = h.app_for_pid(viewer.pid)
            return next((c for c in (app.get_child_at_index(i) for i in range(app.get_child_count()))
                         if c is not None and c.get_role() == Atspi.Role.FILE_CHOOSER), None)
        chooser = h.wait_until("the save dialog", dialog, 10.0)
        def entry():
            for acc in h.walk(chooser):
                if acc.get_role() == Atspi.Role.LABEL and acc.get_name() == "Name:":
                    panel = acc.get_parent()
                    return next((c for c in (panel.get_child_at_index(i) for i in range(panel.get_child_count()))
                                 if c is not None and c.get_role() == Atspi.Role.TEXT), None)
            return None
        name = h.wait_until("the dialog's Name entry", entry, 3.0)
        h.check(Atspi.EditableText.set_text_contents(name, target), "AT-SPI could not type into the Name entry")
        h.wait_until("the typed path", lambda: h.text_of(name) == target, 2.0)
        h.check(Atspi.Action.do_action(h.find(chooser, "Save", Atspi.Role.PUSH_BUTTON), 0), "AT-SPI could not click Save")
        h.wait_until("the saved file", lambda: os.path.exists(target), 10.0)

    def test_viewer_save_as_in_every_view(t):
        """Save As from the Picture view and from the Hex view writes the segment's bytes exactly; a
        picture in Qt's example layout saves as the PNG it holds."""
        key = t.key()
        viewer = t.viewer(key)
        saved = []
        for name, data in (("photo.png", png(120, 80, "336699")), ("header.elf", ELF)):
            h.ctl_load(t, key, name, data, viewer)
            target = os.path.join(t.tmp, "saved-" + name)
            h.wait_until("the load shown", lambda: name in h.text_of(viewer.info), 5.0)
            save_as(viewer, target)
            h.wait_until("the whole file written", lambda: open(target, "rb").read() == data, 5.0)
            saved.append(name)
        path = os.path.join(t.tmp, "qt.png")
        picture = png(64, 48, "cc3366")
        with open(path, "wb") as f:
            f.write(picture)
        r = subprocess.run([h.CTL, "load", "--qt-image", "--key", key, path], capture_output=True, text=True, timeout=30)
        h.check(r.returncode == 0, f"load --qt-image failed: {r.stderr or r.stdout}")
        h.wait_text("the Qt picture shown", viewer.info, lambda s: "64 × 48" in s, 5.0)
        target = os.path.join(t.tmp, "saved-qt.png")
        save_as(viewer, target)
        h.wait_until("the PNG written", lambda: open(target, "rb").read() == picture, 5.0)
        return f"{', '.join(saved)} and Qt's layout saved byte for byte"

    english_only = [] if LANGUAGE else [test_viewer_save_as_in_every_view]
    return english_only + [test_viewer_picture_zoom, test_viewer_animates_a_gif, test_viewer_shows_a_picture, test_viewer_shows_a_picture_dark, test_viewer_hex_view,
            test_viewer_hex_view_of_a_large_binary, test_viewer_shows_qt_example_picture, test_viewer_hostile_pictures]
