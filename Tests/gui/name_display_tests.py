"""Names that could spoof the viewer (issue 23, item 4). Every place that shows a file's name (the
viewer's title, its Segment line and that line's tooltip, the loader's status and list) shows
control and bidi characters visibly, in ASCII (`<U+202E>`, `<U+000A>`: any font draws them), and isolates a right-to-left name (FSI ... PDI), so
that a name reads the same in every place and never reverses or splits the words around it.
`make_tests(h)` takes the GUI helpers (guitest.py) and returns the tests."""

import os
import time

from gi.repository import Atspi

FSI, PDI = "\u2068", "\u2069"


def make_tests(h):

    def labels(frame):
        return [h.text_of(acc) for acc in h.walk(frame, max_depth=20) if acc.get_role() == Atspi.Role.LABEL]

    def shown_everywhere(t, viewer, loader, name, shown):
        """Loads `name` through the loader and checks every place that shows it."""
        started = time.monotonic()
        t.pick(loader, shown)
        h.expect_loaded(loader, viewer, shown, f"content of {name!r}\n".encode(), started)
        # The Segment line begins with the name (the key is the subtitle's); its tooltip says the key first.
        segment = f" · {shown}, "
        h.wait_text(f"{shown!r} in the Segment line", viewer.info, lambda s: s.startswith(f"{shown}, "), h.UPDATE_DEADLINE)
        info = h.text_of(viewer.info)
        h.check("\n" not in info, f"the Segment line is split: {info!r}")
        tooltip = viewer.info.get_description() or ""
        h.check(segment in tooltip, f"the Segment line's tooltip shows the name otherwise: {tooltip!r}")
        h.wait_until(f"the title {shown!r}", lambda: shown in labels(viewer.frame), h.UPDATE_DEADLINE)
        for text in labels(viewer.frame) + [h.text_of(loader.status)]:
            h.check("\u202e" not in text and "two\nlines" not in text, f"a raw bidi control or newline is shown: {text!r}")

    def test_spoofing_names_are_shown_visibly(t):
        """U+202E first (the issue's "txt.exe" that read "exe.txt"), a newline, an RTL name."""
        assets = os.path.join(t.tmp, "assets")
        os.makedirs(assets)
        names = {"\u202etxt.exe": "<U+202E>txt.exe",
                 "two\nlines.txt": "two<U+000A>lines.txt",
                 "שלום עולם.txt": FSI + "שלום עולם.txt" + PDI}
        for name in names:
            with open(os.path.join(assets, name), "w") as f:
                f.write(f"content of {name!r}\n")
        key = t.key()
        viewer = t.viewer(key)
        loader = t.loader(key, assets)
        h.check(sorted(h.combo_items(loader.combo)) == sorted(names.values()),
                f"combo lists {h.combo_items(loader.combo)}")
        for name, shown in names.items():
            shown_everywhere(t, viewer, loader, name, shown)

    def test_spoofing_key_is_shown_visibly(t):
        """A key holding U+202E and a newline: the viewer's subtitle and Segment line show it
        visibly, on one line; the loader's tooltip too."""
        key = t.key() + "\u202eevil\nkey"
        t.keys.append(key)
        shown = key.replace("\u202e", "<U+202E>").replace("\n", "<U+000A>")
        viewer = t.viewer(key)
        head = h.tr("Key {key} · segment {size}", key=shown, size="")
        h.wait_until("the key in the Segment line's tooltip", lambda: (viewer.info.get_description() or "").startswith(head), 3.0)
        h.check("\n" not in viewer.info.get_description(), f"the tooltip is split: {viewer.info.get_description()!r}")
        h.wait_until("the key in the subtitle", lambda: h.tr("Key {key}", key=shown) in labels(viewer.frame), 3.0)
        for text in labels(viewer.frame):
            h.check("\u202e" not in text and "evil\nkey" not in text, f"a raw bidi control or newline is shown: {text!r}")

    return [test_spoofing_names_are_shown_visibly, test_spoofing_key_is_shown_visibly]
