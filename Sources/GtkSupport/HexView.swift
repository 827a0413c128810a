import CGtk

/// A hex dump of any number of bytes without stalling: a GtkTextView (monospace, read-only, real
/// text for selection, copy and screen readers) holds only the rows that fit in the window, and a
/// scrollbar beside it spans every row; scrolling replaces those few rows (about 4 KB). The rows
/// come from the caller (SharedFile's `HexDump`: offset, two spaces, 16 bytes as "xx " with one more
/// space after the eighth, a space, the printable column), a layout this view maps selections by.
/// Copy gives the selected characters as shown.
@MainActor
public final class HexView: Widget {
    private let text: UnsafeMutablePointer<GtkWidget>
    private let adjustment: UnsafeMutablePointer<GtkAdjustment>
    private var byteCount = 0
    private var offsetDigits = 8
    private var rowText: @MainActor (Int) -> String = { _ in "" }
    private static let bytesPerRow = 16
    /// Characters of the hex column: "xx " per byte plus the gap after the eighth.
    private static let hexWidth = bytesPerRow * 3 + 1
    private var topRow = 0
    private var lineHeight = 0.0
    private var selection: Range<Int>?
    /// Called when other rows were put in the view (scrolling, the keys, the bar), with whether the
    /// last row is among them.
    public var onScrolled: (@MainActor (_ atEnd: Bool) -> Void)?

