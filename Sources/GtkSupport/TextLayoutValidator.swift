import CGtk

/// Lays out the lines of a GtkTextView ahead of GTK in slices of bounded time, and jumps to the
/// start or the end of the buffer without laying out what lies between (issue 9,
/// docs/PERFORMANCE.md "Hard text").
///
/// Why: GtkTextView learns the height of its lines ("validates" them) in idle calls of 2,000 pixels
/// each (`incremental_validate_callback` in gtktextview.c) whatever a pixel costs: 2,000 px of CJK
/// or emoji take 100-300 ms, and a paragraph of combining marks is one row high. A line not
/// validated yet has height 0, and a draw whose area reaches past the known height lays out every
/// line to the end (`gtk_text_layout_get_lines`): GTK's own Ctrl+End lands there, and its pixel
/// cache draws half a screen above the view (stalls of 300-800 ms measured in long folded texts).
///
/// Here lines are validated at a priority between the redraws (and the chunk insertions) and GTK's
/// own validation idle, one or a few per call, for at most `sliceMicroseconds` per idle call; GTK's
/// idle finds nothing left. Ctrl+End and Ctrl+Home first validate two screens at their target (from
/// the end backwards), then jump; the lines between keep height 0 until the slices reach them.
///
/// GtkTextLayout is GTK 3's exported but unsupported API (`smg_text_view_layout` in CGtk); where it
/// cannot be reached, nothing here runs and GTK does all of it as before.
@MainActor
final class TextLayoutValidator {
    enum Edge: Equatable {
        case start, end
        /// A line of the buffer at the top of the view (a window of a larger content).
        case line(Int32)
    }

    private let view: UnsafeMutablePointer<GtkTextView>
    private var source: MainLoop.Source?
    private var watchedLayout: OpaquePointer?
    private var jump: Jump?
    /// Pixels asked of one `gtk_text_layout_validate` call: adapted so that a call takes about 1 ms
    /// (a paragraph of 500 letters costs 1-2 ms, 256 px of empty lines well under 1 ms), from one
    /// line for each new text, and at most `maxPixelsPerCall`, so that a call that meets costly
    /// lines after cheap ones stays short (15 rows of CJK: ~600 ideographs, ~25 ms).
    private var pixelsPerCall: Int32 = 1
    static let maxPixelsPerCall: Int32 = 256

    /// How long one idle call may validate lines before the loop draws and handles input again.
    static let sliceMicroseconds: Int64 = 8_000
    /// After redraws (120) and chunk insertions (`Priority.afterRedraw`), before GTK's validation (125).
    static let priority = Priority(GDK_PRIORITY_REDRAW + 4)
    /// A jump's slices, until it lands: before redraws, so that no frame is drawn between a new
    /// text and its landing. Such a frame shows the new text's first lines, and the lines below
    /// them have no height yet: GTK lays out all of them in that draw, and again in every draw
    /// until they are validated (`coversView`). Measured: Ctrl+End through 512 MiB of 0xFF (a
    /// window of 128 Ki U+FFFD) took 1.4-2.4 s in about one of five presses, with 100-230 ms gaps,
    /// whenever the jump took more than its first slice. Input and timeouts (priority 0) still run
    /// between the slices; the screen keeps the old frame until the landing.
    static let jumpPriority = Priority(GDK_PRIORITY_REDRAW - 1)

    init(_ view: UnsafeMutablePointer<GtkTextView>) { self.view = view }

    /// Starts validating in idle calls unless that runs already; also watches the layout, once GTK
    /// has made it, so that every later invalidation (new text, a new width) starts it again.
    func schedule() {
        guard source == nil, let layout = layout() else { return }
        if watchedLayout != layout {
            watchedLayout = layout
            connectSignal(UnsafeMutableRawPointer(layout), "invalidated") { [weak self] in self?.schedule() }
        }
        source = MainLoop.addIdle(priority: jump == nil ? Self.priority : Self.jumpPriority) { [weak self] in
            self?.step() ?? false
        }
    }

    /// One idle call. A jump that landed hands what is left (the lines above it) to the usual priority.
    private func step() -> Bool {
        let jumping = jump != nil
        guard slice() else { return false }
        guard jumping, jump == nil else { return true }
        source = nil
        schedule()
        return false
    }

    /// Whether the lines laid out from the top reach 1.6 screens below the top of the view: the
    /// view and the half screen GTK's pixel cache draws below it, with room. Lines appended later
    /// have height 0, and a draw reaching past the known height lays out every line from there to
    /// the end of the buffer (`gtk_text_layout_get_lines`): a first chunk shorter than the view let
    /// the next draw lay out 300 KB of CJK (301 ms).
    func coversView() -> Bool {
        guard let layout = layout(), let adjustment else { return true }
        let widget = UnsafeMutableRawPointer(view).assumingMemoryBound(to: GtkWidget.self)
        let page = max(gtk_adjustment_get_page_size(adjustment), Double(gtk_widget_get_allocated_height(widget)))
        return Double(Self.height(of: layout)) >= gtk_adjustment_get_value(adjustment) + 1.6 * page + 32
    }

