#!/bin/bash
# Builds the fuzz harnesses from the model's own sources (one module, -O), into $1 (default
# .build-fuzz under the repository):  fuzz-loop (seeded random loop) and, when this toolchain has
# libFuzzer, fuzz-libfuzzer (swiftc -sanitize=fuzzer,address).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:-$root/.build-fuzz}"
mkdir -p "$out"
model=("$root"/Sources/SharedFile/{FramedHeader,HeaderProblem,SegmentContent,Snapshot,DisplayText,DisplayMap,SegmentFacts,LineFolding,ByteCount,ChangeDetector,CopyPreview,QtImageStream,ContentKind,DisplayName,RawFileName,ContentWindow}.swift)
# The seeded generator the unit tests use too.
model+=("$root"/Tests/TestSupport/SplitMix64.swift)
glib=()
for flag in $(pkg-config --cflags glib-2.0); do glib+=(-Xcc "$flag"); done
common=(-I "$root/Sources/CGLib" -I "$root/Sources/CIntl" "${glib[@]}" -module-name FuzzModel -parse-as-library)
newer() { [ ! -e "$1" ] || [ -n "$(find "${model[@]}" "$here"/*.swift -newer "$1" 2>/dev/null)" ]; }
if newer "$out/fuzz-loop"; then
  swiftc -O "${common[@]}" "${model[@]}" "$here/FuzzCore.swift" "$here/FuzzLoop.swift" -o "$out/fuzz-loop"
fi
if [ "${FUZZ_LIBFUZZER:-1}" = 1 ] && newer "$out/fuzz-libfuzzer"; then
  swiftc -O -sanitize=fuzzer,address "${common[@]}" "${model[@]}" "$here/FuzzCore.swift" "$here/FuzzEntry.swift" \
    -o "$out/fuzz-libfuzzer" 2>"$out/libfuzzer-build.log" || echo "libFuzzer build failed (see $out/libfuzzer-build.log)"
fi
