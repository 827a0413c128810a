"""The loader (issue 12): real drops (a small GTK drag source moved by xdotool's pointer),
recent files across a restart, keyboard-only use, and `--version` of the three programs.

Drops are real XDND drags between two X clients: drag_source.py offers a text/uri-list (what a file
manager offers) or plain text, xdotool presses the pointer on it and releases it over the loader.
Every test sets a private XDG_DATA_HOME (and HOME), so the recent files of one test (and of the
user running them) never show in another. `make_tests(h)` takes the GUI helpers (guitest.py).
"""

import os
import re
import subprocess
import time

from gi.repository import Atspi

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_X, SOURCE_Y = 1300, 40     # where drag_source.py shows its button (160x80)
STEP_PAUSE = 0.15                 # between key presses: each may start a load or open a dialog
PROBE_LIMIT = 0.100               # the loader answers AT-SPI within this during a drag and its drop


def make_tests(h):
    def xdotool(*args):
        r = subprocess.run(["xdotool", *map(str, args)], capture_output=True, text=True, timeout=10)
        h.check(r.returncode == 0, f"xdotool {' '.join(map(str, args))} failed: {r.stderr.strip()}")
        return r.stdout

    def focus(app):
        """Gives the app's main window the X input focus (no window manager here)."""
        windows = h.x11().toplevels_of(app.pid)
        h.check(windows, f"{app.name} has no mapped window")
        xdotool("windowfocus", "--sync", windows[0])

    def keys(*combos):
        """Real key presses (XTEST) into the window that has the focus."""
        for combo in combos:
            xdotool("key", "--clearmodifiers", combo)
            time.sleep(STEP_PAUSE)

    def private_desktop(t):
        """A private HOME and XDG_DATA_HOME (where GTK keeps recently-used.xbel)."""
        home, data = os.path.join(t.tmp, "home"), os.path.join(t.tmp, "data")
        os.makedirs(home, exist_ok=True)
        os.makedirs(data, exist_ok=True)
        return {"HOME": home, "XDG_DATA_HOME": data}

    def write(t, folder, name, data):
        os.makedirs(os.path.join(t.tmp, folder), exist_ok=True)
        path = os.path.join(t.tmp, folder, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def uri(path):
        return "file://" + path   # the tests' paths are plain ASCII

    slowest = [0.0]   # the slowest AT-SPI answer of a loader during any drag of the test

    def probe(loader):
        started = time.monotonic()
        Atspi.Text.get_character_count(loader.status)
        slowest[0] = max(slowest[0], time.monotonic() - started)

    def drop(t, loader, kind, *values):
        """Drags from a fresh drag_source.py (offering `values` as --uris or --text) onto the
        loader window with the real pointer, asking the loader for its status between the steps;
        returns once the source handed its data over."""
        log = os.path.join(t.tmp, f"drag-{time.monotonic_ns()}.log")
        with open(log, "w") as out:
            source = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "drag_source.py"),
                                       str(SOURCE_X), str(SOURCE_Y), kind, *values],
                                      stdout=out, stderr=subprocess.STDOUT,
                                      env=dict(os.environ, GDK_BACKEND="x11", NO_AT_BRIDGE="1"))
        try:
            def said(word):
                with open(log) as f:
                    return word in f.read().split()
            h.wait_until("the drag source window", lambda: said("ready"), 10.0)
            x, y, w, hgt = h.extents(loader.frame)
            start_x, start_y = SOURCE_X + 80, SOURCE_Y + 40
            xdotool("mousemove", "--sync", start_x, start_y)
            time.sleep(0.2)
            xdotool("mousedown", 1)
            # Past GTK's drag threshold, then in steps onto the loader: each motion is an XDND
            # position message the loader answers.
            end_x, end_y = x + w // 2, y + hgt - 25
            for i in range(1, 13):
                xdotool("mousemove", start_x + (end_x - start_x) * i // 12, start_y + (end_y - start_y) * i // 12)
                probe(loader)
                time.sleep(0.05)
            time.sleep(0.4)
            xdotool("mouseup", 1)
            for _ in range(10):
                probe(loader)
                time.sleep(0.02)
            h.wait_until("the drop to ask the source for its data", lambda: said("sent"), 5.0)
            h.wait_until("the drag to end", lambda: said("ended"), 5.0)   # killed earlier, the data would not arrive
        finally:
            source.terminate()
            source.wait(5)

    def recent_combo(loader):
        return loader.widget("Recent files", Atspi.Role.COMBO_BOX)

    def pick_recent(loader, entry):
        combo = recent_combo(loader)
        items = h.combo_items(combo)
        h.check(entry in items, f"{entry!r} not in the Recent files combo: {items}")
        h.check(Atspi.Selection.select_child(combo, items.index(entry)), f"AT-SPI could not select {entry!r}")

    def entry(path):
        return f"{os.path.basename(path)} in {os.path.dirname(path)}"

    def dialogs(loader):
        app = h.app_for_pid(loader.pid)
        return [c for c in (app.get_child_at_index(i) for i in range(app.get_child_count()))
                if c is not None and c.get_role() == Atspi.Role.FILE_CHOOSER]

    def expect_status(loader, what, predicate, timeout=h.UPDATE_DEADLINE):
        return h.wait_text(what, loader.status, predicate, timeout)

    def test_loader_drop(t):
        """Real drops: a web link, two files and plain text each say why nothing was loaded and load
        nothing; a FIFO gets Other File…'s refusal; one local file is loaded as Other File… loads it
        and joins the Recent files (the refused ones do not)."""
        env = private_desktop(t)
        key = t.key()
        viewer = t.viewer(key)
        loader = t.loader(key, extra_env=env)
        data = "dropped from a file manager\n".encode()
        first = write(t, "docs", "dropped.txt", data)
        second = write(t, "docs", "other.txt", b"other\n")

        drop(t, loader, "--uris", "http://example.com/page.html")
        expect_status(loader, "the refusal of a web link",
                      lambda s: s.startswith("Unable to load the drop:") and "http://example.com/page.html" in s
                      and "not a file on this computer" in s)
        drop(t, loader, "--uris", uri(first), uri(second))
        expect_status(loader, "the refusal of two files", lambda s: "2 files were dropped" in s)
        drop(t, loader, "--text", "just some words")
        expect_status(loader, "the refusal of text", lambda s: "\"just some words\" is not a file" in s)
        fifo = os.path.join(t.tmp, "docs", "pipe")
        os.mkfifo(fifo)
        drop(t, loader, "--uris", uri(fifo))   # a local file, with the checks of Other File…
        expect_status(loader, "the FIFO refused as Other File… refuses it",
                      lambda s: s == "Unable to open file: pipe is a FIFO (named pipe), not a regular file", 3.0)
        time.sleep(0.3)   # GTK's "changed" for a recent file would come now
        h.check(h.text_of(viewer.text) == h.EMPTY_MESSAGE, "a refused drop loaded something")
        h.check(h.combo_items(recent_combo(loader)) == [], "a refused drop joined the Recent files")

        started = time.monotonic()
        drop(t, loader, "--uris", uri(first))
        h.expect_loaded(loader, viewer, "dropped.txt", data, started)
        h.wait_until("the dropped file in Recent files",
                     lambda: h.combo_items(recent_combo(loader)) == [entry(first)], 2.0)
        h.check(slowest[0] <= PROBE_LIMIT, f"the loader took {slowest[0] * 1000:.0f} ms to answer during a drag")
        return (f"web link, two files, text and a FIFO refused; one file loaded and listed; "
                f"slowest AT-SPI answer during the drags {slowest[0] * 1000:.1f} ms")

    def test_loader_recent_after_restart(t):
        """Two dropped files are in the desktop's recent files after a quit right after the drop
        (written on the way out) and a restart, newest first; one pick loads one again; a deleted one,
        picked, says it is gone and leaves the list."""
        env = private_desktop(t)
        key = t.key()
        viewer = t.viewer(key)
        loader = t.loader(key, extra_env=env)
        one = write(t, "docs", "one.txt", b"the first recent file\n")
        two = write(t, "docs", "two.txt", b"the second recent file\n")
        focus(loader)
        for path in (one, two):
            drop(t, loader, "--uris", uri(path))
            dropped = time.monotonic()
            expect_status(loader, f"{path} loaded", lambda s: s == f"Loaded file {os.path.basename(path)} to shared memory", 3.0)
        # At once: GtkRecentManager writes 250 ms after a change; the quit must write what is pending.
        xdotool("key", "--clearmodifiers", "ctrl+q")
        quit_after = time.monotonic() - dropped
        h.check(loader.exit_code() == 0, "the loader did not exit cleanly on Ctrl+Q")
        xbel = os.path.join(env["XDG_DATA_HOME"], "recently-used.xbel")
        h.check(os.path.exists(xbel), f"no {xbel} after the quit")
        with open(xbel) as f:
            saved = f.read()
        h.check(uri(one) in saved and uri(two) in saved, f"{xbel} lacks the dropped files: {h.short(saved)}")
        h.check('name="sharedmemory_loader"' in saved and 'type="text/plain"' in saved,
                f"{xbel} does not name the application or the MIME type: {h.short(saved)}")

        loader = t.loader(key, extra_env=env)   # the restart
        combo = recent_combo(loader)
        h.wait_until("both files in Recent files, newest first",
                     lambda: h.combo_items(combo) == [entry(two), entry(one)], 3.0)
        started = time.monotonic()
        pick_recent(loader, entry(one))
        h.expect_loaded(loader, viewer, "one.txt", b"the first recent file\n", started)

        os.unlink(two)
        pick_recent(loader, entry(two))
        status = expect_status(loader, "the gone recent file", lambda s: "is gone" in s)
        h.check(status.startswith("Unable to open file:") and two in status, f"status {status!r}")
        h.wait_until("the gone file to leave Recent files", lambda: h.combo_items(combo) == [entry(one)], 3.0)
        h.check(h.text_of(viewer.text) == "the first recent file\n", "the gone file changed the viewer")
        return (f"saved on a quit {quit_after * 1000:.0f} ms after the drop, listed after the restart, "
                "gone file said and removed")

    def test_loader_keyboard(t):
        """Keyboard only: the file list has the focus at start, Alt+F brings it back, Down loads the next file, Enter opens the list
        and Enter picks, F5 reloads (the generation moves), Ctrl+O opens the chooser and Escape
        closes it, Ctrl+O + a typed path loads a file, Alt+E reaches Recent files, Ctrl+Q quits."""
        env = private_desktop(t)
        outside = write(t, "home", "typed.txt", b"typed in the chooser\n")
        key = t.key()
        viewer = t.viewer(key)
        loader = t.loader(key, extra_env=env)
        names = sorted(os.listdir(h.ASSETS))
        focus(loader)

        # GTK 3's combo box does not report the focus of its inner button to AT-SPI: what the keys
        # do shows where the focus is. At start: in the file list.
        keys("Down")
        expect_status(loader, f"{names[0]} loaded by Down at start", lambda s: s == f"Loaded file {names[0]} to shared memory")
        keys("Tab", "alt+f", "Down")   # away to Reload, back with the mnemonic
        expect_status(loader, f"{names[1]} loaded by Alt+F, Down", lambda s: s == f"Loaded file {names[1]} to shared memory")
        keys("Return")   # pops the list up at the current entry
        time.sleep(0.3)
        keys("Down", "Return")
        expect_status(loader, f"{names[2]} picked with Enter", lambda s: s == f"Loaded file {names[2]} to shared memory")
        time.sleep(0.3)
        generation = h.framed_generation(key)
        keys("F5")
        h.wait_until("F5 to load again", lambda: h.framed_generation(key) == generation + 1, 2.0)

        keys("ctrl+o")
        h.wait_until("the file chooser", lambda: dialogs(loader), 3.0)
        keys("Escape")
        h.wait_until("the chooser to close", lambda: not dialogs(loader), 3.0)
        h.check(h.text_of(loader.status) == f"Loaded file {names[2]} to shared memory", "Escape changed the status")

        focus(loader)
        keys("ctrl+o")
        h.wait_until("the file chooser", lambda: dialogs(loader), 3.0)
        keys("ctrl+l")
        xdotool("type", "--delay", "30", outside)
        chooser = dialogs(loader)[0]

        texts = []

        def typed():   # the location entry holds the whole path before Enter accepts it
            texts[:] = [h.text_of(a) for a in h.walk(chooser) if a.get_role() == Atspi.Role.TEXT]
            return outside in texts
        try:
            h.wait_until("the typed path in the location entry", typed, 3.0)
        except h.TestFailure:
            raise h.TestFailure(f"the chooser's text fields hold {texts!r}, not {outside!r}") from None
        time.sleep(0.2)
        started = time.monotonic()
        keys("Return")
        h.expect_loaded(loader, viewer, "typed.txt", b"typed in the chooser\n", started)
        h.wait_until("the typed file in Recent files", lambda: h.combo_items(recent_combo(loader)) == [entry(outside)], 2.0)

        focus(loader)
        generation = h.framed_generation(key)
        keys("alt+e", "Down")   # the one recent entry, picked from the keyboard
        h.wait_until("Alt+E, Down to load the recent file again", lambda: h.framed_generation(key) == generation + 1, 2.0)
        h.check(h.text_of(loader.status) == "Loaded file typed.txt to shared memory", f"status {h.text_of(loader.status)!r}")
        keys("alt+f", "Down")   # the list's selection was cleared by the pick elsewhere: its first file
        expect_status(loader, f"{names[0]} loaded after Alt+F", lambda s: s == f"Loaded file {names[0]} to shared memory")
        shot = os.path.join(h.ROOT, "out", "loader-keyboard.png")
        os.makedirs(os.path.dirname(shot), exist_ok=True)
        x, y, w, hgt = h.extents(loader.frame)
        subprocess.run(["import", "-window", "root", "-crop", f"{w}x{hgt}+{x}+{y}", "+repage", shot],
                       capture_output=True, timeout=30)
        keys("alt+o")
        h.wait_until("Alt+O to open the chooser", lambda: dialogs(loader), 3.0)
        keys("Escape")
        h.wait_until("the chooser to close", lambda: not dialogs(loader), 3.0)
        focus(loader)
        keys("ctrl+q")
        h.check(loader.exit_code() == 0, "Ctrl+Q did not end the loader cleanly")
        return f"every step by keyboard; screenshot {shot}"

    def test_loader_accessible_names(t):
        """Every control of the loader has an accessible name and role, and a visible label."""
        env = private_desktop(t)
        key = t.key()
        t.viewer(key)
        loader = t.loader(key, extra_env=env)
        wanted = [("File", Atspi.Role.COMBO_BOX), ("Recent files", Atspi.Role.COMBO_BOX),
                  ("Reload", Atspi.Role.PUSH_BUTTON), ("Other file", Atspi.Role.PUSH_BUTTON),
                  ("Status", Atspi.Role.LABEL)]
        for name, role in wanted:
            h.check(h.find(loader.frame, name, role) is not None, f"no {role.value_nick} named {name!r}")
        labels = {a.get_name() for a in h.walk(loader.frame, max_depth=6) if a.get_role() == Atspi.Role.LABEL}
        for shown in ("File to load:", "Recent files:"):
            h.check(shown in labels, f"no visible label {shown!r}: {sorted(labels)}")
        for name, mnemonic in (("Reload", "<Alt>r"), ("Other file", "<Alt>o")):   # a label with a mnemonic, not only an icon
            button = h.find(loader.frame, name, Atspi.Role.PUSH_BUTTON)
            binding = Atspi.Action.get_key_binding(button, 0)
            h.check(mnemonic in binding.lower().replace("<alt>", "<Alt>"), f"the {name} button's mnemonic is {binding!r}, not {mnemonic}")
        for name in ("File", "Recent files"):   # the labels are tied to their combos (mnemonic widget)
            combo = h.find(loader.frame, name, Atspi.Role.COMBO_BOX)
            relations = [r.get_relation_type() for r in combo.get_relation_set()]
            h.check(Atspi.RelationType.LABELLED_BY in relations, f"the {name} combo has no label relation")
        return "names, roles, labels"

    def test_version_output(t):
        """--version of the three programs prints their name and the metainfo's newest release;
        --help is still GLib's (and lists --version); each manual page documents it."""
        with open(os.path.join(h.ROOT, "data", "org.sharedmemorygtk.Viewer.metainfo.xml")) as f:
            version = re.search(r'<release version="([^"]+)"', f.read()).group(1)
        for program in (h.VIEWER, h.LOADER, h.CTL):
            name = os.path.basename(program)
            r = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=20,
                               env=dict(os.environ, LC_ALL="C.UTF-8"))
            h.check(r.returncode == 0 and r.stdout == f"{name} {version}\n",
                    f"{name} --version: status {r.returncode}, {r.stdout!r} {r.stderr!r} (want {name} {version})")
            with open(os.path.join(h.ROOT, "data", "man", f"{name}.1")) as f:
                h.check("Fl -version" in f.read(), f"data/man/{name}.1 does not document --version")
        for program in (h.VIEWER, h.LOADER):
            r = subprocess.run([program, "--help"], capture_output=True, text=True, timeout=20,
                               env=dict(os.environ, LC_ALL="C.UTF-8"))
            h.check(r.returncode == 0 and "Help Options:" in r.stdout and "--version" in r.stdout,
                    f"{os.path.basename(program)} --help is not GLib's or lacks --version: {h.short(r.stdout)}")
        return f"version {version}"

    def test_loader_status_is_no_tab_stop(t):
        """Issue 23: Tab cycles through the loader's controls without stopping on the Status line,
        which used to select all of its text and keep the highlight after the focus moved on."""
        key = t.key()
        loader = t.loader(key)
        focus(loader)
        h.check(not loader.status.get_state_set().contains(Atspi.StateType.FOCUSABLE), "the Status line is a Tab stop")
        stops = []
        for _ in range(8):
            keys("Tab")
            time.sleep(0.1)
            h.check(not loader.status.get_state_set().contains(Atspi.StateType.FOCUSED), f"Tab stopped on the Status line after {stops}")
            h.check(Atspi.Text.get_n_selections(loader.status) == 0, "the Status line's text is selected")
            stops += [f"{a.get_role().value_nick} {a.get_name()!r}" for a in h.walk(loader.frame, max_depth=20)
                      if a.get_state_set().contains(Atspi.StateType.FOCUSED)]
        unnamed = [stop for stop in stops if stop.endswith("''")]
        h.check(not unnamed, f"Tab stops on something without a name: {unnamed}")
        return f"Tab stops: {', '.join(dict.fromkeys(stops))}"

    return [test_loader_drop, test_loader_recent_after_restart, test_loader_keyboard, test_loader_status_is_no_tab_stop,
            test_loader_accessible_names, test_version_output]
