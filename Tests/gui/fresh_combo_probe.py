#!/usr/bin/python3
"""fresh_combo_probe.py PID NAME: prints the last top-level row of the combo box NAME in the
application of PID, read by this new AT-SPI client (big_folder_tests.py says why)."""

import sys

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402


def main():
    pid, name = int(sys.argv[1]), sys.argv[2]
    desktop = Atspi.get_desktop(0)
    apps = (desktop.get_child_at_index(i) for i in range(desktop.get_child_count()))
    app = next((a for a in apps if a is not None and a.get_process_id() == pid), None)
    stack = [app] if app is not None else []
    while stack:
        acc = stack.pop()
        if acc.get_role() == Atspi.Role.COMBO_BOX and acc.get_name() == name:
            popup = acc.get_child_at_index(0)
            last = popup.get_child_at_index(popup.get_child_count() - 1) if popup is not None else None
            print(last.get_name() if last is not None else "")
            return
        if acc.get_role() not in (Atspi.Role.TABLE, Atspi.Role.TREE_TABLE, Atspi.Role.TEXT):  # rows are not searched
            stack.extend(c for c in (acc.get_child_at_index(i) for i in range(acc.get_child_count())) if c is not None)


if __name__ == "__main__":
    main()
