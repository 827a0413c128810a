import CGtk
import CGtkSource

extension SourceView {
    static let matchTagName = "sharedmemory-search-match"  // notr: a tag name

    /// The characters (buffer offsets) from the top of the visible area to its bottom.
    public var visibleCharacters: Range<Int> {
        var rect = GdkRectangle()
        gtk_text_view_get_visible_rect(view, &rect)
        var top = GtkTextIter(), bottom = GtkTextIter()
        gtk_text_view_get_iter_at_location(view, &top, rect.x, rect.y)
        gtk_text_view_get_iter_at_location(view, &bottom, rect.x + rect.width, rect.y + rect.height)
        gtk_text_iter_forward_to_line_end(&bottom)
        let start = Int(gtk_text_iter_get_offset(&top))
        return start..<max(start, Int(gtk_text_iter_get_offset(&bottom)))
    }

    /// Calls `action` once per main-loop turn after the view scrolled, was resized or its text grew.
    public func onViewMoved(_ action: @escaping @MainActor () -> Void) {
        guard let adjustment = gtk_scrollable_get_vadjustment(OpaquePointer(view)) else { return }
        var pending = false
        let schedule: @MainActor () -> Void = {
            guard !pending else { return }
            pending = true
            _ = MainLoop.addIdle(priority: .defaultIdle) { [weak self] in
                pending = false
                // The adjustment also changes while the window is destroyed: no call on a dead view.
                guard let self, !self.isDestroyed else { return false }
                action()
                return false
            }
        }
        _ = connectSignal(adjustment, "value-changed", schedule)
        _ = connectSignal(adjustment, "changed", schedule)
    }

    /// Marks `ranges` (character offsets, increasing) in the style scheme's search-match colors;
    /// the marks of the last call go. The caller marks what is on screen only, so a text with
    /// tens of thousands of matches costs no more than a screenful.
    public func markMatches(_ ranges: [Range<Int>]) {
        let table = gtk_text_buffer_get_tag_table(buffer)
        var tag = gtk_text_tag_table_lookup(table, Self.matchTagName)
        if tag == nil, let made = gtk_text_tag_new(Self.matchTagName) {
            gtk_text_tag_table_add(table, made)
            g_object_unref(made)
            tag = made
        }
        guard let tag else { return }
        // Above the highlighting's tags, made later.
        gtk_text_tag_set_priority(tag, gtk_text_tag_table_get_size(table) - 1)
        if let style = gtk_source_style_scheme_get_style(gtk_source_buffer_get_style_scheme(sourceBuffer), "search-match") {  // notr: a style id
            gtk_source_style_apply(style, tag)
        }
        var start = GtkTextIter(), end = GtkTextIter()
        if let marked = markedMatches {
            gtk_text_buffer_get_iter_at_offset(buffer, &start, Int32(clamping: marked.lowerBound))
            gtk_text_buffer_get_iter_at_offset(buffer, &end, Int32(clamping: marked.upperBound))
            gtk_text_buffer_remove_tag(buffer, tag, &start, &end)
        }
        markedMatches = nil
        guard let first = ranges.first, let last = ranges.last else { return }
        for range in ranges {
            gtk_text_buffer_get_iter_at_offset(buffer, &start, Int32(clamping: range.lowerBound))
            gtk_text_buffer_get_iter_at_offset(buffer, &end, Int32(clamping: range.upperBound))
            gtk_text_buffer_apply_tag(buffer, tag, &start, &end)
        }
        markedMatches = first.lowerBound..<last.upperBound
    }
}
