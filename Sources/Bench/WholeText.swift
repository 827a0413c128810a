import Foundation
import Glibc
import SharedFile

/// All of the content at any size (issue 18 item 3): the real viewer given 64 MiB of 64-byte lines,
/// one line of 100 MiB and, when asked (`--whole-text-mib`), a larger text of 64-byte lines. For
/// each: the first screen after the load, the longest main-loop gap while it is shown, Ctrl+End to
/// the content's last line and the longest gap meanwhile, and how much the viewer's resident memory
/// grew over the content's size. The baseline is the same figures for 10 KiB of lines in the same run.
struct WholeText {
    let effort: Effort
    let workspace: Workspace
    let viewer: String
    /// MiB of 64-byte lines measured besides the default cases (0: none).
    var largeMiB = 0

    private struct Case {
        let label: String
        let title: String
        let name: String
        let bytes: Int
    }

    func run() throws -> [Figure] {
        var cases = [
            Case(label: "10k", title: "10 KiB of 64-byte lines", name: try workspace.file(size: 10 << 10), bytes: 10 << 10),
            Case(label: "64m", title: "64 MiB of 64-byte lines", name: try workspace.file(size: 64 << 20), bytes: 64 << 20),
            Case(label: "line_100m", title: "one line of 100 MiB", name: try workspace.oneLineFile(size: 100 << 20), bytes: 100 << 20),
        ]
        if largeMiB > 0 {
            // The segment holds at most 1 GiB, its header included.
            let bytes = min(largeMiB << 20, (1 << 30) - 4096)
            cases.append(Case(label: "\(largeMiB)m", title: "\(largeMiB) MiB of 64-byte lines",
                              name: try workspace.file(size: bytes), bytes: bytes))
            // The bad input of issue 18: one byte, NULs (binary: the hex view), invalid UTF-8, `\r` only.
            for (byte, label, what) in [(UInt8(ascii: "a"), "a", "one letter"), (0, "nul", "NULs"),
                                        (0xFF, "ff", "0xFF (invalid UTF-8)"), (UInt8(ascii: "\r"), "cr", "\\r only")] {
                cases.append(Case(label: "\(largeMiB)m_\(label)", title: "\(largeMiB) MiB of \(what)",
                                  name: try workspace.repeatedByteFile(byte, size: bytes), bytes: bytes))
            }
        }
        var figures: [Figure] = []
        var baseline: [String: Figure] = [:]
        for item in cases {
            Bench.progress("  whole text: \(item.label)")
            var result = Samples()
            for _ in 0..<(effort.quick ? 1 : 3) { try measure(item, into: &result) }
            let made = result.figures(label: item.label, title: item.title, bytes: item.bytes)
            figures += HardText.relate(made, isBaseline: item.label == "10k", to: &baseline)
        }
        return figures
    }

    private func measure(_ item: Case, into result: inout Samples) throws {
        let session = try ViewerSession(viewer: viewer, workspace: workspace, purpose: "whole", size: item.bytes + 320)
        defer { session.child.terminate() }
        session.collectEvents(for: 0.5)
        session.events.removeAll()
        let pid = session.pid
        guard let rss0 = ProcessStats.statusBytes(pid, "VmRSS"), let anon0 = ProcessStats.statusBytes(pid, "RssAnon") else {
            throw Child.Failure(description: "no /proc/\(pid)/status")
        }
        let end = try session.load(item.name)
        let generation = String(session.generation)
        let render = try? session.waitForRender(timeout: HardText.renderTimeout)
        if render != nil { session.collectEvents(for: LargeText.settleSeconds + 2) { $0.event == "ticks" && $0.generation == generation } }
        // Binary goes to the hex view, which has no first chunk: its render line then (the rows set).
        if let shown = session.events.first(where: { $0.event == "first-chunk" && $0.generation == generation })?.nanoseconds
            ?? render?.nanoseconds {
            result.firstScreen.append(Double(shown - end) / 1e6)
        }
        guard render != nil else { result.unfinished += 1; return }
        // A large text's first screen is its preview's; memory and Ctrl+End are measured once the
        // whole payload replaced it (`event=whole`).
        if item.bytes >= CopyPreview.standard.threshold {
            let isWhole: (TraceLine) -> Bool = { $0.event == "whole" && $0.generation == generation }
            if !session.events.contains(where: isWhole) { session.collectEvents(for: HardText.renderTimeout, until: isWhole) }
            guard let whole = session.events.first(where: isWhole)?.nanoseconds else { result.unfinished += 1; return }
            result.whole.append(Double(whole - end) / 1e6)
        }
        if let gap = session.events.last(where: { $0.event == "ticks" && $0.generation == generation })?.microseconds("max_gap_us") {
            result.maxGap.append(gap / 1000)
        }
        if let rss1 = ProcessStats.statusBytes(pid, "VmRSS"), let anon1 = ProcessStats.statusBytes(pid, "RssAnon") {
            result.rssGrowth.append(Double(rss1 - rss0) / Double(item.bytes))
            result.anonGrowth.append(Double(anon1 - anon0) / Double(item.bytes))
        }
        switch HardText.ctrlEnd(session) {
        case .failed: result.noScroll += 1; return
        case let .measured(end, gap):
            if let gap { result.scrollGap.append(gap) }
            if let end { result.scrollEnd.append(end) } else { result.noScroll += 1 }
        }
        if item.bytes >= CopyPreview.standard.threshold { search(session, into: &result) }
        resize(session, into: &result)
    }

