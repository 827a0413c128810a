import Foundation
import Glibc

/// The hard-text family (issue 9): for each `HardCorpus`, the real viewer's first screen, full
/// render, longest main-loop gap, time to scroll to the end (Ctrl+End through xdotool) and the
/// longest gap meanwhile, and how long SIGTERM takes while a render runs. The baseline is the same
/// figure for 1 MiB of friendly 64-byte lines, measured in the same run.
struct HardText {
    let effort: Effort
    let workspace: Workspace
    let viewer: String
    /// The corpus files' extension: the viewer guesses the language to highlight from it (issue 12).
    var fileExtension = "txt"
    /// Extra viewer options (`--highlight-limit`).
    var viewerArguments: [String] = []
    /// Labels of the corpora to measure (all when empty); the friendly baseline always runs.
    var only: [String] = []

    /// A render not done by then is reported unfinished (the viewer is killed if SIGTERM fails).
    static let renderTimeout = 20.0
    static let xdotool = "/usr/bin/xdotool"

    func run() throws -> [Figure] {
        var figures: [Figure] = []
        var baseline: [String: Figure] = [:]
        for corpus in HardCorpus.all where only.isEmpty || corpus.label == "friendly_1m" || only.contains(corpus.label) {
            Bench.progress("  hard text: \(corpus.label)")
            let bytes = corpus.make()
            let name = "hard-\(corpus.label).\(fileExtension)"
            let path = workspace.directory.appendingPathComponent(name).path
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw Child.Failure(description: "cannot write \(path)")
            }
            var result = Samples()
            for _ in 0..<(effort.quick ? 1 : 3) { try measure(name, size: bytes.count, into: &result) }
            try measureClose(name, size: bytes.count, into: &result)
            let made = result.figures(corpus)
            figures += Self.relate(made, isBaseline: corpus.label == "friendly_1m", to: &baseline)
        }
        return figures
    }

    /// The baseline case's figures are kept by metric and returned as they are; any other case's
    /// are stated against the baseline's figure of the same metric (measured earlier in the run).
    static func relate(_ made: [Figure], isBaseline: Bool, to baseline: inout [String: Figure]) -> [Figure] {
        guard !isBaseline else {
            for figure in made { baseline[metric(of: figure.key)] = figure }
            return made
        }
        return made.map { $0.against(baseline[metric(of: $0.key)]) }
    }

    /// "hard_line_4m_first_screen_ms" -> "first_screen_ms".
    static func metric(of key: String) -> String {
        for metric in Samples.metrics.sorted(by: { $0.count > $1.count }) where key.hasSuffix(metric) { return metric }
        return key
    }

    /// One load into a fresh viewer: render, then Ctrl+End.
    private func measure(_ name: String, size: Int, into result: inout Samples) throws {
        let session = try ViewerSession(viewer: viewer, workspace: workspace, purpose: "hard", size: size + 320,
                                        extraArguments: viewerArguments)
        defer { if session.child.terminate() { result.killed += 1 } }
        session.collectEvents(for: 0.3)
        session.events.removeAll()
        let end = try session.load(name)
        let generation = String(session.generation)
        let render = try? session.waitForRender(timeout: Self.renderTimeout)
        // A text of one chunk is complete before its first paint: its first-chunk line follows the render line.
        if render != nil { session.collectEvents(for: LargeText.settleSeconds + 2) { $0.event == "ticks" && $0.generation == generation } }
        if let shown = session.events.first(where: { $0.event == "first-chunk" && $0.generation == generation })?.nanoseconds {
            result.firstScreen.append(Double(shown - end) / 1e6)
        }
        guard let render, let done = render.nanoseconds else { result.unfinished += 1; return }
        result.fullRender.append(Double(done - end) / 1e6)
        if let gap = session.events.last(where: { $0.event == "ticks" && $0.generation == generation })?.microseconds("max_gap_us") {
            result.maxGap.append(gap / 1000)
        }

        switch Self.ctrlEnd(session) {
        case .failed: result.noScroll += 1; return
        case let .measured(end, gap):
            if let gap { result.scrollGap.append(gap) }
            if let end { result.scrollEnd.append(end) } else { result.noScroll += 1 }
        }
    }

    /// SIGTERM 100 ms after the load, while the text is being inserted: time until the viewer exited.
    private func measureClose(_ name: String, size: Int, into result: inout Samples) throws {
        let session = try ViewerSession(viewer: viewer, workspace: workspace, purpose: "hardclose", size: size + 320,
                                        extraArguments: viewerArguments)
        _ = try session.load(name)
        sleepMilliseconds(100)
        let sent = monotonicNanoseconds()
        kill(session.pid, SIGTERM)
        let exited = session.child.waitForExit(timeout: 5)
        if exited { result.close.append(Double(monotonicNanoseconds() - sent) / 1e6) } else { result.closeFailed += 1 }
        if session.child.terminate() { result.killed += 1 }
    }

    /// Sends Ctrl+End to the viewer's window: focus it, then a real (XTEST) key press.
    /// What Ctrl+End measured: ms to the content's end on screen (nil: the trace never said so)
    /// and the longest main-loop gap after it (nil: no ticks line); `.failed`: no key was sent.
    enum CtrlEnd { case failed, measured(end: Double?, gap: Double?) }

    /// Ctrl+End, as a user would press it; the viewer traces reaching the end and the gaps meanwhile
    /// (it watches 1.5 s from the first scroll, then prints its ticks line).
    static func ctrlEnd(_ session: ViewerSession) -> CtrlEnd {
        let pressed = monotonicNanoseconds()
        guard pressCtrlEnd(pid: session.pid) else { return .failed }
        session.collectEvents(for: renderTimeout) { $0.event == "ticks" && $0.generation == "scroll" }
        let gap = session.events.last(where: { $0.event == "ticks" && $0.generation == "scroll" })?.microseconds("max_gap_us")
        let end = session.events.last(where: { $0.event == "scrolled-end" })?.nanoseconds
        return .measured(end: end.map { Double($0 - pressed) / 1e6 }, gap: gap.map { $0 / 1000 })
    }

    /// Presses `keys` in the viewer's window, then types `text` (xdotool, 12 ms between keys).
    static func typeIntoViewer(pid: pid_t, keys: [String], text: String) -> Bool {
        press(keys, inViewer: pid) && runCapturing(Self.xdotool, ["type", "--delay", "12", text]).status == 0
    }

    static func pressCtrlEnd(pid: pid_t) -> Bool { press(["ctrl+End"], inViewer: pid) }

    /// Focuses the viewer's window (found by its process and title) and presses `keys` there.
    private static func press(_ keys: [String], inViewer pid: pid_t) -> Bool {
        guard let window = viewerWindow(pid: pid) else { return false }
        return runCapturing(Self.xdotool, ["windowfocus", window, "key", "--clearmodifiers"] + keys).status == 0
    }

    /// Resizes the viewer's window, as a window manager would.
    static func resizeViewer(pid: pid_t, width: Int, height: Int) -> Bool {
        guard let window = viewerWindow(pid: pid) else { return false }
        return runCapturing(Self.xdotool, ["windowsize", window, String(width), String(height)]).status == 0
    }

    /// The X window of the viewer's main window (found by its process and title).
    private static func viewerWindow(pid: pid_t) -> String? {
        let search = runCapturing(Self.xdotool, ["search", "--pid", String(pid), "--name", "^Shared Memory$"])
        guard search.status == 0 else { return nil }
        return search.output.split(separator: "\n").last.map(String.init)
    }
}

