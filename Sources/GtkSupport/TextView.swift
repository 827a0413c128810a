import CGtk
import Glibc

/// A read-only GtkTextView for showing (possibly large) texts. `SourceView` is the same with a
/// GtkSourceView (a GtkTextView subclass), so both share this insertion machinery.
@MainActor
public class TextView: Widget {
    /// Texts up to this many UTF-8 bytes are set in one call; larger ones are inserted in
    /// chunks of this size from idle callbacks (see `insertPriority`) so the main loop keeps
    /// drawing and handling input in between. One set_text of 4 MiB blocks the loop for the
    /// whole layout (1.7 s measured); with chunks, the longest block is the first screen's layout.
    /// 16 KiB rather than 64 KiB: in the release viewer (Xvfb, 1 MiB texts) the longest main-loop
    /// gap went from 35-50 ms to 21-43 ms, and 8 MiB (4 MiB shown) rendered in 93 ms, not 113-125.
    public var chunkSize = 16 * 1024
    /// The first chunk, shown alone in the first frame, is smaller: about one screen of CJK (1,365
    /// ideographs) or folded letters. That frame lays out and draws all of it, and a glyph never
    /// drawn before costs tens of µs to rasterize (docs/PERFORMANCE.md, "Hard text"); a screen of
    /// 64-byte lines is 2 KiB. The next chunks wait until the lines below the view are laid out
    /// (`TextLayoutValidator.coversView`).
    public var firstChunkSize = 4 * 1024

    private var pending: PendingInsert?
    /// Whether a chunked insertion (`setText`) is still under way.
    public var isInserting: Bool { pending != nil }
    /// `copySelection(through:)`: what a copy puts on a clipboard, and whether a selection change
    /// waits in an idle to serve the primary selection.
    var copyProvider: (@MainActor (Range<Int>, ClipboardKind) -> String?)?
    var primaryPending = false
    /// Lays the lines out in bounded slices and handles Ctrl+End/Ctrl+Home (issue 9).
    lazy var validator = TextLayoutValidator(view)

    /// Asked first on Ctrl+Home (false) and Ctrl+End (true): true when the caller handles it (a
    /// window of a larger content moves to the content's start or end).
    public var onBufferEnds: (@MainActor (_ end: Bool) -> Bool)?

    /// Whether the views lay their lines out ahead of GTK (`TextLayoutValidator.isEnabled`: GTK 3.24,
    /// `SHAREDMEMORY_LAYOUT_VALIDATOR` not 0).
    public static var validatesLayout: Bool { TextLayoutValidator.isEnabled }

    /// Creates a read-only, word-wrapping text view without a cursor.
    public convenience init(monospace: Bool = true) {
        self.init(textView: gtk_text_view_new(), monospace: monospace)
    }

    /// Sets up `textView`, a new GtkTextView or subclass, as a read-only, word-wrapping view.
    init(textView: UnsafeMutablePointer<GtkWidget>, monospace: Bool) {
        super.init(textView)
        gtk_text_view_set_editable(view, 0)
        gtk_text_view_set_cursor_visible(view, 0)
        gtk_text_view_set_monospace(view, monospace.gboolean)
        // WORD_CHAR: wrap at words, but also break one very long "word" (e.g. base64 or
        // binary-ish content) instead of making a line wider than the window.
        gtk_text_view_set_wrap_mode(view, GTK_WRAP_WORD_CHAR)
        gtk_text_view_set_left_margin(view, 8)
        gtk_text_view_set_right_margin(view, 8)
        gtk_text_view_set_top_margin(view, 6)
        gtk_text_view_set_bottom_margin(view, 6)
        // A window closed during an insertion destroys the view before the next chunk's idle call:
        // GTK's view then has no buffer to insert into.
        onSignal("destroy") { [weak self] in
            self?.isDestroyed = true
            self?.cancelInsertion()
            self?.validator.cancel()
        }
        onSignal("realize") { [weak self] in self?.validator.schedule() }
        connectMoveCursor(widget) { [weak self] step, count, _ in
            guard let self, step == GTK_MOVEMENT_BUFFER_ENDS, gtk_text_view_get_cursor_visible(self.view) == 0 else { return false }
            if let ends = self.onBufferEnds, ends(count > 0) { return true }
            return self.validator.scroll(to: count < 0 ? .start : .end)
        }
    }

    /// The window closed: GTK destroyed the view, and may have freed it. Code that runs later (an
    /// idle, a handed-over result) checks this before it touches the view; asking GTK instead
    /// (`gtk_text_view_get_buffer` on a freed view) prints a Gtk-CRITICAL.
    public private(set) var isDestroyed = false

    func cancelInsertion() {
        pending?.source.remove()
        pending = nil
    }

    var view: UnsafeMutablePointer<GtkTextView> { cast() }
    var buffer: UnsafeMutablePointer<GtkTextBuffer> { gtk_text_view_get_buffer(view) }

