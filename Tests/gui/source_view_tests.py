"""The viewer's reading view (issue 12): a GtkSourceView with the language guessed from
the file's name and bytes, a header bar (file name, key), the scroll position kept when the same file
is loaded again, a style scheme that follows the theme's dark or light look.

`make_tests(h)` takes the GUI helpers (Tests/pysupport/guitest.py) and returns the test functions
run_gui_tests.py adds to its list. The language and the scheme are read from the Segment line and the
text's accessible description ("JSON; colors: Classic (light)").
"""

import ctypes
import os
import subprocess
import time

from gi.repository import Atspi

# file name -> (content, the language name GtkSourceView gives it)
SAMPLES = [
    ("data.json", '{"name": "shared memory", "sizes": [1, 2, 3], "ok": true}\n', "JSON"),
    ("notes.md", "# Notes\n\nSome *emphasis*, a [link](https://example.org) and `code`.\n\n- one\n- two\n", "Markdown"),
    ("page.html", "<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>Hello</p></body></html>\n", "HTML"),
    ("main.swift", "import Foundation\n\nstruct Point { var x = 0 }\nprint(Point().x) // zero\n", "Swift"),
    ("hello.c", "#include <stdio.h>\n\nint main(void) {\n    printf(\"hi\\n\");\n    return 0;\n}\n", "C"),
    ("run.sh", "#!/bin/sh\nset -e\necho \"$HOME\"\n", "sh"),
    # No extension: GIO reads the #! line.
    ("configure-step", "#!/bin/sh\nfor f in *.txt; do echo \"$f\"; done\n", "sh"),
    ("readme.txt", "Plain words, nothing to highlight.\n", "plain text"),
]

# Highlighted by default up to 256 KiB only (HighlightRule.slowToDrawLimit; docs/PERFORMANCE.md, "Issue 12").
SLOW_TO_DRAW_LIMIT = 256 << 10
SLOW_NOTE = ", highlighting off: over 256.0\u00a0KiB for this language (--highlight-limit sets it)"

LIGHT, DARK = ("classic", "Classic"), ("oblivion", "Oblivion")