/// What the runs of one corpus measured, in milliseconds, and how many runs missed a figure.
private struct Samples {
    /// The metrics a case's figure is related to the baseline case's by (`relate`): the longest
    /// that ends a key wins, so the whole-text family's search gap is not its render gap.
    static let metrics = ["first_screen_ms", "full_render_ms", "max_gap_ms", "scroll_end_ms", "scroll_max_gap_ms", "sigterm_exit_ms",
                          "search_max_gap_ms", "resize_max_gap_ms"]
    var firstScreen: [Double] = [], fullRender: [Double] = [], maxGap: [Double] = []
    var scrollEnd: [Double] = [], scrollGap: [Double] = [], close: [Double] = []
    var unfinished = 0, noScroll = 0, closeFailed = 0, killed = 0

    func figures(_ corpus: HardCorpus) -> [Figure] {
        let key = "hard_\(corpus.label)_"
        let slow = unfinished > 0 ? "\(unfinished) render(s) unfinished after \(Int(HardText.renderTimeout)) s" : nil
        let stuck = closeFailed > 0 ? "\(closeFailed) viewer(s) still running 5 s after SIGTERM" : nil
        let noEnd = noScroll > 0 ? "\(noScroll) run(s) without event=scrolled-end: the view settled short of the end "
            + "(GTK's estimated line heights), or no scroll trace in this viewer" : nil
        return [
            Figure(key + "first_screen_ms", "\(corpus.title): write end to the first chunk painted", unit: "ms",
                   samples: firstScreen, note: slow).target("<= 300 ms (1 s hard)") { $0.p95 <= 300 },
            Figure(key + "full_render_ms", "\(corpus.title): write end to the whole text in the buffer", unit: "ms",
                   samples: fullRender, note: slow),
            Figure(key + "max_gap_ms", "\(corpus.title): longest main-loop gap, render + 1 s", unit: "ms",
                   samples: maxGap, note: slow).target("<= 50 ms (100 ms hard)") { $0.p95 <= 50 },
            Figure(key + "scroll_end_ms", "\(corpus.title): Ctrl+End to the view at the end", unit: "ms",
                   samples: scrollEnd, note: noEnd),
            Figure(key + "scroll_max_gap_ms", "\(corpus.title): longest main-loop gap, Ctrl+End + 1.5 s", unit: "ms",
                   samples: scrollGap).target("<= 50 ms (100 ms hard)") { $0.p95 <= 50 },
            Figure(key + "sigterm_exit_ms", "\(corpus.title): SIGTERM 100 ms into the render to exit", unit: "ms",
                   samples: close, note: stuck ?? (killed > 0 ? "\(killed) viewer(s) needed SIGKILL" : nil))
                .target("<= 1000 ms") { $0.p95 <= 1000 },
        ]
    }
}
