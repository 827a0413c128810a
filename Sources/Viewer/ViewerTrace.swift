import GtkSupport

/// The viewer's `--trace` lines on stderr (docs/PERFORMANCE.md, "Trace lines the bench reads"):
/// one per render, the first chunk on screen, the longest main-loop gap around a render and around
/// a scroll to the end, and the window's first map. Times are `g_get_monotonic_time` microseconds.
@MainActor
final class ViewerTrace {
    /// The gap ticker's period and how long after a render it keeps running (GTK lays the text
    /// out in idle callbacks after the last chunk is in).
    static let tickMilliseconds: UInt32 = 10
    static let settleMicroseconds: Int64 = 1_000_000

    private var ticker: GapTicker?
    /// Measures gaps from the first scroll after a render settled until 1 s after the view reached the end.
    private var scrollTicker: GapTicker?
    private var reportedEnd = false

    static func print(_ fields: String) {
        Console.error("sharedmemory trace: t_us=\(MainLoop.monotonicMicroseconds) \(fields)")  // notr: trace lines are for tools
    }

    /// A gap ticker from `started` into `slot`, which it empties when it stops.
    private func startTicker(_ slot: ReferenceWritableKeyPath<ViewerTrace, GapTicker?>, generation: String, at started: Int64) {
        self[keyPath: slot] = GapTicker(generation: generation, started: started) { [weak self] finished in
            if let self, self[keyPath: slot] === finished { self[keyPath: slot] = nil }
        }
    }

    /// The window's first `map-event`.
    func mapped() { Self.print("event=mapped layout_validator=\(TextView.validatesLayout ? 1 : 0)") }  // notr: a trace line

    /// A render of `generation` began with the poll at `started`: measure main-loop gaps from there.
    func renderStarted(generation: String, at started: Int64) {
        awaitingPicture = false
        scrollTicker?.stop()
        reportedEnd = false
        ticker?.stop()
        startTicker(\.ticker, generation: generation, at: started)
    }

    /// The view scrolled (e.g. Ctrl+End). Once a render has settled, the first scroll starts a gap
    /// ticker (`generation=scroll`) for `scrollWatchMicroseconds`, and reaching the end prints
    /// `event=scrolled-end` once. (GTK estimates the height of lines it has not laid out, so after
    /// Ctrl+End in a long text the view may settle short of the end: then no such line.)
    func scrolled(atEnd: Bool, moved: Bool) {
        guard ticker == nil, !reportedEnd else { return }
        if scrollTicker == nil {
            guard moved else { return }
            let now = MainLoop.monotonicMicroseconds
            startTicker(\.scrollTicker, generation: "scroll", at: now)
            scrollTicker?.settle(until: now + Self.scrollWatchMicroseconds)
        }
        guard atEnd else { return }
        reportedEnd = true
        Self.print("event=scrolled-end")
    }

    static let scrollWatchMicroseconds: Int64 = 1_500_000

    /// The first chunk of the render is painted. The render's parts before that, in microseconds:
    /// the poll (lock, copy), `DisplayText` (repair, folding) and setting the first chunk.
    func firstChunk(generation: String, bytes: Int, poll: Int64, display: Int64, insert: Int64) {
        Self.print("event=first-chunk generation=\(generation) bytes=\(bytes) poll_us=\(poll) display_us=\(display) "  // notr: trace lines are for tools
                   + "first_insert_us=\(insert)")
    }

    /// Measures gaps from a resize of the window until `settleMicroseconds` after the last one
    /// (`generation=resize`): the text is laid out again for the new width.
    private var resizeTicker: GapTicker?

    /// The window got a new size (`event=resized`); not while a render's own ticker runs.
    func resized(width: Int, height: Int) {
        guard ticker == nil else { return }
        Self.print("event=resized width=\(width) height=\(height)")  // notr: trace lines are for tools
        let now = MainLoop.monotonicMicroseconds
        if resizeTicker == nil { startTicker(\.resizeTicker, generation: "resize", at: now) }
        resizeTicker?.settle(until: now + Self.settleMicroseconds)
    }

    /// Measures main-loop gaps while a search runs (`generation=search`).
    private var searchTicker: GapTicker?

    /// A search over the content began.
    func searchStarted() {
        searchTicker?.stop()
        startTicker(\.searchTicker, generation: "search", at: MainLoop.monotonicMicroseconds)
    }

    /// A search went through all of the content: its throughput is `bytes / search_us`.
    func searchDone(bytes: Int, needle: Int, matches: Int, microseconds: Int64) {
        Self.print("event=search-done bytes=\(bytes) needle_bytes=\(needle) matches=\(matches) search_us=\(microseconds)")  // notr: trace lines are for tools
        searchTicker?.settle(until: MainLoop.monotonicMicroseconds)
    }

