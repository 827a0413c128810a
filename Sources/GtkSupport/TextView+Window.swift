import CGtk

extension TextView {
    /// Replaces the text with a window of a larger content (at most a few hundred KiB: set in one
    /// call, laid out lazily by GTK) and scrolls so that `character` is at the top, or to the end
    /// (`atEnd`). Cancels an unfinished chunked insertion.
    public func replaceWindow(_ text: String, top character: Int, atEnd: Bool = false) {
        cancelInsertion()
        validator.cancel()
        gtk_text_buffer_set_text(buffer, text, Int32(clamping: text.utf8.count))
        if atEnd {
            scrollToEdge(end: true)
            return
        }
        var iter = GtkTextIter()
        gtk_text_buffer_get_iter_at_offset(buffer, &iter, Int32(clamping: character))
        gtk_text_buffer_place_cursor(buffer, &iter)
        // The screens from that line are laid out first, then it is put at the top; without the
        // validator, GTK scrolls to the mark once the lines around it are laid out.
        if validator.scroll(to: .line(gtk_text_iter_get_line(&iter))) { return }
        gtk_text_view_scroll_to_mark(view, gtk_text_buffer_get_insert(buffer), 0, 1, 0, 0)
    }

    /// Selects `range` (character offsets) without scrolling: a selection kept through a window swap.
    public func keepSelection(characters range: Range<Int>) {
        var start = GtkTextIter(), end = GtkTextIter()
        gtk_text_buffer_get_iter_at_offset(buffer, &start, Int32(clamping: range.lowerBound))
        gtk_text_buffer_get_iter_at_offset(buffer, &end, Int32(clamping: range.upperBound))
        gtk_text_buffer_select_range(buffer, &end, &start)
    }

    /// Scrolls to the start or the end of the text (Ctrl+Home, Ctrl+End).
    public func scrollToEdge(end: Bool) {
        if validator.scroll(to: end ? .end : .start) { return }
        var iter = GtkTextIter()
        if end { gtk_text_buffer_get_end_iter(buffer, &iter) } else { gtk_text_buffer_get_start_iter(buffer, &iter) }
        gtk_text_buffer_place_cursor(buffer, &iter)
        gtk_text_view_scroll_to_mark(view, gtk_text_buffer_get_insert(buffer), 0, 1, 0, end ? 1 : 0)
    }

    /// The vertical scroll position, the visible height and the text's height, in pixels.
    public var verticalScroll: (value: Double, page: Double, upper: Double) {
        guard let adjustment = gtk_scrollable_get_vadjustment(OpaquePointer(view)) else { return (0, 0, 0) }
        return (gtk_adjustment_get_value(adjustment), gtk_adjustment_get_page_size(adjustment), gtk_adjustment_get_upper(adjustment))
    }
}
