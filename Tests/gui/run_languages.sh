#!/bin/bash
# The GUI suite once per language of $GUI_LANGUAGES (default "en de"), on the X display this runs
# under (one xvfb-run for all: a second Xvfb on the same display number can fail to start while the
# first one's lock is still there), each in its own D-Bus session. Usage: run_languages.sh [PYTHON]
python=${1:-/usr/bin/python3}
here=$(dirname "$0")
failed=()
for lang in ${GUI_LANGUAGES:-en de}; do
  echo "=== GUI tests, language $lang"
  SHAREDMEMORY_GUI_LANGUAGE=$lang dbus-run-session -- "$python" "$here/run_gui_tests.py" || failed+=("$lang")
done
if (( ${#failed[@]} )); then
  echo "GUI tests failed in: ${failed[*]}"
  exit 1
fi
