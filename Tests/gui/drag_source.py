#!/usr/bin/python3
"""A tiny GTK 3 drag source for the loader's drop tests (loader_keyboard_tests.py).

    drag_source.py X Y --uris URI...     offers text/uri-list (what a file manager offers)
    drag_source.py X Y --text TEXT       offers plain text only

Shows a 160x80 button at (X, Y) of the screen (no window manager: the position holds) and prints
`ready` once it is mapped, `sent` when a drop asked it for its data and `ended` when the drag is
over (the data handed over: end the process only then).
"""
import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402

x, y, kind, values = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
window = Gtk.Window(title="drag source")
window.set_default_size(160, 80)
window.move(x, y)
button = Gtk.Button(label="drag me")
button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
if kind == "--uris":
    button.drag_source_add_uri_targets()
else:
    button.drag_source_add_text_targets()


def data_get(_widget, _context, data, _info, _time):
    if kind == "--uris":
        data.set_uris(values)
    else:
        data.set_text(" ".join(values), -1)
    print("sent", flush=True)


button.connect("drag-data-get", data_get)
button.connect("drag-end", lambda *_: print("ended", flush=True))   # the target finished (XdndFinished)
window.add(button)
window.connect("map-event", lambda *_: print("ready", flush=True))
window.connect("destroy", Gtk.main_quit)
window.show_all()
Gtk.main()
