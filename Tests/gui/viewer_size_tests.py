"""The viewer's size (issue 14): a long file name or key keeps it; the Segment line shows at most a few
lines (ellipsized) and the whole text stays readable (accessible text, tooltip = accessible
description)."""

import os
import subprocess
import time


def make_tests(h):
    """The tests, given the runner module h (its helpers and Test)."""

    def size(app):
        return h.extents(app.frame)[2:]

    def check_line(app, wanted):
        description = app.info.get_description()
        h.check(wanted in description, f"the Segment line's description (tooltip) lacks {wanted[:40]!r}…: {description!r}")

    def test_long_name_keeps_the_viewer_size(t):
        """A 254-character name loaded: the viewer keeps its size (it grew from 520 to 1,032 px tall)."""
        assets, name = h.long_name_assets(t)
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
        h.wait_until("the key in the Segment line's tooltip", lambda: long_key in (viewer.info.get_description() or ""), 2.0)
        time.sleep(0.3)
        h.check(size(viewer) == usual, f"the viewer is {size(viewer)} px with a 200-character key, {usual} otherwise")
        check_line(viewer, long_key)
        return f"viewer {usual[0]}x{usual[1]} px"

    def test_windows_fit_the_screen_at_any_scale(t):
        """Issue 23: at GDK_SCALE 1 and 2 and DPI scales 1.5 and 2, both windows open inside the
        screen's work area (Xvfb: the whole screen) and ask for a small minimum size (the viewer's
        was 556 px wide at scale 1 and 1,488 px at scale 2 with DPI 1.5, wider than the screen);
        resized to that minimum, as a window manager may, they print no GTK warning."""
        screen = h.x11().geometry(h.x11().root)[2:]
        seen = []
        for env in ({}, {"GDK_DPI_SCALE": "2"}, {"GDK_SCALE": "2"}, {"GDK_SCALE": "2", "GDK_DPI_SCALE": "1.5"}):
            # Fonts grow with both scales: so may a minimum, up to a part of the screen.
            scale = int(env.get("GDK_SCALE", "1")) * float(env.get("GDK_DPI_SCALE", "1"))
            key = t.key()
            for app in (t.viewer(key, extra_env=env), t.loader(key, extra_env=env)):
                window = h.wait_until(f"the {app.name}'s X window", lambda: (h.x11().toplevels_of(app.pid) or [None])[0], 5.0)
                x, y, width, height = h.x11().geometry(window)
                label = f"{app.name} at {env or 'scale 1'}"
                h.check(x >= 0 and y >= 0 and x + width <= screen[0] and y + height <= screen[1],
                        f"the {label} is {width}x{height} px at {x},{y}, outside the {screen[0]}x{screen[1]} screen")
                minimum = h.x11().min_size(window)
                h.check(minimum is not None, f"the {label} asks for no minimum size")
                h.check(minimum[0] <= min(400 * scale, screen[0] * 0.6) and minimum[1] <= min(320 * scale, screen[1] * 0.75),
                        f"the {label} cannot shrink below {minimum[0]}x{minimum[1]} px")
                h.x11().resize(window, *minimum)
                seen.append(f"{label}: {width}x{height}, min {minimum[0]}x{minimum[1]}")
            time.sleep(0.5)   # the resizes' allocations, whose warnings the runner checks
        return "; ".join(seen)

    def test_five_thousand_character_key_is_refused(t):
        """A 5,000-character --key: both windows and sharedmemory-ctl refuse it at start-up, exit 2,
        with one short line naming the limit (the viewer used to open 720 x 17,148 px with the
        reason at the end of a 10 KB message); nothing is made."""
        key = "k" * 5000
        runs = {"viewer": [h.VIEWER, "--key", key], "loader": [h.LOADER, "--key", key, "--assets", h.ASSETS],
                "ctl create": [h.CTL, "create", "--key", key, "--size", "4096"],
                "ctl load": [h.CTL, "load", "--key", key, os.path.join(h.ASSETS, sorted(os.listdir(h.ASSETS))[0])]}
        longest = 0
        for what, argv in runs.items():
            started = time.monotonic()
            r = subprocess.run(argv, capture_output=True, text=True, timeout=20,
                               env=dict(os.environ, NO_AT_BRIDGE="1", **h.l10n.app_env()))
            took = time.monotonic() - started
            reason = r.stderr.splitlines()[0] if r.stderr else ""
            longest = max(longest, len(reason))
            h.check(r.returncode == 2, f"{what}: exit {r.returncode}, stderr {h.short(r.stderr)}")
            h.check("NAME_MAX" in reason and len(reason) < 500, f"{what}: the reason is not one short line: {h.short(reason)}")
            h.check(len(r.stderr.splitlines()) <= 3, f"{what}: {len(r.stderr.splitlines())} lines on stderr")
            h.check(took < 5, f"{what} took {took:.1f} s to refuse the key")
        leftovers = [n for n in os.listdir(h.temp_dir()) if n.startswith("qipc_") and "kkkkkkkkkk" in n]
        h.check(not leftovers, f"key files were made: {leftovers[:3]}")
        return f"longest reason {longest} characters"

    return [test_long_name_keeps_the_viewer_size, test_long_key_keeps_the_viewer_size, test_windows_fit_the_screen_at_any_scale,
            test_five_thousand_character_key_is_refused]
