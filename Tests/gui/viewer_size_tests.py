"""Issue 14: a long file name or key keeps the viewer's size; the Segment line shows at most a few
lines (ellipsized) and the whole text stays readable (accessible text, tooltip = accessible
description)."""

import os
import time


def make_tests(h):
    """The tests, given the runner module h (its helpers and Test)."""

    def size(app):
        return h.extents(app.frame)[2:]

    def check_line(app, wanted):
        info = h.text_of(app.info)
        h.check(wanted in info, f"the Segment line's text lacks {wanted[:40]!r}…: {info!r}")
        description = app.info.get_description()
        h.check(description == info, f"the Segment line's description (tooltip) is not its whole text: {description!r}")

    def test_long_name_keeps_the_viewer_size(t):
        """A 254-character name loaded: the viewer keeps its size (it grew from 520 to 1,032 px tall)."""
        assets = os.path.join(t.tmp, "assets")
        os.makedirs(assets)
        name = ("a-very-long-file-name-" * 12)[:250] + ".txt"
        with open(os.path.join(assets, name), "w") as f:
            f.write("long\n")
        key = t.key()
        viewer = t.viewer(key)
        h.wait_text("the empty viewer", viewer.text, lambda s: s == h.EMPTY_MESSAGE, 2.0)
        before = size(viewer)
        loader = t.loader(key, assets)
        started = time.monotonic()
        t.pick(loader, name)
        h.expect_loaded(loader, viewer, name, b"long\n", started)
        h.wait_text("the name in the Segment line", viewer.info, lambda s: name in s, h.UPDATE_DEADLINE)
        time.sleep(0.3)   # a resize follows the new text's layout
        after = size(viewer)
        h.check(after == before, f"the viewer was {before[0]}x{before[1]} px, after the long name {after[0]}x{after[1]}")
        check_line(viewer, name)
        return f"viewer {before[0]}x{before[1]} px before and after"

    def test_long_key_keeps_the_viewer_size(t):
        """A 200-character key: the viewer starts at its usual size, the key readable in full."""
        key = t.key()
        reference = t.viewer(key)
        usual = size(reference)
        long_key = (key + "_" + "k" * 200)[:200]
        t.keys.append(long_key)
        viewer = t.viewer(long_key)
        h.wait_text("the key in the Segment line", viewer.info, lambda s: long_key in s and "·" in s, 2.0)
        time.sleep(0.3)
        h.check(size(viewer) == usual, f"the viewer is {size(viewer)} px with a 200-character key, {usual} otherwise")
        check_line(viewer, long_key)
        return f"viewer {usual[0]}x{usual[1]} px"

    return [test_long_name_keeps_the_viewer_size, test_long_key_keeps_the_viewer_size]