    /// A new, empty buffer for `swapOutHugeBuffer` (+1 reference); a subclass makes its own kind.
    func makeFreshBuffer() -> UnsafeMutablePointer<GtkTextBuffer> { gtk_text_buffer_new(nil) }

    /// Replaces the content with `text`, which must be valid UTF-8 (GTK drops invalid text).
    /// Small texts are set at once; large ones are inserted chunk by chunk from idle callbacks at
    /// `insertPriority`, from the second chunk on once GTK has laid out the first. A new call
    /// cancels an unfinished insertion. `firstChunk` runs once the first chunk is in the buffer
    /// (before `setText` returns), `completion` once the whole text is.
    public func setText(_ text: String, firstChunk: (@MainActor () -> Void)? = nil,
                        completion: (@MainActor () -> Void)? = nil) {
        cancelInsertion()
        validator.cancel()   // a jump asked for the old text; the new text's invalidation restarts it
        // The String itself is kept until the last chunk is in: no copy of its bytes (the whole
        // text can be a few MiB). Only a String without contiguous UTF-8 is copied, once.
        let source = UTF8Source(text)
        swapOutHugeBuffer()
        let first = source.withBytes { bytes in
            let end = Self.chunkEnd(bytes, from: 0, maxLength: firstChunkSize)
            Self.withChars(bytes, offset: 0, count: end) { gtk_text_buffer_set_text(buffer, $0, $1) }
            return end
        }
        scrollToStart()
        firstChunk?()
        guard first < source.count else { completion?(); return }

        // The rest waits until GTK has drawn and laid out the first chunk (see `settledPriority`).
        let idle = MainLoop.addIdle(priority: Self.settledPriority) { [weak self] in
            guard let self else { return false }
            self.pending = PendingInsert(source: self.appendRest(source, from: first, completion: completion))
            return false
        }
        pending = PendingInsert(source: idle)
    }

    /// Replacing a text of millions of lines in place blocks the loop for its deletion (4 Mi
    /// newlines: 1.5 s, measured with PyGObject under Xvfb). Above `swapLineCount` lines the view
    /// gets a fresh buffer instead (GTK detaches the old one in ~200 ms for 4 Mi lines) and the old
    /// one is emptied `discardLines` lines per idle call (< 20 ms each), then released.
    private func swapOutHugeBuffer() {
        let old = buffer
        guard gtk_text_buffer_get_line_count(old) > Self.swapLineCount else { return }
        g_object_ref(old)
        let fresh = makeFreshBuffer()
        givePrimaryBack()   // GTK takes it from the old buffer and asserts it is there
        gtk_text_view_set_buffer(view, fresh)
        g_object_unref(fresh)
        _ = MainLoop.addIdle(priority: .defaultIdle) {
            let lines = gtk_text_buffer_get_line_count(old)
            guard lines > 1 else {
                g_object_unref(old)
                return false
            }
            var start = GtkTextIter(), end = GtkTextIter()
            gtk_text_buffer_get_start_iter(old, &start)
            gtk_text_buffer_get_iter_at_line(old, &end, min(lines - 1, Self.discardLines))
            gtk_text_buffer_delete(old, &start, &end)
            return true
        }
    }

    static let swapLineCount: Int32 = 100_000
    static let discardLines: Int32 = 50_000

    /// Priority of the one idle call between the first chunk and the others: just below
    /// GtkTextView's line validation (`GDK_PRIORITY_REDRAW + 5`), so it runs after the pending
    /// redraw and once GTK's validation idle has given every line of the first chunk its height.
    /// Until then the layout knows the height of the lines on screen only, and a draw whose clip
    /// reaches past that known height gets every line to the buffer's end from
    /// `gtk_text_layout_get_lines` and lays them all out. Appending right away let that draw come
    /// after 8 ms of appends (600-800 KiB) whenever the frame clock's redraw had not run first:
    /// 290-580 ms blocked in one draw, in 23-25 of 60 renders of 1 MiB (p95 411 ms). Waiting costs the layout
    /// of one chunk (16 KiB, a few ms); with ~4900 px known, later draws stop at the screen's end.
    private static let settledPriority = Priority(GDK_PRIORITY_REDRAW + 6)

    /// Appends `source` from `first` on in slices of `sliceMicroseconds` from idle calls at
    /// `insertPriority`; calls `completion` when the last chunk is in.
    private func appendRest(_ source: UTF8Source, from first: Int,
                            completion: (@MainActor () -> Void)?) -> MainLoop.Source {
        var offset = first
        return MainLoop.addIdle(priority: insertPriority) { [weak self] in
            guard let self else { return false }
            // Several chunks per call, for up to `sliceMicroseconds`: fewer frames drawn in between
            // (each redraw between two calls costs a layout of the visible lines), same responsiveness.
            if self.validator.coversView() {
                let until = MainLoop.monotonicMicroseconds + self.sliceMicroseconds
                repeat {
                    offset = source.withBytes { self.append($0, from: offset, maxLength: self.chunkSize) }
                } while offset < source.count && MainLoop.monotonicMicroseconds < until
            } else {
                // Until the lines fill the view and what GTK draws below it, new lines come in small
                // pieces, each laid out in the same call, before a draw can meet them with height 0
                // (`TextLayoutValidator.coversView`).
                if self.validator.isLaidOut {
                    offset = source.withBytes { self.append($0, from: offset, maxLength: Self.coverPieceSize) }
                }
                self.validator.validateSlice()
            }
            guard offset >= source.count else { return true }
            self.pending = nil
            completion?()
            return false
        }
    }

