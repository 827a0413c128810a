"""AT-SPI helpers: walk and find accessibles, read texts and wait for them, read the loader's combo,
type keys."""

import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

from harness import TestFailure, check  # noqa: E402
from waiting import short, wait_until  # noqa: E402


def walk(acc, depth=0, max_depth=12):
    yield acc
    if depth >= max_depth:
        return
    for i in range(acc.get_child_count()):
        child = acc.get_child_at_index(i)
        if child is not None:
            yield from walk(child, depth + 1, max_depth)


def dump_tree(acc, depth=0, max_depth=8, lines=None):
    lines = [] if lines is None else lines
    try:
        lines.append("  " * depth + f"[{acc.get_role_name()}] {acc.get_name()!r}")
        if depth < max_depth:
            for i in range(min(acc.get_child_count(), 40)):
                c = acc.get_child_at_index(i)
                if c is not None:
                    dump_tree(c, depth + 1, max_depth, lines)
    except Exception as e:
        lines.append("  " * depth + f"<{e}>")
    return lines


def app_for_pid(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def find(root, name, role):
    for acc in walk(root):
        if acc.get_role() == role and acc.get_name() == name:
            return acc
    return None


def text_of(acc):
    """The whole text of acc. The count and the text are two round trips: when the text changed in
    between (a status set by a load finishing on its own thread), read again."""
    while True:
        n = Atspi.Text.get_character_count(acc)
        text = Atspi.Text.get_text(acc, 0, n) if n > 0 else ""
        if Atspi.Text.get_character_count(acc) == n:
            return text


def wait_text(what, acc, pred, timeout):
    """Polls the Text interface of acc until pred(text); fails showing the last text read."""
    seen = []

    def probe():
        seen[:] = [text_of(acc)]
        return pred(seen[0])
    try:
        wait_until(what, probe, timeout)
    except TestFailure as e:
        raise TestFailure(f"{e}; text was {short(seen[0]) if seen else '(unreadable)'}") from None
    return seen[0]


def combo_items(combo):
    """The combo's top-level entries (a long list's group titles), from its menu or list popup."""
    popup = next((c for c in (combo.get_child_at_index(i) for i in range(combo.get_child_count()))
                  if c is not None and c.get_role() in (Atspi.Role.MENU, Atspi.Role.TABLE, Atspi.Role.TREE_TABLE)), None)
    check(popup is not None, "the File combo has no menu or list child")
    rows = (popup.get_child_at_index(i) for i in range(popup.get_child_count()))
    return [r.get_name() for r in rows if r is not None and r.get_role() != Atspi.Role.TABLE_COLUMN_HEADER]


def press(key_name):
    """Types one key (by X keysym name) into the focused window."""
    keysyms = {"End": 0xff57, "Escape": 0xff1b, "space": 0x20, "plus": 0x2b, "Return": 0xff0d, "ISO_Left_Tab": 0xfe20}
    Atspi.generate_keyboard_event(keysyms[key_name], None, Atspi.KeySynthType.SYM)


def combo_last_item(combo):
    """The name of the combo's last top-level row (one AT-SPI call, not one per row)."""
    popup = combo.get_child_at_index(0)
    last = popup.get_child_at_index(popup.get_child_count() - 1) if popup is not None else None
    return last.get_name() if last is not None else ""


def pick_last_of_last_group():
    """In the combo's popped-up list: the last group, opened, its last file, picked."""
    for key_name in ("End", "plus", "End", "Return"):
        press(key_name)
        time.sleep(0.05)


def extents(frame):
    e = Atspi.Component.get_extents(frame, Atspi.CoordType.SCREEN)
    return e.x, e.y, e.width, e.height


def file_dialog(loader):
    """Clicks "Other file" and returns the file chooser the loader opens."""
    check(Atspi.Action.do_action(loader.widget("Other file", Atspi.Role.PUSH_BUTTON), 0),
          "AT-SPI could not click Other file")
    found = []

    def dialog_up():
        app = app_for_pid(loader.pid)
        found[:] = [c for c in (app.get_child_at_index(i) for i in range(app.get_child_count()))
                    if c is not None and c.get_role() == Atspi.Role.FILE_CHOOSER]
        return bool(found)
    wait_until("the file dialog", dialog_up, 3.0)
    return found[0]
