"""Waiting for the GUI: `wait_until` polls until a condition holds or its time is up;
`probe_worst` times probes of a window (each answered by its main loop)."""

import time

from harness import TestFailure


class Fatal(TestFailure):
    """A failure that no amount of waiting fixes (a process exited): wait_until re-raises it."""


def short(value, limit=300):
    r = repr(value)
    return r if len(r) <= limit else r[:limit] + f"... ({len(value)} chars)"


def wait_until(what, fn, timeout):
    """Polls fn() until it returns a truthy value; fails with the last value seen."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = fn()
        except Fatal:
            raise
        except Exception as e:  # an accessible that is not there yet, a process still starting
            last = e
        if last and not isinstance(last, Exception):
            return last
        if time.monotonic() >= deadline:
            raise TestFailure(f"timed out after {timeout:.1f}s waiting for {what}; last: {short(last)}")
        time.sleep(0.03)


def probe_worst(probes, seconds):
    """Runs every (what, read) AT-SPI probe (each answer comes from the app's GTK main loop) again
    and again for `seconds`; returns the slowest probe's time and name."""
    worst = (0.0, None)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for what, read in probes:
            started = time.monotonic()
            read()
            took = time.monotonic() - started
            if took > worst[0]:
                worst = (took, what)
        time.sleep(0.01)
    return worst