    /// Priority of the chunk insertions: after redraws, so the first screen shows at once and the
    /// view scrolls between chunks, but before GtkTextView's layout (see `Priority.afterRedraw`).
    /// Measured (PyGObject, Xvfb, 1 MiB in 64 KiB chunks): 566 ms at the default idle priority,
    /// because GTK laid out everything inserted so far between two chunks; 26 ms at this one.
    public var insertPriority: Priority = .afterRedraw

    /// How long one idle call may keep inserting chunks before it lets the loop run again.
    public var sliceMicroseconds: Int64 = 8_000

    /// Appended at a time while the lines do not fill the view yet: 1 KiB of CJK or emoji lays out
    /// in 10-30 ms.
    static let coverPieceSize = 1024

    /// Appends the next chunk of `bytes`, at most `maxLength` bytes, at the end of the buffer;
    /// returns the new offset.
    private func append(_ bytes: UnsafeBufferPointer<UInt8>, from offset: Int, maxLength: Int) -> Int {
        let end = Self.chunkEnd(bytes, from: offset, maxLength: maxLength)
        var iter = GtkTextIter()
        gtk_text_buffer_get_end_iter(buffer, &iter)
        Self.withChars(bytes, offset: offset, count: end - offset) { gtk_text_buffer_insert(buffer, &iter, $0, $1) }
        return end
    }

    /// Calls `body` with a C string pointer to `count` bytes of `bytes` from `offset` and the length.
    private static func withChars(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, count: Int,
                                  _ body: (UnsafePointer<CChar>, Int32) -> Void) {
        guard count > 0, let base = bytes.baseAddress else { return body("", 0) }
        body(UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self), Int32(count))
    }

    /// End of a chunk of at most `maxLength` bytes and `maxLines` lines that does not split a
    /// UTF-8 sequence.
    static func chunkEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, maxLength: Int) -> Int {
        var end = min(bytes.count, start + max(maxLength, 4))
        while end < bytes.count, end > start, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        guard let base = bytes.baseAddress else { return end }
        var lines = 0
        var position = start
        while position < end, let newline = memchr(base + position, 0x0A, end - position) {
            position = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
            lines += 1
            if lines == maxLines { return position }
        }
        return end
    }

    /// A chunk holds at most this many lines: 16 KiB of newlines alone is 16,384 lines.
    static let maxLines = 1024

    /// Calls `action` each time the view's vertical scroll position (`moved`) or range changes, with
    /// whether it now shows the end of the text (the viewer's `--trace` times Ctrl+End with it). The
    /// range counts too: GTK estimates the height of lines not laid out yet, so the end moves as it
    /// lays them out.
    public func onVerticalScroll(_ action: @escaping @MainActor (_ atEnd: Bool, _ moved: Bool) -> Void) {
        guard let adjustment = gtk_scrollable_get_vadjustment(OpaquePointer(view)) else { return }
        let atEnd: @MainActor () -> Bool = {
            let end = gtk_adjustment_get_upper(adjustment) - gtk_adjustment_get_page_size(adjustment)
            return gtk_adjustment_get_value(adjustment) >= end - 1
        }
        _ = connectSignal(adjustment, "value-changed") { action(atEnd(), true) }
        _ = connectSignal(adjustment, "changed") { action(atEnd(), false) }
    }

    func scrollToStart() {
        var start = GtkTextIter()
        gtk_text_buffer_get_start_iter(buffer, &start)
        gtk_text_buffer_place_cursor(buffer, &start)
        gtk_text_view_scroll_to_iter(view, &start, 0, 0, 0, 0)
    }

    private struct PendingInsert { let source: MainLoop.Source }
}

/// The UTF-8 bytes of a String without copying them: a native Swift String stores contiguous
/// UTF-8, which `withContiguousStorageIfAvailable` lends out on each call (O(1)). Any other
/// String (none on Linux today) is copied into an array once.
private final class UTF8Source {
    private let text: String
    private let copy: [UInt8]?
    let count: Int

    init(_ text: String) {
        self.text = text
        count = text.utf8.count
        copy = text.utf8.withContiguousStorageIfAvailable { _ in true } == nil ? Array(text.utf8) : nil
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let copy { return copy.withUnsafeBufferPointer(body) }
        return text.utf8.withContiguousStorageIfAvailable(body)!
    }
}