    public init() {
        text = gtk_text_view_new()
        adjustment = gtk_adjustment_new(0, 0, 0, 1, 10, 10)
        super.init(gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0))
        let view = UnsafeMutableRawPointer(text).assumingMemoryBound(to: GtkTextView.self)
        gtk_text_view_set_editable(view, 0)
        gtk_text_view_set_monospace(view, 1)
        gtk_text_view_set_wrap_mode(view, GTK_WRAP_NONE)
        gtk_text_view_set_left_margin(view, 6)
        gtk_text_view_set_top_margin(view, 2)
        let scrollbar = gtk_scrollbar_new(GTK_ORIENTATION_VERTICAL, adjustment)!
        let box = UnsafeMutableRawPointer(widget).assumingMemoryBound(to: GtkBox.self)
        // The rows are not wrapped: in a scrolled window of their own (sideways only, the rows
        // being ours) so that the 78-character row does not set the window's minimum width.
        let sideways = gtk_scrolled_window_new(nil, nil)!
        gtk_scrolled_window_set_policy(UnsafeMutableRawPointer(sideways).assumingMemoryBound(to: GtkScrolledWindow.self),
                                       GTK_POLICY_AUTOMATIC, GTK_POLICY_EXTERNAL)
        gtk_container_add(UnsafeMutableRawPointer(sideways).assumingMemoryBound(to: GtkContainer.self), text)
        gtk_box_pack_start(box, sideways, 1, 1, 0)
        gtk_box_pack_start(box, scrollbar, 0, 0, 0)
        connectSignal(UnsafeMutableRawPointer(adjustment), "value-changed") { [weak self] in
            guard let self else { return }
            let row = Int(gtk_adjustment_get_value(self.adjustment).rounded(.down))
            guard row != self.topRow else { return }
            self.topRow = row
            self.fill()
            self.onScrolled?(row >= self.rows - self.visibleRows)
        }
        connectVoidSignalIgnoringArguments(UnsafeMutableRawPointer(text), "size-allocate") { [weak self] in self?.pageChanged() }
        gtk_widget_add_events(text, Int32(GDK_SCROLL_MASK.rawValue | GDK_SMOOTH_SCROLL_MASK.rawValue))
        connectScroll(UnsafeMutableRawPointer(text)) { [weak self] delta, _, _, state in
            guard let self, state & GDK_CONTROL_MASK.rawValue == 0 else { return false }
            self.scroll(toRow: Double(self.topRow) + delta * 3)
            return true
        }
        connectKeyPress(UnsafeMutableRawPointer(text)) { [weak self] keyval, state in
            guard let self, state & GDK_SHIFT_MASK.rawValue == 0 else { return false }
            let page = max(1, self.visibleRows - 1)
            let control = state & GDK_CONTROL_MASK.rawValue != 0
            switch Int32(keyval) {
            case GDK_KEY_Up, GDK_KEY_KP_Up: self.scroll(toRow: Double(self.topRow - 1))
            case GDK_KEY_Down, GDK_KEY_KP_Down: self.scroll(toRow: Double(self.topRow + 1))
            case GDK_KEY_Page_Up, GDK_KEY_KP_Page_Up: self.scroll(toRow: Double(self.topRow - page))
            case GDK_KEY_Page_Down, GDK_KEY_KP_Page_Down: self.scroll(toRow: Double(self.topRow + page))
            case GDK_KEY_Home where control: self.scroll(toRow: 0)
            case GDK_KEY_End where control: self.scroll(toRow: Double(self.rows))
            default: return false
            }
            return true
        }
    }

    /// The text part, for its accessible name and the focus.
    public var textWidget: Widget { Widget(text) }

    private var view: UnsafeMutablePointer<GtkTextView> { UnsafeMutableRawPointer(text).assumingMemoryBound(to: GtkTextView.self) }
    private var buffer: UnsafeMutablePointer<GtkTextBuffer> { gtk_text_view_get_buffer(view) }
    private var rows: Int { (byteCount + Self.bytesPerRow - 1) / Self.bytesPerRow }

    /// Rows that fit in the window (at least one).
    private var visibleRows: Int {
        let height = Double(gtk_widget_get_allocated_height(text))
        return max(1, Int((height / max(lineHeight, 1)).rounded(.down)))
    }

    /// Shows `byteCount` bytes from the top; `row` makes the text of a row (0-based).
    public func show(byteCount: Int, offsetDigits: Int, row: @escaping @MainActor (Int) -> String) {
        self.byteCount = byteCount
        self.offsetDigits = offsetDigits
        rowText = row
        selection = nil
        topRow = 0
        pageChanged()
        gtk_adjustment_set_value(adjustment, 0)
        fill()
    }

    public func focus() { gtk_widget_grab_focus(text) }

    /// The bytes the selection covers (or the byte at the cursor, empty), in the content.
    public var selectedBytes: Range<Int>? {
        var start = GtkTextIter(), end = GtkTextIter()
        if gtk_text_buffer_get_selection_bounds(buffer, &start, &end) == 0 {
            gtk_text_buffer_get_iter_at_mark(buffer, &start, gtk_text_buffer_get_insert(buffer))
            let byte = byteAt(&start, end: false)
            return byte..<byte
        }
        return byteAt(&start, end: false)..<byteAt(&end, end: true)
    }

    /// Selects `range` in the hex column and scrolls its first row into view (a third down).
    public func select(bytes range: Range<Int>) {
        selection = range
        let row = range.lowerBound / Self.bytesPerRow
        if row < topRow || row >= topRow + visibleRows - 1 {
            scroll(toRow: Double(row - visibleRows / 3))
        } else {
            fill()
        }
    }

    private func scroll(toRow row: Double) {
        let upper = max(0, Double(rows - visibleRows + 1))
        gtk_adjustment_set_value(adjustment, min(max(row, 0), upper))
    }

    private func pageChanged() {
        measureLine()
        let page = Double(visibleRows)
        gtk_adjustment_configure(adjustment, Double(topRow), 0, Double(rows) + 1, 1, max(1, page - 1), page)
        fill()
    }

    private func measureLine() {
        guard lineHeight == 0 else { return }
        let layout = gtk_widget_create_pango_layout(text, "0")
        var height: Int32 = 0
        pango_layout_get_pixel_size(layout, nil, &height)
        g_object_unref(UnsafeMutableRawPointer(layout))
        if height > 0 { lineHeight = Double(height) }
    }

    /// The rows from `topRow` that fit (one more, partly shown), into the buffer.
    private func fill() {
        let first = min(topRow, max(0, rows - 1)), last = min(rows, first + visibleRows + 1)
        var lines: [String] = []
        lines.reserveCapacity(max(0, last - first))
        for row in first..<max(first, last) { lines.append(rowText(row)) }
        let joined = lines.joined(separator: "\n")
        gtk_text_buffer_set_text(buffer, joined, Int32(joined.utf8.count))
        if let selection, let start = characterOffset(ofByte: selection.lowerBound),
           let end = characterOffset(ofByte: max(selection.lowerBound, selection.upperBound - 1)).map({ $0 + 2 }) {
            var from = GtkTextIter(), to = GtkTextIter()
            gtk_text_buffer_get_iter_at_offset(buffer, &from, Int32(start))
            gtk_text_buffer_get_iter_at_offset(buffer, &to, Int32(end))
            gtk_text_buffer_select_range(buffer, &from, &to)
        }
    }

    private var hexStart: Int { offsetDigits + 2 }
    private var lineLength: Int { hexStart + Self.hexWidth + 1 + Self.bytesPerRow + 1 }

    /// Where a byte's hex digits start in the buffer, nil when its row is not in it.
    private func characterOffset(ofByte byte: Int) -> Int? {
        let row = byte / Self.bytesPerRow, column = byte % Self.bytesPerRow
        let first = min(topRow, max(0, rows - 1))
        guard row >= first, row <= first + visibleRows else { return nil }
        // Every row but the last is full length; a row's start only depends on the rows before it.
        return (row - first) * lineLength + hexStart + column * 3 + (column >= 8 ? 1 : 0)
    }

    /// The byte under a buffer position: its hex digits, its printable character, or (before the
    /// hex column) the row's first byte. `end`: the byte after it (a selection's end).
    private func byteAt(_ iter: UnsafeMutablePointer<GtkTextIter>, end: Bool) -> Int {
        let first = min(topRow, max(0, rows - 1))
        let line = Int(gtk_text_iter_get_line(iter)), column = Int(gtk_text_iter_get_line_offset(iter))
        let rowStart = (first + line) * Self.bytesPerRow
        let asciiStart = hexStart + Self.hexWidth + 1
        var index: Int
        if column < hexStart {
            index = 0
        } else if column < asciiStart {
            let inHex = column - hexStart - (column - hexStart >= 25 ? 1 : 0)
            index = end ? (inHex + 2) / 3 : inHex / 3
        } else {
            index = column - asciiStart
        }
        index = min(max(index, 0), Self.bytesPerRow)
        return min(rowStart + index, byteCount)
    }
}