def make_tests(h):
    def write(t, name, data):
        path = os.path.join(t.tmp, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return path

    def load(key, path):
        r = subprocess.run([h.CTL, "load", "--key", key, path], capture_output=True, text=True, timeout=30)
        h.check(r.returncode == 0, f"sharedmemory-ctl load {path} failed: {r.stderr or r.stdout}")

    def viewer_with(t, key, *extra, env=None):
        """t.viewer, with an environment of its own (GTK_THEME)."""
        app = h.App(t, "viewer", [h.VIEWER, "--key", key, *extra], h.VIEWER_TITLE, env)
        t.apps.append(app)
        app.wait_frame()
        app.text = app.widget("File content", Atspi.Role.TEXT)
        app.info = app.widget("Segment", Atspi.Role.LABEL)
        h.wait_until(f"the segment of key {key}", lambda: h.segment_live(key), 5.0)
        return app

    def labels(frame):
        return [a.get_name() for a in h.walk(frame) if a.get_role() == Atspi.Role.LABEL]

    def top_offset(viewer):
        """The character at the top middle of the visible text: on the first line at the top."""
        e = Atspi.Component.get_extents(viewer.text, Atspi.CoordType.SCREEN)
        return Atspi.Text.get_offset_at_point(viewer.text, e.x + e.width // 2, e.y + 3, Atspi.CoordType.SCREEN)

    keys = h.send_keys

    def test_source_view_languages(t):
        """Each kind of sample loaded with sharedmemory-ctl: the Segment line ends with the language
        GtkSourceView guessed from the name and bytes, the text's accessible description names it.
        JSON over 256 KiB is not highlighted by a default viewer (it says why), and is by one given
        --highlight-limit."""
        seen = []
        key = t.key()
        viewer = t.viewer(key)
        for name, content, language in SAMPLES:
            load(key, write(t, name, content))
            h.wait_text(f"{name} in the viewer", viewer.text, lambda s: s == content, h.UPDATE_DEADLINE + 1)
            h.wait_text(f"the language of {name}", viewer.info, lambda s: name in s and s.endswith(f" · {language}"), 2.0)
            description = viewer.text.get_description()
            h.check(description.startswith(f"{language}; colors: "),
                    f"{name}: the accessible description is {description!r}, not {language!r} first")
            seen.append(f"{name}: {language}")
        records = ",\n".join(f'  {{"id": {i}, "name": "item {i}"}}' for i in range(12000))
        big = "[\n" + records + "\n]\n"
        h.check(len(big.encode()) > SLOW_TO_DRAW_LIMIT, "the big JSON sample is too small")
        for extra, suffix in (((), "JSON" + SLOW_NOTE), (("--highlight-limit", "1048576"), "JSON")):
            key = t.key()
            viewer = t.viewer(key, *extra)
            load(key, write(t, "big.json", big))
            h.wait_text(f"the language of big.json {extra}", viewer.info,
                        lambda s: "big.json" in s and s.endswith(f" · {suffix}"), h.UPDATE_DEADLINE + 2)
            seen.append(f"big.json {' '.join(extra) or 'by default'}: {suffix}")
        return ", ".join(seen)

    def test_source_view_seed_format_guess(t):
        """A segment in the seed format (Qt's example: raw bytes, no name) is guessed from its bytes:
        a #! line makes it shell. Written straight into the segment, as a Qt writer does."""
        key = t.key()
        viewer = t.viewer(key)
        text = b"#!/bin/sh\necho 'no file name here'\n"
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        libc.shmdt.argtypes = [ctypes.c_void_p]
        shmid = libc.shmget(h.ftok(h.shm_file(key)), 0, 0)
        h.check(shmid >= 0, f"shmget failed: errno {ctypes.get_errno()}")
        address = libc.shmat(shmid, None, 0)
        h.check(address not in (None, ctypes.c_void_p(-1).value), f"shmat failed: errno {ctypes.get_errno()}")
        ctypes.memmove(address, text + b"\0", len(text) + 1)   # over the framed header: the seed format
        libc.shmdt(address)
        h.wait_text("the seed text", viewer.text, lambda s: s == text.decode(), 3.0)
        info = h.wait_text("the language of the seed text", viewer.info, lambda s: s.endswith(" · sh"), 2.0)
        h.check("seed format" in info, f"the Segment line does not say seed format: {info!r}")
        return info

    def test_source_view_header_bar(t):
        """The header bar shows the file name as title and the key as subtitle; a 200-character name
        is ellipsized: the window keeps its width."""
        key = t.key()
        viewer = t.viewer(key)
        h.wait_until("the key as subtitle", lambda: f"Key {key}" in labels(viewer.frame), 3.0)
        width = Atspi.Component.get_extents(viewer.frame, Atspi.CoordType.SCREEN).width
        name = "data.json"
        load(key, write(t, name, SAMPLES[0][1]))
        h.wait_until("the file name as title", lambda: name in labels(viewer.frame), 3.0)
        long_name = "a-very-long-file-name-" * 9 + ".txt"
        load(key, write(t, long_name, "long name\n"))
        h.wait_text("the long-named file", viewer.text, lambda s: s == "long name\n", 3.0)
        h.wait_until("the long name as title", lambda: long_name in labels(viewer.frame), 3.0)
        time.sleep(0.3)
        after = Atspi.Component.get_extents(viewer.frame, Atspi.CoordType.SCREEN).width
        h.check(after == width, f"the window went from {width} to {after} px wide for a long title")
        h.check(long_name in h.text_of(viewer.info), "the Segment line is gone")
        # The key is said once on screen (the subtitle); the line's tooltip has it with the rest.
        h.check(f"Key {key}" not in h.text_of(viewer.info) and f"Key {key}" in viewer.info.get_description(),
                f"the key on the Segment line or not in its tooltip: {h.text_of(viewer.info)!r}")
        return f"title {name!r}, subtitle 'Key {key}', width {width} px with a {len(long_name)}-character title"

    def test_source_view_scroll_kept(t):
        """Scrolled to the end: the same file loaded again (same bytes, then changed bytes, a text of
        several chunks) keeps the position; another file starts at the top."""
        key = t.key()
        viewer = t.viewer(key)
        lines = [f"line {i:05d} of a text long enough to be inserted in chunks" for i in range(4000)]
        text = "\n".join(lines) + "\n"
        path = write(t, "long.txt", text)
        load(key, path)
        h.wait_until("the whole text", lambda: Atspi.Text.get_character_count(viewer.text) == len(text), 5.0)
        time.sleep(0.3)
        keys(viewer, "ctrl+End")
        h.wait_until("the view to scroll down", lambda: top_offset(viewer) > len(text) // 2, 3.0)
        time.sleep(0.5)
        scrolled = top_offset(viewer)
        results = []

        load(key, path)   # same name, same bytes
        h.wait_text("the reload in the Segment line", viewer.info, lambda s: "long.txt" in s, 2.0)
        time.sleep(0.8)
        h.check(abs(top_offset(viewer) - scrolled) < 200,
                f"same bytes: the view moved from offset {scrolled} to {top_offset(viewer)}")
        results.append(f"same bytes: offset {scrolled} -> {top_offset(viewer)}")

        changed = text.replace("line 00000", "LINE 00000")
        write(t, "long.txt", changed)
        load(key, path)   # same name, changed bytes: inserted again, position restored
        h.wait_text("the changed text", viewer.text, lambda s: s.startswith("LINE 00000") and len(s) == len(changed), 5.0)
        h.wait_until("the position restored", lambda: abs(top_offset(viewer) - scrolled) < 400, 3.0)
        results.append(f"changed bytes: offset {top_offset(viewer)}")

        other = write(t, "other.txt", text)
        load(key, other)   # another file: top
        h.wait_text("the other file", viewer.info, lambda s: "other.txt" in s, 3.0)
        h.wait_until("the view at the top", lambda: top_offset(viewer) <= len(lines[0]), 3.0)   # on the first line
        results.append(f"another file: offset {top_offset(viewer)}")
        return "; ".join(results)

    def test_source_view_highlight_limit(t):
        """Over --highlight-limit the language is still named, and the Segment line says highlighting
        is off; under it, it is on (the --trace lines say so too)."""
        key = t.key()
        viewer = t.viewer(key, "--highlight-limit", "1000", "--trace")
        small = write(t, "small.json", '{"a": 1}\n')
        big = write(t, "big.json", "[" + ",".join(f'{{"id": {i}}}' for i in range(200)) + "]\n")
        load(key, big)
        info = h.wait_text("highlighting off", viewer.info,
                           lambda s: s.endswith(" · JSON, highlighting off: over 1000 bytes"), 3.0)
        load(key, small)
        h.wait_text("highlighting on", viewer.info, lambda s: "small.json" in s and s.endswith(" · JSON"), 3.0)
        log = viewer.log_text()
        h.check("event=language id=json highlight=0" in log and "event=language id=json highlight=1" in log,
                f"no language trace lines: {log[-600:]!r}")
        # Under the limit, but a line over 1,000 characters was folded: off too.
        key = t.key()
        viewer = t.viewer(key)
        load(key, write(t, "one-line.json", "[" + ",".join(f'{{"id": {i}}}' for i in range(120)) + "]\n"))
        folded = h.wait_text("highlighting off for folded lines", viewer.info,
                             lambda s: "long lines wrapped for display" in s and s.endswith(" · JSON, highlighting off: lines folded"), 3.0)
        h.check("folded for display" in viewer.info.get_description(), "the tooltip does not say how the lines were folded")
        return f"{info}; {folded}"

    def scheme_case(dark, prefer_dark_setting=False):
        def body(t):
            key = t.key()
            env = {"GTK_THEME": "Adwaita:dark"} if dark else {"GTK_THEME": "Adwaita"}
            if prefer_dark_setting:   # the desktop's preference, not the theme's name
                config = os.path.join(t.tmp, "config")
                os.makedirs(os.path.join(config, "gtk-3.0"))
                with open(os.path.join(config, "gtk-3.0", "settings.ini"), "w") as f:
                    f.write("[Settings]\ngtk-theme-name=Adwaita\ngtk-application-prefer-dark-theme=1\n")
                env = {"XDG_CONFIG_HOME": config}
            viewer = viewer_with(t, key, "--trace", env=env)
            (scheme_id, scheme_name) = DARK if dark else LIGHT
            variant = "dark" if dark else "light"
            sample = os.path.join(h.ROOT, "Sources", "GtkSupport", "SyntaxLanguage.swift")
            with open(sample) as f:
                content = f.read()
            load(key, sample)
            h.wait_text("the Swift sample", viewer.text, lambda s: s == content, 3.0)
            h.wait_text("Swift in the Segment line", viewer.info, lambda s: s.endswith(" · Swift"), 2.0)
            description = viewer.text.get_description()
            h.check(description == f"Swift; colors: {scheme_name} ({variant})",
                    f"{env}: the description is {description!r}")
            h.check(f"event=scheme id={scheme_id} dark={int(dark)}" in viewer.log_text(),
                    f"no scheme trace line for {scheme_id}")
            # For the README: the viewer alone, light and dark (make screenshot copies them to docs/).
            time.sleep(0.5)
            x, y, w, hgt = (lambda e: (e.x, e.y, e.width, e.height))(
                Atspi.Component.get_extents(viewer.frame, Atspi.CoordType.SCREEN))
            out = os.path.join(os.environ.get("SHAREDMEMORY_VIEWER_SCREENSHOTS", os.path.join(h.ROOT, "out")),
                               f"viewer-{variant}{'-preferred' if prefer_dark_setting else ''}.png")
            os.makedirs(os.path.dirname(out), exist_ok=True)
            r = subprocess.run(["import", "-window", "root", "-crop", f"{w}x{hgt}+{x}+{y}", "+repage", out],
                               capture_output=True, text=True, timeout=30)
            h.check(r.returncode == 0, f"import failed: {r.stderr}")
            # The text area's mean brightness: dark on a dark theme, light on a light one.
            r = subprocess.run(["convert", out, "-crop", f"{w // 2}x{hgt // 3}+{w // 4}+{hgt // 2}", "+repage",
                                "-colorspace", "Gray", "-format", "%[fx:mean]", "info:"],
                               capture_output=True, text=True, timeout=30)
            mean = float(r.stdout)
            h.check((mean < 0.4) if dark else (mean > 0.6), f"{variant}: the text area's mean brightness is {mean:.2f}")
            return f"{description}; text area brightness {mean:.2f}; screenshot {out}"
        return body

    tests = [test_source_view_languages, test_source_view_seed_format_guess, test_source_view_header_bar,
             test_source_view_scroll_kept, test_source_view_highlight_limit]
    for dark in (False, True):
        case = scheme_case(dark)
        case.__name__ = f"test_source_view_scheme_{'dark' if dark else 'light'}"
        case.__doc__ = (f"Under GTK_THEME=Adwaita{':dark' if dark else ''} the view takes the "
                        f"{'dark' if dark else 'light'} scheme (description, --trace, pixels); screenshot to out/.")
        tests.append(case)
    case = scheme_case(True, prefer_dark_setting=True)
    case.__name__ = "test_source_view_scheme_prefer_dark_setting"
    case.__doc__ = ("gtk-application-prefer-dark-theme=1 in settings.ini (Adwaita by name): the dark scheme; "
                    "screenshot to out/viewer-dark-preferred.png.")
    tests.append(case)
    return tests
