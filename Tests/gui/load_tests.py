"""Loading files into the viewer: every sample file, a load before the viewer runs, binary, empty,
invalid UTF-8 and too-large files, a file gone after the listing, sharedmemory-ctl load and dump,
names that could spoof (U+202E, a newline) and a 254-character name. Plain test functions (the
helpers come from Tests/pysupport); run_gui_tests.py lists them."""

import os
import re
import subprocess
import time

from apps import EMPTY_MESSAGE, TRUNCATION_NOTE, UPDATE_DEADLINE
from atspi import Atspi, combo_items, extents, text_of, wait_text
from content import expect_loaded, pick_and_expect
from files import ASSETS, long_name_assets
from harness import CTL, check, ctl
from keys import sem_file, shm_file
from l10n import prefix, tr
from waiting import short


def test_load_each_sample_file(t):
    """Viewer, then loader; every sample file arrives in the viewer, unchanged."""
    key = t.key()
    viewer = t.viewer(key)
    wait_text("the empty message", viewer.text, lambda s: s == EMPTY_MESSAGE, 2.0)
    loader = t.loader(key)
    files = sorted(f for f in os.listdir(ASSETS) if os.path.isfile(os.path.join(ASSETS, f)))
    check(len(files) >= 5, f"too few sample files: {files}")
    check(combo_items(loader.combo) == files, f"combo items {combo_items(loader.combo)} != {files}")
    check(Atspi.Selection.get_n_selected_children(loader.combo) == 0, "a file is selected at start")
    for name in files:
        with open(os.path.join(ASSETS, name), "rb") as f:
            data = f.read()
        started = time.monotonic()
        t.pick(loader, name)
        expect_loaded(loader, viewer, name, data, started)
        check(TRUNCATION_NOTE not in text_of(viewer.info),
              f"Segment label speaks of truncation for {name}: {text_of(viewer.info)!r}")


def tallest(frame, seconds=0.5):
    """The frame's greatest height over `seconds`: the window manager resizes it a moment after
    the text changed."""
    end, height = time.monotonic() + seconds, extents(frame)[3]
    while time.monotonic() < end:
        time.sleep(0.03)
        height = max(height, extents(frame)[3])
    return height


def test_loader_without_viewer(t):
    """No segment: the loader asks to start the viewer; once it runs, the next pick works."""
    key = t.key()
    loader = t.loader(key)
    names = combo_items(loader.combo)
    check(len(names) >= 2, f"need two files, got {names}")
    height = extents(loader.frame)[3]
    t.pick(loader, names[0])
    # Issue 23: our words once (no library "attach:", no Markdown backticks, one piece of advice),
    # short enough that the window keeps its height.
    wanted = tr("Unable to load: no viewer is running for this key (none found in {folder}).\nStart the sharedmemory "
                "viewer first, then pick the file again.", folder=os.environ.get("TMPDIR") or "/tmp")
    status = wait_text("the no-viewer status", loader.status, lambda s: s == wanted, 2.0)
    check("`" not in status and "attach:" not in status, f"the status reads {status!r}")
    grown = tallest(loader.frame)
    check(grown == height, f"the status grew the loader from {height} to {grown} px high")
    leftovers = [p for p in (shm_file(key), sem_file(key)) if os.path.exists(p)]
    check(not leftovers, f"a failed attach left key files behind: {leftovers}")
    # The same with a long temporary folder (CI machines have them): the words take more lines,
    # the window still keeps its height, and every word stays in the status.
    folder = os.path.join(t.tmp, "a-temporary-folder-with-a-long-name", "as-on-a-ci-machine-that-runs-this-check")
    os.makedirs(folder)
    other = t.loader(t.key(), extra_env={"TMPDIR": folder})
    other_height = extents(other.frame)[3]
    t.pick(other, names[0])
    long_wanted = tr("Unable to load: no viewer is running for this key (none found in {folder}).\nStart the "
                     "sharedmemory viewer first, then pick the file again.", folder=folder)
    wait_text("the no-viewer status naming a long folder", other.status, lambda s: s == long_wanted, 2.0)
    grown = tallest(other.frame)
    check(grown == other_height, f"a longer status grew the loader from {other_height} to {grown} px high")
    viewer = t.viewer(key)
    with open(os.path.join(ASSETS, names[1]), "rb") as f:
        data = f.read()
    started = time.monotonic()
    t.pick(loader, names[1])
    expect_loaded(loader, viewer, names[1], data, started)


