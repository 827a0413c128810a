#!/usr/bin/python3
"""Measures a GTK window's main-loop responsiveness the way a window manager does: _NET_WM_PING.

    xping.py WINDOW_ID [PERIOD_MS]

Sends a _NET_WM_PING client message to the window every PERIOD_MS (default 10) and waits for GDK's
answer (it sends the message back to the root window from its main loop); prints one line per ping,
`SENT_MONOTONIC LATENCY_SECONDS`, flushed, until stdin closes or it is killed. A ping unanswered for
5 s prints `SENT_MONOTONIC timeout`.

Why not AT-SPI: an AT-SPI client subscribes to the accessible events it caches, and a tree view with
thousands of rows floods it, so its own calls wait seconds while the application is idle. This probe
goes through the X server only; its latency is the time the main loop takes to get to the event
(plus two X round trips, well under a millisecond here).
"""

import ctypes
import os
import select
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pysupport"))
from xlib import XEvent, libx11  # noqa: E402

CLIENT_MESSAGE = 33
SUBSTRUCTURE_NOTIFY = 1 << 19


def main():
    window = int(sys.argv[1], 0)
    period = (int(sys.argv[2]) if len(sys.argv) > 2 else 10) / 1000
    x = libx11()
    if x is None:
        sys.exit("xping: libX11 not found")
    dpy = x.XOpenDisplay(None)
    if not dpy:
        sys.exit("xping: cannot open the display")
    root = x.XDefaultRootWindow(dpy)
    x.XSelectInput(dpy, root, SUBSTRUCTURE_NOTIFY)   # GDK sends the answer to the root window
    protocols = x.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    ping = x.XInternAtom(dpy, b"_NET_WM_PING", 0)
    fd = x.XConnectionNumber(dpy)
    serial = 0
    while True:
        serial += 1
        ev = XEvent()
        ev.xclient.type = CLIENT_MESSAGE
        ev.xclient.window = window
        ev.xclient.message_type = protocols
        ev.xclient.format = 32
        ev.xclient.data[0] = ping
        ev.xclient.data[1] = serial        # the "timestamp": GDK sends it back unchanged
        ev.xclient.data[2] = window
        sent = time.monotonic()
        x.XSendEvent(dpy, window, 0, 0, ctypes.byref(ev))
        x.XFlush(dpy)
        answered = None
        while answered is None and time.monotonic() - sent < 5:
            while x.XPending(dpy):
                got = XEvent()
                x.XNextEvent(dpy, ctypes.byref(got))
                c = got.xclient
                if got.type == CLIENT_MESSAGE and c.message_type == protocols and c.data[0] == ping and c.data[1] == serial:
                    answered = time.monotonic() - sent
            if answered is None:
                readable, _, _ = select.select([fd, sys.stdin], [], [], 0.05)
                if sys.stdin in readable and not sys.stdin.readline():
                    return
        print(f"{sent:.6f} {answered:.6f}" if answered is not None else f"{sent:.6f} timeout", flush=True)
        readable, _, _ = select.select([sys.stdin], [], [], period)
        if readable and not sys.stdin.readline():
            return


if __name__ == "__main__":
    main()