    /// Whether every line of the buffer has its height (or the layout cannot be reached).
    var isLaidOut: Bool { layout().map { gtk_text_layout_is_valid($0) != 0 } ?? true }

    /// One slice of validation now (from a caller's idle call that waits for `coversView`).
    func validateSlice() {
        source?.remove()
        source = nil
        if slice() { schedule() }
    }

    /// Stops (the view is being destroyed, or its text replaced).
    func cancel() {
        source?.remove()
        source = nil
        jump = nil
        above = nil
        pixelsPerCall = 1
    }

    /// Scrolls to `edge` once the lines there are laid out: at once when they are, else from the
    /// next slices. False when the layout cannot be reached (then GTK should do it).
    func scroll(to edge: Edge) -> Bool {
        guard layout() != nil else { return false }
        let lines = gtk_text_buffer_get_line_count(buffer)
        above = nil
        switch edge {
        case .start: jump = Jump(edge: edge, line: 0)
        case .end: jump = Jump(edge: edge, line: lines - 1)
        case .line(let line): jump = Jump(edge: edge, line: min(max(line, 0), lines - 1))
        }
        source?.remove()
        source = nil
        if slice() { schedule() }
        return true
    }

    private var buffer: UnsafeMutablePointer<GtkTextBuffer> { gtk_text_view_get_buffer(view) }
    private var adjustment: UnsafeMutablePointer<GtkAdjustment>? { gtk_scrollable_get_vadjustment(OpaquePointer(view)) }
    private func layout() -> OpaquePointer? { Self.isEnabled ? smg_text_view_layout(view) : nil }

    /// Whether this process reaches into GtkTextView's private layout: only on the GTK 3 releases it
    /// was verified on (3.24, whose GtkTextViewPrivate keeps the layout first: checked at run time by
    /// its type too), and unless `SHAREDMEMORY_LAYOUT_VALIDATOR=0` turns it off (then GTK validates
    /// and jumps on its own: hard text stalls as before issue 9, nothing else changes).
    static let isEnabled: Bool = {
        guard gtk_get_major_version() == 3, gtk_get_minor_version() == 24 else { return false }
        guard let value = getenv("SHAREDMEMORY_LAYOUT_VALIDATOR") else { return true }  // notr: an environment variable
        return String(cString: value) != "0"
    }()

    /// One idle call: the pending jump first, then lines from the first invalid one on. Returns
    /// whether work is left.
    private func slice() -> Bool {
        guard let layout = layout(), let adjustment else { source = nil; jump = nil; return false }
        let until = MainLoop.monotonicMicroseconds + Self.sliceMicroseconds
        if var pending = jump {
            guard pending.advance(view, layout, page: Int32(gtk_adjustment_get_page_size(adjustment)), until: until) else {
                jump = pending
                return true
            }
            jump = nil
            land(at: pending.edge, layout, adjustment)
            // Landed inside the text: the lines just above come next, nearest first, so that a burst
            // of Page Up or the wheel meets lines of their real height, not of none.
            if case .line = pending.edge, let line = pending.lineAbove { above = (line, 0) }
        }
        if let (line, covered) = above {
            let anchor = Anchor(view, layout, adjustment)
            let page = Int32(gtk_adjustment_get_page_size(adjustment))
            var next = line, done = covered
            while next >= 0, done < Int32(Self.screensAbove) * page, MainLoop.monotonicMicroseconds < until {
                var iter = GtkTextIter()
                gtk_text_buffer_get_iter_at_line(buffer, &iter, next)
                gtk_text_layout_validate_yrange(layout, &iter, 0, 1)
                var height: Int32 = 0
                gtk_text_view_get_line_yrange(view, &iter, nil, &height)
                done += max(height, 1)
                next -= 1
            }
            anchor.restore(view, layout, adjustment)
            above = next >= 0 && done < Int32(Self.screensAbove) * page ? (next, done) : nil
            if above != nil { return true }
        }
        guard gtk_text_layout_is_valid(layout) == 0 else { source = nil; return false }

        let anchor = Anchor(view, layout, adjustment)
        var valid = false
        repeat {
            let start = MainLoop.monotonicMicroseconds
            gtk_text_layout_validate(layout, pixelsPerCall)
            let took = MainLoop.monotonicMicroseconds - start
            if took < 500 {
                pixelsPerCall = min(pixelsPerCall * 2, Self.maxPixelsPerCall)
            } else if took > 2_000 {
                pixelsPerCall = max(pixelsPerCall / 2, 1)
            }
            valid = gtk_text_layout_is_valid(layout) != 0
        } while !valid && MainLoop.monotonicMicroseconds < until
        anchor.restore(view, layout, adjustment)
        if valid { source = nil }
        return !valid
    }

