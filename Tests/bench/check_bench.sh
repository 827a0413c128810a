#!/usr/bin/env bash
# Checks that sharedmemory-bench runs and prints every figure with a numeric median and p95.
# It never judges the figures themselves: benchmarks are not timed assertions.
#
#   Tests/bench/check_bench.sh [BIN_DIR]
#
# BIN_DIR holds sharedmemory-bench, sharedmemory and sharedmemory_loader (default: the output of
# `swift build $SWIFT_BUILD_FLAGS --show-bin-path`). Without DISPLAY the bench runs itself under
# xvfb-run. Set BENCH_SKIP_GUI=1 to check only the library figures.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-/usr/bin/python3}
bin_dir=${1:-$(${SWIFT:-swift} build ${SWIFT_BUILD_FLAGS:-} --show-bin-path)}
bench="$bin_dir/sharedmemory-bench"
[[ -x "$bench" ]] || { echo "check_bench: $bench not found; build it first (swift build ${SWIFT_BUILD_FLAGS:-})" >&2; exit 1; }

library_keys=(
  semop_pair_ns lock_pair_ns
  memcpy_4k_gbps memcpy_1m_gbps memcpy_64m_gbps
  load_4k_gbps load_1m_gbps load_64m_gbps
  load_single_4k_gbps load_single_1m_gbps load_single_64m_gbps
  file_read_4k_gbps file_read_1m_gbps file_read_64m_gbps
  segment_write_4k_gbps segment_write_1m_gbps segment_write_64m_gbps
  reader_changed_4k_gbps reader_changed_1m_gbps reader_changed_64m_gbps
  poll_unchanged_ns display_text_1m_gbps search_64m_gbps search_64m_caseless_gbps
  cp_shm_64m_ms ctl_load_64m_ms
)
gui_keys=(
  latency_floor_10k_ms latency_10k_ms render_10k_ms
  latency_floor_10k_line_ms latency_10k_line_ms render_10k_line_ms
  latency_floor_1m_ms latency_1m_ms render_1m_ms
  idle_floor_cpu_percent idle_cpu_percent idle_renders_per_min
  large_decode_floor_ms large_full_render_ms large_first_screen_ms large_max_gap_ms
  startup_viewer_help_ms startup_viewer_mapped_ms startup_viewer_first_render_ms
  startup_loader_help_ms startup_loader_mapped_ms
  rss_empty_1m_mib rss_peak_1m_mib rss_shmem_1m_mib private_growth_1m_payloads
  rss_empty_64m_mib rss_peak_64m_mib rss_shmem_64m_mib private_growth_64m_payloads
  rss_growth_per_load_kib rss_growth_per_load_payloads
  picture_floor_gap_ms picture_6000_max_gap_ms picture_6000_shown_ms picture_6000_decode_ms picture_6000_rss_peak_mib
)

args=(--quick --json --viewer "$bin_dir/sharedmemory" --loader "$bin_dir/sharedmemory_loader")
keys=("${library_keys[@]}")
if [[ "${BENCH_SKIP_GUI:-0}" == 1 ]]; then
  args+=(--skip-gui)
else
  keys+=("${gui_keys[@]}")
fi

output=$(mktemp)
trap 'rm -f "$output"' EXIT
status=0
"$bench" "${args[@]}" >"$output" || status=$?

"$PYTHON" - "$output" "$status" "${keys[@]}" <<'EOF'
import json, math, sys
path, status, keys = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
try:
    report = json.load(open(path))
except ValueError as error:
    sys.exit(f"check_bench: the bench (exit status {status}) did not print JSON: {error}")
figures = report.get("figures", {})
bad = []
for key in keys:
    figure = figures.get(key)
    if figure is None:
        bad.append(f"{key}: missing")
        continue
    for field in ("median", "p95"):
        value = figure.get(field)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            bad.append(f"{key}: {field} is {value!r}" + (f" ({figure['note']})" if figure.get("note") else ""))
for failure in [v for k, v in report.get("environment", {}).items() if k.startswith("failed")]:
    bad.append(f"group failed: {failure}")
if status != 0:
    bad.append(f"the bench exited with status {status}")
if bad:
    print("check_bench: FAILED", *bad, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"check_bench: all {len(keys)} figures printed with a numeric median and p95")
EOF
