"""How both windows look: their application icon (_NET_WM_ICON) and the README's screenshots (light
with a multilingual file, dark with Markdown highlighted). Plain test functions; run_gui_tests.py
lists them."""

import os
import subprocess
import time

from atspi import combo_items, extents
from content import expect_loaded
from files import ASSETS, SCREENSHOTS
from harness import ROOT, check
from waiting import wait_until
from x11 import x11


def test_window_icons(t):
    """Both windows carry the application icon (_NET_WM_ICON), also when run from the source tree,
    where the icon theme does not know it: a window manager would otherwise show a generic one."""
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key)
    for name, app in (("viewer", viewer), ("loader", loader)):
        (window,) = x11().toplevels_of(app.pid)[:1]
        sizes = x11().icon_sizes(window)
        check(any(w >= 16 and h >= 16 for w, h in sizes), f"the {name} window has no usable icon: {sizes}")


def test_screenshot(t):
    """Both windows side by side with a multilingual file loaded, written as PNG."""
    both_windows_screenshot(t, "multilingual.txt", SCREENSHOTS)


def test_screenshot_dark(t):
    """Both windows under a dark theme, the viewer highlighting Markdown (issue 12): the README's
    dark picture."""
    path = os.path.join(ROOT, "out", "screenshot-dark.png")
    both_windows_screenshot(t, "getting-started.md", [path], {"GTK_THEME": "Adwaita:dark"})
    # The picture is dark: its mean brightness (0 black, 1 white) is well under a light theme's.
    r = subprocess.run(["identify", "-format", "%[fx:mean]", path], capture_output=True, text=True, timeout=30)
    check(float(r.stdout) < 0.4, f"dark screenshot {path} is not dark: mean {r.stdout}")
    return f"{path}, mean brightness {float(r.stdout):.2f}"


def both_windows_screenshot(t, wanted, paths, env=None):
    key = t.key()
    viewer = t.viewer(key, extra_env=env)
    loader = t.loader(key, extra_env=env)
    name = wanted if wanted in combo_items(loader.combo) else combo_items(loader.combo)[0]
    with open(os.path.join(ASSETS, name), "rb") as f:
        data = f.read()
    started = time.monotonic()
    t.pick(loader, name)
    expect_loaded(loader, viewer, name, data, started)

    # place the windows: loader left, viewer right (no window manager here, so X moves are final)
    lx, ly, lw, lh = extents(loader.frame)
    (lwin,) = x11().toplevels_of(loader.pid)[:1]
    (vwin,) = x11().toplevels_of(viewer.pid)[:1]
    x11().move(lwin, 10, 10)
    x11().move(vwin, 10 + lw + 20, 10)
    wait_until("the windows to move", lambda: extents(loader.frame)[:2] == (10, 10)
               and extents(viewer.frame)[0] == 10 + lw + 20, 3.0)
    vx, vy, vw, vh = extents(viewer.frame)
    width, height = vx + vw + 10, max(lh, vh) + 20
    time.sleep(0.3)  # let both windows finish drawing after the move (not an assertion)
    for path in paths:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        r = subprocess.run(["import", "-window", "root", "-crop", f"{width}x{height}+0+0", "+repage",
                            path], capture_output=True, text=True, timeout=30)
        check(r.returncode == 0, f"import failed: {r.stderr}")
        r = subprocess.run(["identify", "-format", "%w %h %[fx:standard_deviation]", path],
                           capture_output=True, text=True, timeout=30)
        w, h, sd = r.stdout.split()
        check((int(w), int(h)) == (width, height) and float(sd) > 0.01,
              f"screenshot {path} looks wrong: {r.stdout}")
        print(f"    screenshot: {path} ({w}x{h})")
