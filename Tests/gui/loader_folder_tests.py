"""The loader's file list and its other ways to a file: Reload, files added to or removed from the
assets folder, a picked file deleted, the folder deleted and made again, and Other File… (GTK's own
file dialog, so English only). Plain test functions; run_gui_tests.py lists them."""

import os
import shutil
import time

from apps import EMPTY_MESSAGE, UPDATE_DEADLINE
from atspi import Atspi, app_for_pid, combo_items, file_dialog, find, text_of, wait_text
from content import expect_loaded, pick_and_expect
from files import framed_generation
from harness import check
from l10n import prefix, tr
from waiting import wait_until


def test_reload_and_folder_changes(t):
    """Reload loads the picked file again (picking the same entry emits nothing); files added to or
    removed from the assets folder appear in or leave the list, without a load and keeping the pick."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    note = os.path.join(assets, "note.txt")
    with open(note, "w") as f:
        f.write("first version\n")
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    pick_and_expect(t, loader, viewer, "note.txt", b"first version\n")

    with open(note, "w") as f:
        f.write("second version\n")
    reload_button = loader.widget(tr("Reload"), Atspi.Role.PUSH_BUTTON)
    started = time.monotonic()
    check(Atspi.Action.do_action(reload_button, 0), "AT-SPI could not click Reload")
    remaining = max(0.05, started + UPDATE_DEADLINE - time.monotonic())
    wait_text("the viewer to show the reloaded file", viewer.text, lambda s: s == "second version\n", remaining)

    generation_before = framed_generation(key)
    check(generation_before == 2, f"two loads should give generation 2, the header says {generation_before}")
    with open(os.path.join(assets, "added later.txt"), "w") as f:
        f.write("new\n")
    wait_until("the new file in the list", lambda: "added later.txt" in combo_items(loader.combo), 3.0)
    check(combo_items(loader.combo) == ["added later.txt", "note.txt"], f"list is {combo_items(loader.combo)}")
    check(Atspi.Selection.is_child_selected(loader.combo, 1), "the pick was lost when the list was refreshed")
    os.unlink(os.path.join(assets, "added later.txt"))
    wait_until("the removed file to leave the list", lambda: combo_items(loader.combo) == ["note.txt"], 3.0)
    time.sleep(0.3)  # give a wrong load time to happen
    check(framed_generation(key) == generation_before, "refreshing the list loaded the file again")


def test_reload_after_the_file_was_deleted(t):
    """Reload after the picked file was deleted says the file is gone, not "Pick a file first"."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    for name in ("gone.txt", "stays.txt"):
        with open(os.path.join(assets, name), "w") as f:
            f.write(name + "\n")
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    pick_and_expect(t, loader, viewer, "gone.txt", b"gone.txt\n")
    os.unlink(os.path.join(assets, "gone.txt"))
    wait_until("the deleted file to leave the list", lambda: combo_items(loader.combo) == ["stays.txt"], 3.0)
    reload_button = loader.widget(tr("Reload"), Atspi.Role.PUSH_BUTTON)
    check(Atspi.Action.do_action(reload_button, 0), "AT-SPI could not click Reload")
    wait_text("the file-gone status", loader.status,
              lambda s: s == tr("Unable to open file: {reason}", reason="gone.txt: " + os.strerror(2) + " (ENOENT)"), 2.0)
    check(text_of(viewer.text) == "gone.txt\n", "the failed reload changed the viewer")


def test_assets_folder_made_again(t):
    """The assets folder deleted and made again: the list follows it without a restart."""
    assets = os.path.join(t.tmp, "assets")
    os.makedirs(assets)
    with open(os.path.join(assets, "before.txt"), "w") as f:
        f.write("before\n")
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, assets)
    check(combo_items(loader.combo) == ["before.txt"], f"combo lists {combo_items(loader.combo)}")
    shutil.rmtree(assets)
    wait_text("the listing failure", loader.status,
              lambda s: s.startswith(prefix("Unable to list files: {reason}\nPass an existing folder with --assets DIR.")), 3.0)
    wait_until("the empty list", lambda: combo_items(loader.combo) == [], 2.0)
    os.makedirs(assets)
    with open(os.path.join(assets, "after.txt"), "w") as f:
        f.write("after\n")
    wait_until("the made-again folder's file", lambda: combo_items(loader.combo) == ["after.txt"], 3.0)
    with open(os.path.join(assets, "later.txt"), "w") as f:
        f.write("later\n")
    wait_until("a file added to the new folder", lambda: combo_items(loader.combo) == ["after.txt", "later.txt"], 3.0)
    started = time.monotonic()
    t.pick(loader, "later.txt")
    expect_loaded(loader, viewer, "later.txt", b"later\n", started)


def test_other_file_pick(t):
    """Other File… loads a file from outside the assets folder, picked in the desktop's dialog;
    Cancel loads nothing."""
    home = os.path.join(t.tmp, "home")
    os.makedirs(home)
    data = "picked explicitly, from outside the assets folder\n".encode()
    with open(os.path.join(home, "outside.txt"), "wb") as f:
        f.write(data)
    key = t.key()
    viewer = t.viewer(key)
    loader = t.loader(key, extra_env={"HOME": home})   # the dialog opens in the home folder
    before = text_of(loader.status)

    dialog = file_dialog(loader)
    check(Atspi.Action.do_action(find(dialog, "Cancel", Atspi.Role.PUSH_BUTTON), 0), "could not click Cancel")
    wait_until("the dialog to close", lambda: find(app_for_pid(loader.pid), "Cancel", Atspi.Role.PUSH_BUTTON) is None, 3.0)
    check(text_of(loader.status) == before, f"Cancel changed the status: {text_of(loader.status)!r}")
    check(text_of(viewer.text) == EMPTY_MESSAGE, "Cancel loaded something")

    dialog = file_dialog(loader)
    table = find(dialog, "Files", Atspi.Role.TABLE)
    check(table is not None, "the dialog has no Files table")
    rows = []

    def names(cell):  # the Name cell holds an icon cell and a text cell
        return [cell.get_name()] + [cell.get_child_at_index(i).get_name() for i in range(cell.get_child_count())]

    def listed():
        rows[:] = [r for r in range(Atspi.Table.get_n_rows(table))
                   if "outside.txt" in names(Atspi.Table.get_accessible_at(table, r, 0))]
        return bool(rows)
    wait_until("outside.txt in the dialog", listed, 3.0)
    # Activating a file's row (what a double click does) accepts the dialog with that file.
    cell = Atspi.Table.get_accessible_at(table, rows[0], 0)
    actions = [cell.get_action_name(i) for i in range(Atspi.Action.get_n_actions(cell))]
    check("activate" in actions, f"the row of outside.txt has no activate action: {actions}")
    started = time.monotonic()
    check(Atspi.Action.do_action(cell, actions.index("activate")), "could not activate outside.txt")
    expect_loaded(loader, viewer, "outside.txt", data, started)
