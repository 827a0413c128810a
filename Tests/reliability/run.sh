#!/bin/bash
# The reliability suite, bounded (make test) or with --full (make reliability). See run.py.
#   SHAREDMEMORY_BIN_DIR=... Tests/reliability/run.sh [--full] [--no-gui]
exec /usr/bin/python3 "$(dirname "$0")/run.py" "$@"
