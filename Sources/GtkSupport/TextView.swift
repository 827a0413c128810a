import CGtk

/// A read-only GtkTextView for showing (possibly large) texts.
@MainActor
public final class TextView: Widget {
    /// Texts up to this many UTF-8 bytes are set in one call; larger ones are inserted in
    /// chunks of this size from an idle callback so the main loop keeps drawing and
    /// handling input in between. Measured (Xvfb, debug build, 4 MiB wrapped monospace text):
    /// one set_text returned after 70 ms but the view's layout then blocked the loop for
    /// 1.7 s; in 64 KiB chunks no main-loop gap exceeded 60 ms and the whole text was in
    /// after about the same 1.8 s.
    public var chunkSize = 64 * 1024

    private var pending: PendingInsert?

    /// Creates a read-only, word-wrapping text view without a cursor.
    public init(monospace: Bool = true) {
        super.init(gtk_text_view_new())
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
    }

    private var view: UnsafeMutablePointer<GtkTextView> { cast() }
    private var buffer: UnsafeMutablePointer<GtkTextBuffer> { gtk_text_view_get_buffer(view) }

    /// True while a chunked `setText` is still inserting.
    public var isInserting: Bool { pending != nil }

    /// The whole current buffer content.
    public var text: String {
        var start = GtkTextIter(), end = GtkTextIter()
        gtk_text_buffer_get_bounds(buffer, &start, &end)
        let chars = gtk_text_buffer_get_text(buffer, &start, &end, 0)!
        defer { g_free(chars) }
        return String(cString: chars)
    }

    /// Replaces the content with `text`, which must be valid UTF-8 (GTK drops invalid text).
    /// Small texts are set at once; large ones are inserted chunk by chunk from idle callbacks.
    /// A new call cancels an unfinished insertion. `completion` runs once the whole text is in.
    public func setText(_ text: String, completion: (@MainActor () -> Void)? = nil) {
        pending?.source.remove()
        pending = nil
        let bytes = Array(text.utf8)
        let first = Self.chunkEnd(bytes, from: 0, maxLength: chunkSize)
        Self.withChars(bytes, offset: 0, count: first) { gtk_text_buffer_set_text(buffer, $0, $1) }
        scrollToStart()
        guard first < bytes.count else { completion?(); return }

        var offset = first
        let source = MainLoop.addIdle { [weak self] in
            guard let self else { return false }
            offset = self.append(bytes, from: offset)
            guard offset >= bytes.count else { return true }
            self.pending = nil
            completion?()
            return false
        }
        pending = PendingInsert(source: source)
    }

    /// Appends the next chunk of `bytes` at the end of the buffer; returns the new offset.
    private func append(_ bytes: [UInt8], from offset: Int) -> Int {
        let end = Self.chunkEnd(bytes, from: offset, maxLength: chunkSize)
        var iter = GtkTextIter()
        gtk_text_buffer_get_end_iter(buffer, &iter)
        Self.withChars(bytes, offset: offset, count: end - offset) { gtk_text_buffer_insert(buffer, &iter, $0, $1) }
        return end
    }

    /// Calls `body` with a C string pointer to `count` bytes of `bytes` from `offset` and the length.
    private static func withChars(_ bytes: [UInt8], offset: Int, count: Int,
                                  _ body: (UnsafePointer<CChar>, Int32) -> Void) {
        guard count > 0 else { return body("", 0) }
        bytes.withUnsafeBytes { raw in
            body((raw.baseAddress! + offset).assumingMemoryBound(to: CChar.self), Int32(count))
        }
    }

    /// End of a chunk of at most `maxLength` bytes that does not split a UTF-8 sequence.
    static func chunkEnd(_ bytes: [UInt8], from start: Int, maxLength: Int) -> Int {
        var end = min(bytes.count, start + max(maxLength, 4))
        while end < bytes.count, end > start, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return end
    }

    private func scrollToStart() {
        var start = GtkTextIter()
        gtk_text_buffer_get_start_iter(buffer, &start)
        gtk_text_buffer_place_cursor(buffer, &start)
        gtk_text_view_scroll_to_iter(view, &start, 0, 0, 0, 0)
    }

    private struct PendingInsert { let source: MainLoop.Source }
}
