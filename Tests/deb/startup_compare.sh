#!/bin/bash
# Start-up of the packaged (static) programs against a dynamically linked release build, in one
# run: `sharedmemory-bench --startup` on each, alternating, ROUNDS times (figures, no verdict).
#
#   Tests/deb/startup_compare.sh PACKAGE.deb [DYNAMIC_BIN_DIR] [ROUNDS]
#
# DYNAMIC_BIN_DIR (default: `swift build -c release --show-bin-path`) holds sharedmemory,
# sharedmemory_loader and sharedmemory-bench of an ordinary `swift build -c release`; the package's
# programs are unpacked from the .deb (stripped, as installed). Without DISPLAY the bench starts
# its own Xvfb; BENCH names another sharedmemory-bench. Also prints each program's size in both builds.
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=${1:?usage: $0 PACKAGE.deb [DYNAMIC_BIN_DIR] [ROUNDS]}
dynamic=${2:-$(${SWIFT:-swift} build -c release --show-bin-path)}
rounds=${3:-2}
bench=${BENCH:-$dynamic/sharedmemory-bench}
[[ -x $bench && -x $dynamic/sharedmemory ]] || { echo "no release build in $dynamic (swift build -c release)" >&2; exit 1; }

unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
static=$unpacked/usr/bin

echo "package: $(basename "$deb") $(stat -c %s "$deb") bytes, installed size $(dpkg-deb -f "$deb" Installed-Size) KiB"
for program in sharedmemory sharedmemory_loader sharedmemory-ctl; do
  stripped=$(mktemp)
  strip -o "$stripped" "$dynamic/$program"
  echo "$program: static $(stat -c %s "$static/$program") bytes, dynamic $(stat -c %s "$stripped") bytes stripped"
  rm -f "$stripped"
done
runtime=$(ldd "$dynamic/sharedmemory" | awk '/libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime/ { print $3 }' | xargs stat -L -c %s | awk '{ sum += $1 } END { print sum }')
echo "the Swift runtime the dynamic build loads from the toolchain: $runtime bytes"

for round in $(seq "$rounds"); do
  for build in dynamic static; do
    dir=$dynamic; [[ $build == static ]] && dir=$static
    echo "=== round $round, $build: $dir"
    "$bench" --startup --viewer "$dir/sharedmemory" --loader "$dir/sharedmemory_loader" 2>&1 \
      | grep -E '^\| (figure|startup_)|mapped seen'
  done
done