    /// Two resizes of the window, narrower then wider (the text is laid out again for each width):
    /// the longest main-loop gap from the first until 1 s after the last (`generation=resize`).
    private func resize(_ session: ViewerSession, into result: inout Samples) {
        let isTicks: (TraceLine) -> Bool = { $0.event == "ticks" && $0.generation == "resize" }
        let before = session.events.count
        for (width, height) in [(700, 600), (1400, 950)] {
            guard HardText.resizeViewer(pid: session.pid, width: width, height: height) else { result.noResize += 1; return }
            session.collectEvents(for: 0.5, until: isTicks)
        }
        session.collectEvents(for: 3, until: isTicks)
        guard let gap = session.events[before...].last(where: isTicks)?.microseconds("max_gap_us") else { result.noResize += 1; return }
        result.resizeGap.append(gap / 1000)
    }

    /// A needle that is nowhere in the content, typed into the find bar: the search goes through
    /// every byte in the background (`event=search-done`) while the gap ticker watches the window.
    private func search(_ session: ViewerSession, into result: inout Samples) {
        let needle = "zqzqzq"
        guard HardText.typeIntoViewer(pid: session.pid, keys: ["ctrl+f"], text: needle) else { result.noSearch += 1; return }
        let isDone: (TraceLine) -> Bool = { $0.event == "search-done" && $0.fields["needle_bytes"] == String(needle.utf8.count) }
        session.collectEvents(for: 30, until: isDone)
        guard let done = session.events.last(where: isDone), let us = done.microseconds("search_us"),
              let bytes = done.fields["bytes"].flatMap(Double.init), us > 0 else { result.noSearch += 1; return }
        result.searchMs.append(us / 1000)
        result.searchRate.append(bytes / us / 1000)
        session.collectEvents(for: 2) { $0.event == "ticks" && $0.generation == "search" }
        if let gap = session.events.last(where: { $0.event == "ticks" && $0.generation == "search" })?.microseconds("max_gap_us") {
            result.searchGap.append(gap / 1000)
        }
    }

    private struct Samples {
        var firstScreen: [Double] = [], whole: [Double] = [], maxGap: [Double] = [], scrollEnd: [Double] = [], scrollGap: [Double] = []
        var rssGrowth: [Double] = [], anonGrowth: [Double] = []
        var searchMs: [Double] = [], searchRate: [Double] = [], searchGap: [Double] = [], resizeGap: [Double] = []
        var unfinished = 0, noScroll = 0, noSearch = 0, noResize = 0

        func figures(label: String, title: String, bytes: Int) -> [Figure] {
            let key = "whole_\(label)_"
            let slow = unfinished > 0 ? "\(unfinished) render(s) unfinished after \(Int(HardText.renderTimeout)) s" : nil
            let searchNote = noSearch > 0 ? "\(noSearch) run(s) without event=search-done"
                : searchMs.isEmpty ? "measured from \(CopyPreview.standard.threshold >> 20) MiB on" : nil
            let noEnd = noScroll > 0 ? "\(noScroll) run(s) without event=scrolled-end (the content's end)" : nil
            return [
                Figure(key + "first_screen_ms", "\(title): write end to the first screen painted", unit: "ms",
                       samples: firstScreen, note: slow).target("<= 300 ms") { $0.p95 <= 300 },
                Figure(key + "whole_ms", "\(title): write end to the whole payload copied (after its preview)", unit: "ms",
                       samples: whole, note: whole.isEmpty ? "no preview at this size" : nil),
                Figure(key + "max_gap_ms", "\(title): longest main-loop gap, render + 1 s", unit: "ms",
                       samples: maxGap, note: slow).target("<= 50 ms") { $0.p95 <= 50 },
                Figure(key + "scroll_end_ms", "\(title): Ctrl+End to the content's last line on screen", unit: "ms",
                       samples: scrollEnd, note: noEnd).target("<= 1000 ms") { $0.p95 <= 1000 },
                Figure(key + "scroll_max_gap_ms", "\(title): longest main-loop gap, Ctrl+End + 1.5 s", unit: "ms",
                       samples: scrollGap).target("<= 50 ms") { $0.p95 <= 50 },
                Figure(key + "search_ms", "\(title): a needle found nowhere, typed: the background search through every byte",
                       unit: "ms", samples: searchMs, note: searchNote)
                    .target("<= \(bytes / 1_000_000) ms (1 GB/s)") { $0.p95 <= Double(bytes) / 1e6 },
                Figure(key + "search_gb_per_s", "\(title): the search's rate", unit: "GB/s", samples: searchRate, note: searchNote),
                Figure(key + "search_max_gap_ms", "\(title): longest main-loop gap while it searched", unit: "ms",
                       samples: searchGap, note: searchNote).target("<= 50 ms") { $0.p95 <= 50 },
                Figure(key + "resize_max_gap_ms", "\(title): longest main-loop gap, two resizes of the window + 1 s", unit: "ms",
                       samples: resizeGap, note: noResize > 0 ? "\(noResize) run(s) without event=ticks generation=resize" : nil)
                    .target("<= 50 ms") { $0.p95 <= 50 },
                label == "10k"   // 10 KiB: GTK's own growth dwarfs the content; a time baseline only
                    ? Figure(key + "rss_growth_ratio", "\(title): viewer VmRSS growth / content size", unit: "x", samples: rssGrowth)
                    : Figure(key + "rss_growth_ratio", "\(title): viewer VmRSS growth (segment mapping included) / content size",
                             unit: "x", samples: rssGrowth).target("<= 1.5") { $0.p95 <= 1.5 },
                Figure(key + "anon_growth_ratio", "\(title): viewer RssAnon growth (private copies) / content size",
                       unit: "x", samples: anonGrowth),
            ]
        }
    }
}
