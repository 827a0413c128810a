import Foundation
import Glibc
import SharedFile

/// Change-to-display latency: from the end of a loader write (FileLoader.loadFile returned) to the
/// viewer's trace line saying the text buffer holds the new content.
struct ViewerLatency {
    let effort: Effort
    let workspace: Workspace
    let viewer: String

    func run() throws -> [Figure] {
        var figures: [Figure] = []
        let cases: [(label: String, bytes: Int, samples: Int, size: Int?)] = [
            ("10k", 10 << 10, effort.latencySamples10K, nil),              // the viewer's default segment size
            // Issue 9: 10 KiB on one line (folded for display) must be as quick as friendly text.
            ("10k_line", 10 << 10, effort.latencySamples10K, nil),
            ("1m", 1 << 20, effort.latencySamples1M, (1 << 20) + 320),     // room for the whole 1 MiB
        ]
        for item in cases {
            let oneLine = item.label.hasSuffix("_line")
            let name = oneLine ? try workspace.oneLineFile(size: item.bytes) : try workspace.file(size: item.bytes)
            // The viewer does not insert the same file's same bytes again (issue 12): alternate with
            // a file one byte shorter, so that every load is a real render.
            let names = [name, oneLine ? try workspace.oneLineFile(size: item.bytes - 1) : try workspace.file(size: item.bytes - 1)]
            let floor = try baseline(name: name, samples: item.samples, size: item.size ?? (1 << 20))
            let floorFigure = Figure("latency_floor_\(item.label)_ms",
                                     "same-run baseline: in-process SegmentReader poller, same period, no GTK (\(item.label))",
                                     unit: "ms", samples: floor)

            let session = try ViewerSession(viewer: viewer, workspace: workspace, purpose: "latency", size: item.size)
            var latencies: [Double] = []
            var renders: [Double] = []
            for sample in 0..<item.samples {
                // A random pause so writes land at every phase of the viewer's poll timer.
                sleepMilliseconds(Double.random(in: 0...(2 * viewerPollMilliseconds)))
                let end = try session.load(names[sample % 2])
                let trace = try session.waitForRender()
                guard let shown = trace.nanoseconds else { throw ViewerSession.Failure(description: "trace line without t_us") }
                latencies.append(Double(shown - end) / 1e6)
                if let render = trace.microseconds("render_us") { renders.append(render / 1000) }
            }
            session.child.terminate()

            let render = Figure("render_\(item.label)_ms", "viewer render time from its trace (render_us: poll start on the reader's thread to text in buffer), \(item.label)",
                                unit: "ms", samples: renders,
                                note: renders.isEmpty ? "the viewer's render trace line has no render_us field" : nil)
                .against(floorFigure)
            var latency = Figure("latency_\(item.label)_ms", "change-to-display latency in the real viewer, \(item.label)",
                                 unit: "ms", samples: latencies).against(floorFigure)
            if item.label.hasPrefix("10k") {
                latency = latency.target("p95 <= 50 ms") { $0.p95 <= 50 }
            } else if let renderP95 = render.summary?.p95 {
                let limit = viewerPollMilliseconds + renderP95
                latency = latency.target(String(format: "p95 <= %.0f ms period + %.1f ms render p95", viewerPollMilliseconds, renderP95)) {
                    $0.p95 <= limit
                }
            }
            figures += [floorFigure, latency, render]
        }
        return figures
    }

    /// The same writes, read by the in-process poller.
    private func baseline(name: String, samples: Int, size: Int) throws -> [Double] {
        let poller = BaselinePoller(key: workspace.newKey("floor"), size: size)
        try poller.start()
        defer { poller.stop() }
        let loader = FileLoader(key: poller.key, assetsDirectory: workspace.directory)
        var latencies: [Double] = []
        for generation in 1...UInt64(samples) {
            sleepMilliseconds(Double.random(in: 0...(2 * viewerPollMilliseconds)))
            loader.loadFile(name)
            let end = monotonicNanoseconds()
            try loader.checkLoaded()
            guard let shown = poller.waitForRender(generation, timeout: 10) else {
                throw Child.Failure(description: "baseline poller missed generation \(generation)")
            }
            latencies.append(Double(shown - end) / 1e6)
        }
        return latencies
    }
}
