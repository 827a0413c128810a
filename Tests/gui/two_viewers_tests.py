"""Two viewers (issue 14): a second viewer of the same key says which viewer already shows it, instead of
attaching without a word (System V: the segment's creator; POSIX: the processes mapping it), until
that viewer ends."""

import os
import signal

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402


def make_tests(h):
    """The tests, given the runner module h (its helpers and Test)."""
    note = lambda pid: h.tr("another viewer (pid {pid}) already shows this key; both show the same segment", pid=pid)  # noqa: E731

    def second_viewer(t, key, *extra):
        app = h.App(t, "second viewer", [h.VIEWER, "--key", key, *extra], h.VIEWER_TITLE)
        t.apps.append(app)
        app.wait_frame()
        app.text = app.widget(h.tr("File content"), Atspi.Role.TEXT)
        app.info = app.widget(h.tr("Segment"), Atspi.Role.LABEL)
        return app

    def check_pair(t, key, first, second):
        info = h.wait_text("the second viewer's note", second.info, lambda s: note(first.pid) in s, 3.0)
        h.check(h.prefix("another viewer (pid {pid}) already shows this key; both show the same segment")
                not in h.text_of(first.info),
                f"the first viewer speaks of another one: {h.text_of(first.info)!r}")
        data = b"seen by both viewers\n"
        path = os.path.join(t.tmp, "both.txt")
        with open(path, "wb") as f:
            f.write(data)
        r = h.ctl("load", "--key", key, *getattr(first, "key_args", ()), path)
        h.check(r.returncode == 0, f"ctl load: {r.stderr or r.stdout}")
        for app in (first, second):
            h.wait_text(f"the {app.name} to show the load", app.text, lambda s: s == data.decode(), h.UPDATE_DEADLINE)
        h.wait_text("the note kept after a render", second.info,
                    lambda s: note(first.pid) in s and "both.txt" in s, h.UPDATE_DEADLINE)
        first.proc.send_signal(signal.SIGTERM)
        h.check(first.exit_code() == 0, f"the first viewer's exit status {first.proc.returncode}")
        h.wait_text("the note to go with the first viewer", second.info,
                    lambda s: note(first.pid) not in s and "both.txt" in s, 2.0)
        return info

    def test_second_viewer_names_the_first(t):
        """System V (the seed's legacy key): the second viewer names the first one's pid."""
        key = t.key()
        first = t.viewer(key)
        second = second_viewer(t, key)
        info = check_pair(t, key, first, second)
        return f"Segment line: {info!r}"

    def test_second_viewer_names_the_first_posix(t):
        """A POSIX key (Qt 6's default): the same, found by the processes that map the segment."""
        key = t.key()
        first = h.App(t, "viewer", [h.VIEWER, "--key", key, "--key-type", "posix"], h.VIEWER_TITLE)
        t.apps.append(first)
        first.wait_frame()
        first.text = first.widget(h.tr("File content"), Atspi.Role.TEXT)
        first.info = first.widget(h.tr("Segment"), Atspi.Role.LABEL)
        first.key_args = ("--key-type", "posix")
        empty = h.tr("nothing loaded yet")
        h.wait_text("the first viewer's empty segment", first.info, lambda s: s.endswith(empty), 3.0)
        second = second_viewer(t, key, "--key-type", "posix")
        info = check_pair(t, key, first, second)
        return f"Segment line: {info!r}"

    return [test_second_viewer_names_the_first, test_second_viewer_names_the_first_posix]
