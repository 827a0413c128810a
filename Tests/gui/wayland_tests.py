"""Wayland (issue 23, item 9), GNOME's default session. Both windows run under a private headless
Weston (`weston --backend=headless-backend.so`); when the compositor goes away (a crash, a
logout) they detach as they do when the X display is lost: each says so, exits 1, and the
segment, its semaphore and both key files are gone. The suite's own Wayland run
(run_wayland.sh) uses another compositor: this test kills its own.
`make_tests(h)` takes the GUI helpers (guitest.py) and returns the tests."""

import os
import shutil
import signal
import subprocess
import time

LOST = "lost the connection to the display; detaching from the segment"


def make_tests(h):

    def start_weston(t):
        """A headless Weston on a socket of its own, in a runtime folder of its own."""
        weston = shutil.which("weston")
        h.check(weston, "weston is not installed (make test-deps installs it)")
        runtime = os.path.join(t.tmp, "runtime")
        os.makedirs(runtime, mode=0o700)
        socket = f"wl-guitest-{os.getpid()}"
        log = open(os.path.join(t.tmp, "weston.log"), "wb")
        proc = subprocess.Popen([weston, "--backend=headless-backend.so", f"--socket={socket}", "--idle-time=0"],
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env=dict(os.environ, XDG_RUNTIME_DIR=runtime))
        h.wait_until("Weston's socket", lambda: os.path.exists(os.path.join(runtime, socket)) or proc.poll() is not None, 10.0)
        h.check(proc.poll() is None, f"weston exited: {open(log.name, 'rb').read().decode(errors='replace')[-500:]}")
        return proc, {"GDK_BACKEND": "wayland", "WAYLAND_DISPLAY": socket, "XDG_RUNTIME_DIR": runtime}

    def test_compositor_lost(t):
        """Viewer and loader under Weston, a file loaded; Weston killed: both exit 1 after saying
        so, and nothing of the segment is left."""
        weston, env = start_weston(t)
        try:
            key = t.key()
            viewer = t.viewer(key, extra_env=env)
            loader = t.loader(key, extra_env=env)
            name = h.combo_items(loader.combo)[0]
            with open(os.path.join(h.ASSETS, name), "rb") as f:
                data = f.read()
            started = time.monotonic()
            t.pick(loader, name)
            h.expect_loaded(loader, viewer, name, data, started)
            ids = h.assert_resources_present(key)
            weston.send_signal(signal.SIGKILL)   # a crash: no goodbye to the clients
            weston.wait(5)
            for app in (viewer, loader):
                status = app.exit_code()
                h.check(status == 1, f"the {app.name} exited with {status} when the compositor died")
                h.check(LOST in app.log_text(), f"the {app.name} did not say it lost the display: {app.log_text()[-300:]!r}")
            h.assert_resources_gone(key, ids)
        finally:
            if weston.poll() is None:
                weston.kill()
                weston.wait(5)
        return "both exited 1 after saying so; segment, semaphore and key files gone"

    return [test_compositor_lost]
