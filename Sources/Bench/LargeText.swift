import Foundation
import Glibc
import SharedFile

/// An 8 MiB text file: time to the first screen and to the whole (capped) text, and the longest
/// main-loop gap meanwhile, from the viewer's trace lines (docs/PERFORMANCE.md, "Trace lines the
/// bench reads"); a viewer that does not print them gets the figure reported missing.
struct LargeText {
    let effort: Effort
    let workspace: Workspace
    let viewer: String

    static let bytes = 8 << 20
    /// How long after the render completed main-loop gaps are still counted (GTK lays the text out in idle).
    static let settleSeconds = 1.0

    func run() throws -> [Figure] {
        let name = try workspace.file(size: Self.bytes)
        var full: [Double] = []
        var firstScreen: [Double] = []
        var gaps: [Double] = []
        for _ in 0..<effort.largeTextRuns {
            let session = try ViewerSession(viewer: viewer, workspace: workspace, purpose: "large", size: Self.bytes + 320)
            session.collectEvents(for: 0.3)  // the window is up and idle
            session.events.removeAll()
            let end = try session.load(name)
            let render = try session.waitForRender()
            // The viewer's gap ticker runs until settleSeconds after the render and then prints its
            // event=ticks line: wait for that line (with a margin), not just the settle time.
            let wanted = String(session.generation)
            session.collectEvents(for: Self.settleSeconds + 2) { $0.event == "ticks" && $0.generation == wanted }
            session.child.terminate()
            guard let done = render.nanoseconds else { throw ViewerSession.Failure(description: "trace line without t_us") }
            full.append(Double(done - end) / 1e6)

            let generation = String(session.generation)
            if let first = session.events.first(where: { $0.event == "first-chunk" && $0.generation == generation }),
               let shown = first.nanoseconds {
                firstScreen.append(Double(shown - end) / 1e6)
            }
            // Either a max_gap_us on the render line, or event=ticks lines for this generation.
            let reported = [render.microseconds("max_gap_us")].compactMap { $0 }
                + session.events.filter { $0.generation == generation }.compactMap { $0.microseconds("max_gap_us") }
            if let longest = reported.max() { gaps.append(longest / 1000) }
        }

        // Baseline: the GTK-free part of the same render, decoding the 8 MiB snapshot for display.
        let payload = Snapshot(format: .framed, payload: Workspace.textBlock(count: Self.bytes), fileName: name,
                               originalSize: Self.bytes, loadTime: Date(), generation: 1)
        let decode = timeEach(repetitions: max(3, effort.largeTextRuns)) {
            _ = DisplayText(snapshot: payload, key: "k", segmentSize: Self.bytes + 320).text.utf8.count
        }
        let floor = Figure("large_decode_floor_ms", "same-run baseline: DisplayText of the 8 MiB snapshot, in-process",
                           unit: "ms", samples: decode.map { $0 / 1e6 })
        let missing = "the viewer printed no such trace line; see docs/PERFORMANCE.md, Trace lines the bench reads"
        return [
            floor,
            Figure("large_full_render_ms", "8 MiB file: loader write end to the whole shown text in the buffer",
                   unit: "ms", samples: full).against(floor),
            Figure("large_first_screen_ms", "8 MiB file: loader write end to the first chunk in the buffer (event=first-chunk)",
                   unit: "ms", samples: firstScreen, note: firstScreen.isEmpty ? missing : nil)
                .against(floor).target("<= 1000 ms") { $0.p95 <= 1000 },
            Figure("large_max_gap_ms", "8 MiB file: longest main-loop gap from the write to 1 s after the render (max_gap_us)",
                   unit: "ms", samples: gaps, note: gaps.isEmpty ? missing : nil)
                .against(floor).target("<= 100 ms") { $0.p95 <= 100 },
        ]
    }
}
