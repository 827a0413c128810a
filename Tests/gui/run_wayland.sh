#!/bin/bash
# The GUI suite's Wayland run (issue 23): a headless Weston with a socket and runtime folder of its
# own, the apps on GDK's Wayland backend (no X display at all), the tests that need no X11
# (run_gui_tests.py's WAYLAND list, SHAREDMEMORY_GUI_BACKEND=wayland), in English, in a D-Bus
# session of their own. Usage: run_wayland.sh [PYTHON]
python=${1:-/usr/bin/python3}
here=$(dirname "$0")
command -v weston >/dev/null || { echo "weston not found: make test-deps installs it"; echo "0 passed, 1 failed"; exit 1; }
runtime=$(mktemp -d /tmp/gui-wayland-XXXXXX)   # mode 0700, as Weston wants its runtime folder
socket="wl-gui-$$"
XDG_RUNTIME_DIR=$runtime weston --backend=headless-backend.so --socket="$socket" --idle-time=0 \
  >"$runtime/weston.log" 2>&1 &
weston=$!
trap 'kill $weston 2>/dev/null; wait $weston 2>/dev/null; rm -rf "$runtime"' EXIT
for _ in $(seq 100); do [ -S "$runtime/$socket" ] && break; sleep 0.1; done
[ -S "$runtime/$socket" ] || { echo "Weston did not start:"; cat "$runtime/weston.log"; exit 1; }
echo "=== GUI tests under Wayland (headless Weston, $socket)"
env -u DISPLAY XDG_RUNTIME_DIR="$runtime" WAYLAND_DISPLAY="$socket" SHAREDMEMORY_GUI_BACKEND=wayland \
  dbus-run-session -- "$python" "$here/run_gui_tests.py"