def test_special_files(t):
    """Binary, empty, invalid UTF-8, larger than the segment (viewer --size 4096)."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(os.path.join(assets, "a-folder"))  # not a regular file: must not be listed
    big = b"".join(b"line %05d of a file larger than the segment\n" % i for i in range(250))
    special = {
        "binary.bin": bytes(range(256)) * 4 + b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        "empty.txt": b"",
        "invalid-utf8.txt": (b"valid start \xce\xb1\xce\xb2 | lone \xff | cut \xe2\x82 | overlong \xc0\xaf"
                             b" | surrogate \xed\xa0\x80 | end \xf0\x9f\x98\x80\n"),
        "large.txt": big,
    }
    for name, data in special.items():
        with open(os.path.join(assets, name), "wb") as f:
            f.write(data)
    key = t.key()
    viewer = t.viewer(key, "--size", "4096")
    loader = t.loader(key, assets)
    check(combo_items(loader.combo) == sorted(special), f"combo lists {combo_items(loader.combo)}")

    # larger than the segment: both windows report truncation; the viewer shows the prefix
    started = time.monotonic()
    t.pick(loader, "large.txt")
    truncated = tr("Loaded file {name} to shared memory (truncated: {written} of {total} bytes)")
    pattern = re.escape(truncated).replace(re.escape("{name}"), re.escape("large.txt"), 1)
    pattern = pattern.replace(re.escape("{written}"), r"(\d+)", 1).replace(re.escape("{total}"), r"(\d+)", 1)
    status = wait_text("a truncation status", loader.status, lambda s: re.match(pattern, s), UPDATE_DEADLINE)
    # first line as specified; a second line with advice is allowed
    m = re.fullmatch(pattern,
                     status.split("\n")[0])
    check(m, f"unexpected truncation status {status!r}")
    written, total = int(m.group(1)), int(m.group(2))
    check(total == len(big) and 0 < written < 4096, f"truncation numbers {written} of {total}")
    remaining = max(0.05, started + UPDATE_DEADLINE - time.monotonic())
    wait_text("the truncated prefix in the viewer", viewer.text,
              lambda s: s == big[:written].decode("ascii"), remaining)
    wait_text("the Segment label to mention truncation", viewer.info,
              lambda s: TRUNCATION_NOTE in s, 1.0)

    for name in ("binary.bin", "invalid-utf8.txt", "empty.txt"):
        started = time.monotonic()
        t.pick(loader, name)
        expect_loaded(loader, viewer, name, special[name], started)
        info = text_of(viewer.info)
        check(TRUNCATION_NOTE not in info, f"Segment label still speaks of truncation: {info!r}")


def test_unreadable_file(t):
    """A file the loader cannot open: the status says so and the segment keeps its content.
    (Deleted after the listing rather than chmod 000, which root could still read.)"""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    with open(os.path.join(assets, "good.txt"), "w") as f:
        f.write("a readable file\n")
    with open(os.path.join(assets, "vanishing.txt"), "w") as f:
        f.write("deleted after the listing\n")
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    pick_and_expect(t, loader, viewer, "good.txt", b"a readable file\n")
    os.unlink(os.path.join(assets, "vanishing.txt"))
    t.pick(loader, "vanishing.txt")
    opening = prefix("Unable to open file: {reason}")
    status = wait_text("an open error", loader.status, lambda s: s.startswith(opening), 2.0)
    check(len(status) > len(opening), f"no reason given: {status!r}")
    time.sleep(0.5)  # give a wrong update time to happen, then check nothing changed
    check(text_of(viewer.text) == "a readable file\n", "the viewer content changed after a failed load")


def test_ctl_load_and_dump(t):
    """sharedmemory-ctl load reaches the running viewer; dump gives the bytes back."""
    key = t.key()
    viewer = t.viewer(key)
    data = "written by sharedmemory-ctl load: αβγ ✓\n".encode()
    path = os.path.join(t.tmp, "from-ctl.txt")
    with open(path, "wb") as f:
        f.write(data)
    started = time.monotonic()
    r = ctl("load", "--key", key, path)
    check(r.returncode == 0, f"sharedmemory-ctl load failed: {r.stderr or r.stdout}")
    remaining = max(0.05, started + UPDATE_DEADLINE - time.monotonic())
    wait_text("the viewer to show what ctl loaded", viewer.text, lambda s: s == data.decode(), remaining)
    r = subprocess.run([CTL, "dump", "--key", key], capture_output=True, timeout=20)
    check(r.returncode == 0 and r.stdout == data, f"dump gave {r.returncode} {short(r.stdout)}")


def test_odd_names(t):
    """A name with U+202E, one with a newline: the combo entry and the status show them visibly, on
    one line, and never reversed; each loads by its real name."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    names = {"evil\u202etxt.memory": "evil<U+202E>txt.memory", "two\nlines.txt": "two<U+000A>lines.txt"}
    for name in names:
        with open(os.path.join(assets, name), "w") as f:
            f.write(f"content of {name!r}\n")
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    check(combo_items(loader.combo) == sorted(names.values()), f"combo lists {combo_items(loader.combo)}")
    for name, shown in names.items():
        pick_and_expect(t, loader, viewer, shown, f"content of {name!r}\n".encode())


def test_long_name_keeps_the_loader_size(t):
    """A 254-character name: the loader keeps its 480 px width at start and after loading it (the
    entry is ellipsized); the whole name stays readable in the list's accessible text and the status."""
    assets, name = long_name_assets(t)
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    width = Atspi.Component.get_extents(loader.frame, Atspi.CoordType.SCREEN).width
    check(width <= 600, f"the loader starts {width} px wide")
    check(combo_items(loader.combo) == [name], f"combo lists {combo_items(loader.combo)}")
    started = time.monotonic()
    t.pick(loader, name)
    expect_loaded(loader, viewer, name, b"long\n", started)
    width = Atspi.Component.get_extents(loader.frame, Atspi.CoordType.SCREEN).width
    check(width <= 600, f"the loader is {width} px wide after loading the long name")
