#!/usr/bin/python3
"""How long GtkSourceView's highlighting blocks the viewer's main loop, by language and size: the
measurement behind the viewer's --highlight-limit default (docs/PERFORMANCE.md, "Issue 12").

For each kind of text and size, a fresh release viewer (--trace) gets the text through
`sharedmemory-ctl load`, with highlighting forced on (--highlight-limit 1 GB), the default (no option: JSON and Markdown
plain with line numbers, others highlighted up to 1 MiB) and off (0: no highlighting, no line numbers); the viewer's
trace gives the longest main-loop gap from the write to 1 s after the render, then Ctrl+End is pressed
(xdotool) and the trace gives the longest gap until 1.5 s after the first scroll. Run it under its own
X server and session bus:

    xvfb-run -n 81 -s "-screen 0 1600x1000x24" dbus-run-session -- \
        /usr/bin/python3 Tests/bench/highlight_sizes.py .build/release [runs [early]]

With "early", Ctrl+End is pressed as soon as the first chunk is on screen (the render gap then
includes the scroll, since the viewer's scroll watch starts only once a render settled).

Prints one Markdown table row per kind and size: median / worst over the runs, in ms.
"""

import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release"))
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
# "early": Ctrl+End as soon as the first chunk is on screen, before highlighting has gone far.
EARLY = len(sys.argv) > 3 and sys.argv[3] == "early"
SIZES = [int(k) << 10 for k in os.environ.get("HL_SIZES_KIB", "64,256,1024,2048,4096").split(",")]


def swift_source():
    """This project's Swift sources, one after the other: real code with comments and strings."""
    parts = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Sources", "**", "*.swift"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            parts.append(f.read())
    return "\n".join(parts)


def pretty_json():
    records = [{"id": i, "name": f"item-{i}", "tags": ["alpha", "beta"], "price": i % 997 + 0.5, "ok": i % 2 == 0}
               for i in range(20000)]
    return json.dumps(records, indent=2)


def minified_json():
    records = [{"id": i, "name": f"item-{i}", "tags": ["alpha", "beta"], "price": i % 997 + 0.5, "ok": True}
               for i in range(60000)]
    return json.dumps(records, separators=(",", ":"))


def markdown():
    return "".join(f"## Section {i}\n\nSome *emphasis*, **strong** text, `code` and a [link](https://example.org/{i}).\n\n"
                   f"- item one\n- item two\n\n```\ncode block {i}\n```\n\n" for i in range(40000))


KINDS = [("swift", "swift", swift_source), ("json (pretty)", "json", pretty_json),
         ("json (minified, one line)", "json", minified_json), ("markdown", "md", markdown)]


def sized(text, size):
    data = text.encode()
    while len(data) < size:
        data += b"\n" + data
    data = data[:size]
    while data and (data[-1] & 0xC0) == 0x80:
        data = data[:-1]
    return data


def trace_events(path):
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8", "replace").splitlines()
    events = []
    for line in lines:
        if "sharedmemory trace:" in line:
            events.append(dict(re.findall(r"(\w+)=(\S+)", line)))
    return events


def wait_for(path, predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [e for e in trace_events(path) if predicate(e)]
        if found:
            return found[-1]
        time.sleep(0.05)
    return None


def window_of(pid):
    r = subprocess.run(["xdotool", "search", "--pid", str(pid), "--name", "^Shared Memory$"],
                       capture_output=True, text=True)
    return r.stdout.split()[-1] if r.stdout.split() else None


def measure(tmp, name, data, limit):
    key = f"hl_{os.getpid()}_{int(time.monotonic() * 1000)}"
    log = os.path.join(tmp, key + ".log")
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    with open(log, "wb") as out:
        limit_args = [] if limit is None else ["--highlight-limit", str(limit)]
        viewer = subprocess.Popen([os.path.join(BIN, "sharedmemory"), "--key", key, "--trace", "--size",
                                   str(len(data) + 4096)] + limit_args,
                                  stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ, GDK_BACKEND="x11"))
    try:
        if not wait_for(log, lambda e: e.get("generation") == "0" and "render_us" in e, 20):
            return None, None
        time.sleep(0.3)
        subprocess.run([os.path.join(BIN, "sharedmemory-ctl"), "load", "--key", key, path],
                       capture_output=True, check=True, timeout=60)
        if EARLY:
            wait_for(log, lambda e: e.get("event") == "first-chunk" and e.get("generation") == "1", 60)
        else:
            wait_for(log, lambda e: e.get("event") == "ticks" and e.get("generation") == "1", 60)
        window = window_of(viewer.pid)
        if window:
            subprocess.run(["xdotool", "windowfocus", window, "key", "--clearmodifiers", "ctrl+End"],
                           capture_output=True)
        # Early, the scroll falls inside the render's gap watch (the viewer starts its scroll watch
        # only once a render settled): no scroll line comes.
        scroll = None if EARLY else wait_for(
            log, lambda e: e.get("event") == "ticks" and e.get("generation") == "scroll", 60)
        render = wait_for(log, lambda e: e.get("event") == "ticks" and e.get("generation") == "1", 60)
        return (int(render["max_gap_us"]) / 1000 if render else None,
                int(scroll["max_gap_us"]) / 1000 if scroll else None)
    finally:
        viewer.terminate()
        try:
            viewer.wait(5)
        except subprocess.TimeoutExpired:
            viewer.kill()


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    return f"{statistics.median(values):.0f} / {max(values):.0f}"


def main():
    print("| text | size | render gap, on | render gap, default | render gap, off | Ctrl+End gap, on | "
          "Ctrl+End gap, default | Ctrl+End gap, off |", flush=True)
    print("|---|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    with tempfile.TemporaryDirectory(prefix="highlight-sizes-") as tmp:
        wanted = os.environ.get("HL_KINDS")   # e.g. "swift,markdown": only these (first word of the label)
        for label, extension, make in KINDS:
            if wanted and label.split()[0] not in wanted.split(","):
                continue
            text = make()
            for size in SIZES:
                data = sized(text, size)
                results = {}
                # Runs of the three modes interleaved, so that the machine's load falls on all alike.
                for mode in ("on", "default", "off"):
                    results[mode] = ([], [])
                for _ in range(RUNS):
                    for limit, mode in ((1 << 30, "on"), (None, "default"), (0, "off")):
                        render, scroll = measure(tmp, f"sample.{extension}", data, limit)
                        results[mode][0].append(render)
                        results[mode][1].append(scroll)
                print(f"| {label} | {size >> 10} KiB | " + " | ".join(
                    summary(results[mode][i]) for i in (0, 1) for mode in ("on", "default", "off")) + " |", flush=True)


if __name__ == "__main__":
    main()
