"""Raw names (issue 14): a file whose name is not valid UTF-8 is listed, shown repaired (U+FFFD, as GLib's
g_filename_display_name shows it) and loaded by its real bytes (it used to be left out)."""

import os
import time


def make_tests(h):
    """The tests, given the runner module h (its helpers and Test)."""

    def test_name_not_utf8_is_listed_and_loaded(t):
        """caf\\xe9.txt (Latin-1) and a cut UTF-8 sequence: listed repaired, each loads its own bytes."""
        assets = os.path.join(t.tmp, "assets").encode()
        os.makedirs(assets)
        files = {b"caf\xe9.txt": ("caf\ufffd.txt", b"latin-1 name\n"),
                 b"cut-\xe2\x82-end.txt": ("cut-\ufffd\ufffd-end.txt", b"cut sequence\n"),
                 b"plain.txt": ("plain.txt", b"plain\n")}
        for raw, (_, data) in files.items():
            with open(os.path.join(assets, raw), "wb") as f:
                f.write(data)
        key = t.key()
        viewer = t.viewer(key)
        loader = t.loader(key, os.fsdecode(assets))
        shown = sorted(s for s, _ in files.values())
        h.check(sorted(h.combo_items(loader.combo)) == shown, f"combo lists {h.combo_items(loader.combo)}, not {shown}")
        for raw, (name, data) in files.items():
            started = time.monotonic()
            t.pick(loader, name)
            h.expect_loaded(loader, viewer, name, data, started)
            h.wait_text(f"{name!r} in the Segment line", viewer.info, lambda s: s.startswith(f"{name}, "), h.UPDATE_DEADLINE)

    return [test_name_not_utf8_is_listed_and_loaded]