    /// Shows the start or the end of the text, whose lines there are laid out (GTK then updates
    /// its own idea of the height from this value, `gtk_text_view_value_changed`).
    private func land(at edge: Edge, _ layout: OpaquePointer, _ adjustment: UnsafeMutablePointer<GtkAdjustment>) {
        switch edge {
        case .start:
            gtk_adjustment_set_value(adjustment, gtk_adjustment_get_lower(adjustment))
        case .end:
            let page = gtk_adjustment_get_page_size(adjustment)
            let upper = max(page, Double(Self.height(of: layout) + borders()))
            gtk_adjustment_set_upper(adjustment, upper)
            gtk_adjustment_set_value(adjustment, upper - page)
        case .line(let line):
            // The lines above have no height yet (or what was laid out of them): the line's top.
            var iter = GtkTextIter()
            gtk_text_buffer_get_iter_at_line(buffer, &iter, line)
            var top: Int32 = 0
            gtk_text_view_get_line_yrange(view, &iter, &top, nil)
            let page = gtk_adjustment_get_page_size(adjustment)
            gtk_adjustment_set_upper(adjustment, max(gtk_adjustment_get_upper(adjustment), Double(top) + page))
            gtk_adjustment_set_value(adjustment, Double(top))
            gtk_text_buffer_place_cursor(buffer, &iter)
        }
    }

    /// The view's margins and CSS padding above and below the text: with the text's height, the
    /// scrollable height (`gtk_text_view_update_adjustments`).
    private func borders() -> Int32 {
        let context = gtk_widget_get_style_context(UnsafeMutableRawPointer(view).assumingMemoryBound(to: GtkWidget.self))
        var padding = GtkBorder()
        gtk_style_context_get_padding(context, gtk_style_context_get_state(context), &padding)
        return gtk_text_view_get_top_margin(view) + gtk_text_view_get_bottom_margin(view) + Int32(padding.top) + Int32(padding.bottom)
    }

    nonisolated static func height(of layout: OpaquePointer) -> Int32 {
        var height: Int32 = 0
        gtk_text_layout_get_size(layout, nil, &height)
        return height
    }

    /// Lines validated one by one from an edge of the buffer inwards, until they fill three screens:
    /// the screen shown there and the half screen GTK's pixel cache draws beyond it, with room for
    /// a wider window (lines get shorter: 500 to 900 px wide left a screen and a half).
    /// After a landing inside the text: the next line above to lay out and the pixels done so far.
    private var above: (line: Int32, covered: Int32)?
    /// How many screens above a landing line are laid out right after it.
    static let screensAbove = 16

    private struct Jump {
        let edge: Edge
        var line: Int32
        var covered: Int32 = 0
        lazy var downward = edge != .end
        /// Where the upward pass stopped (`.line` only).
        var lineAbove: Int32?

        /// Validates lines until they cover two pages (true) or `until` (false: call again).
        mutating func advance(_ view: UnsafeMutablePointer<GtkTextView>, _ layout: OpaquePointer,
                              page: Int32, until: Int64) -> Bool {
            let buffer = gtk_text_view_get_buffer(view)
            let lines = gtk_text_buffer_get_line_count(buffer)
            while true {
                while covered < 3 * page, line >= 0, line < lines {
                    if MainLoop.monotonicMicroseconds >= until { return false }
                    var iter = GtkTextIter()
                    gtk_text_buffer_get_iter_at_line(buffer, &iter, line)
                    gtk_text_layout_validate_yrange(layout, &iter, 0, 1)
                    var height: Int32 = 0
                    gtk_text_view_get_line_yrange(view, &iter, nil, &height)
                    covered += max(height, 1)
                    line += downward ? 1 : -1
                }
                // A line inside the text (a window's): the screens above it are laid out too, so that
                // Page Up and the wheel from there meet lines of their real height, not of none.
                guard case .line(let first) = edge, downward else { lineAbove = line; return true }
                line = first - 1
                downward = false
                covered = 0
            }
        }
    }

    /// The line at the top of the view, kept where it is on screen while lines above it get their
    /// height, as GTK's own validation idle does (`gtk_text_view_set_vadjustment_values`); the
    /// scrollable height grows with the lines validated.
    private struct Anchor {
        var iter = GtkTextIter()
        var top: Int32 = 0
        let value: Double
        let height: Int32

        init(_ view: UnsafeMutablePointer<GtkTextView>, _ layout: OpaquePointer, _ adjustment: UnsafeMutablePointer<GtkAdjustment>) {
            value = gtk_adjustment_get_value(adjustment)
            height = TextLayoutValidator.height(of: layout)
            gtk_text_view_get_line_at_y(view, &iter, Int32(value), &top)
        }

        func restore(_ view: UnsafeMutablePointer<GtkTextView>, _ layout: OpaquePointer, _ adjustment: UnsafeMutablePointer<GtkAdjustment>) {
            let grown = TextLayoutValidator.height(of: layout) - height
            var iter = iter
            var newTop: Int32 = 0
            gtk_text_view_get_line_yrange(view, &iter, &newTop, nil)
            let value = value + Double(newTop - top)
            guard grown != 0 || value != self.value else { return }
            let page = gtk_adjustment_get_page_size(adjustment)
            gtk_adjustment_set_upper(adjustment, max(gtk_adjustment_get_upper(adjustment) + Double(grown), value + page, page))
            if value != self.value { gtk_adjustment_set_value(adjustment, value) }
        }
    }
}