    /// A window of a large text was swapped into the view (`goal`: why it was made: keep, top, end, reveal).
    func windowSwapped(range: Range<Int>, goal: String) {
        Self.print("event=window goal=\(goal) from=\(range.lowerBound) to=\(range.upperBound)")  // notr: trace lines are for tools
    }

    /// The whole payload of a previewed text arrived and replaced the preview's bytes.
    func completed(generation: String, bytes: Int) {
        Self.print("event=whole generation=\(generation) bytes=\(bytes)")  // notr: trace lines are for tools
    }

    /// The same file with the same text was loaded again: nothing was inserted (the Segment line
    /// changed). Printed as a render line with `same_text=1`, so a reader waiting for the
    /// generation sees it.
    func renderUnchanged(generation: String, bytes: Int, started: Int64) {
        Self.print("generation=\(generation) bytes=\(bytes) render_us=\(MainLoop.monotonicMicroseconds - started) same_text=1")  // notr: trace lines are for tools
    }

    /// The language guessed for a new text (GtkSourceView's id), whether it is highlighted and how
    /// long asking for it took on the main loop (a definition not parsed yet is parsed from a
    /// later idle call, `LanguageDefinitions`, and applied then).
    func language(id: String, highlighted: Bool, microseconds: Int64) {
        Self.print("event=language id=\(id) highlight=\(highlighted ? 1 : 0) set_us=\(microseconds)")  // notr: trace lines are for tools
    }

    /// A language definition parsed on the main loop (at start-up in idle, or first asked for): its cost.
    func languageParsed(id: String, microseconds: Int64) {
        Self.print("event=language-parse id=\(id) parse_us=\(microseconds)")  // notr: trace lines are for tools
    }

    /// The style scheme chosen (at start-up, and again when the theme changes).
    func scheme(id: String, dark: Bool) {
        Self.print("event=scheme id=\(id) dark=\(dark ? 1 : 0)")  // notr: trace lines are for tools
    }

    /// The whole text is in the buffer.
    func renderDone(generation: String, bytes: Int, shown: Int, started: Int64) {
        let now = MainLoop.monotonicMicroseconds
        Self.print("generation=\(generation) bytes=\(bytes) shown=\(shown) render_us=\(now - started)")
        if !awaitingPicture { ticker?.settle(until: now + Self.settleMicroseconds) }
    }

    /// The render's content is a picture, decoded on its own thread: gaps are measured until it is shown.
    private var awaitingPicture = false
    func expectPicture() { awaitingPicture = true }

    /// The decoded picture was handed to the picture view (`event=picture`); gaps are measured
    /// until `settleMicroseconds` after it, which covers its first draws.
    func pictureShown(width: Int, height: Int, decodeMicroseconds: Int64) {
        awaitingPicture = false
        let now = MainLoop.monotonicMicroseconds
        Self.print("event=picture width=\(width) height=\(height) decode_us=\(decodeMicroseconds) t_us=\(now)")  // notr: trace lines are for tools
        ticker?.settle(until: now + Self.settleMicroseconds)
    }
}

/// A 10 ms timeout at default priority that records the longest interval between its runs, from
/// a render's start until a while after it completed; prints one `event=ticks` line when it stops.
/// It exists only around a render, so an idle viewer pays nothing for it.
@MainActor
private final class GapTicker {
    private let generation: String
    private let started: Int64
    private var last: Int64
    private var longest: Int64 = 0
    private var longestEnd: Int64 = 0
    private var ticks = 0
    private var stopAt: Int64?
    private var source: MainLoop.Source?
    private let finished: @MainActor (GapTicker) -> Void

    init(generation: String, started: Int64, finished: @escaping @MainActor (GapTicker) -> Void) {
        self.generation = generation
        self.started = started
        // The first interval counts from now, when the main loop takes the render up: the poll and
        // DisplayText before it ran on the reader's thread, they never held this loop.
        self.last = MainLoop.monotonicMicroseconds
        self.finished = finished
        source = MainLoop.addTimeout(milliseconds: ViewerTrace.tickMilliseconds) { [weak self] in
            self?.tick() ?? false
        }
    }

    func settle(until time: Int64) { stopAt = time }

    /// Stops early (a newer render replaced this one) and reports what was seen so far.
    func stop() {
        guard let source else { return }
        source.remove()
        report()
    }

    private func tick() -> Bool {
        let now = MainLoop.monotonicMicroseconds
        if now - last > longest { longest = now - last; longestEnd = now - started }
        last = now
        ticks += 1
        guard let stopAt, now >= stopAt else { return true }
        report()
        return false
    }

    private func report() {
        source = nil
        ViewerTrace.print("event=ticks generation=\(generation) max_gap_us=\(longest) ticks=\(ticks) "  // notr: trace lines are for tools
                         + "max_gap_end_us=\(longestEnd)")
        finished(self)
    }
}
