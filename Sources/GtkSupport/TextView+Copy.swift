import CGtk

/// Which clipboard a copy goes to: Ctrl+C and the context menu's Copy (`clipboard`), or the X
/// primary selection that a middle click pastes (`primary`).
public enum ClipboardKind: Sendable {
    case clipboard, primary

    var atom: GdkAtom { gdk_atom_intern(self == .primary ? "PRIMARY" : "CLIPBOARD", 0) }  // notr: X selection names
}

extension TextView {
    /// The selected characters (GtkTextBuffer offsets), nil when nothing is selected.
    public var selectedCharacters: Range<Int>? {
        var start = GtkTextIter(), end = GtkTextIter()
        guard gtk_text_buffer_get_selection_bounds(buffer, &start, &end) != 0 else { return nil }
        return Int(gtk_text_iter_get_offset(&start))..<Int(gtk_text_iter_get_offset(&end))
    }

    /// The cursor's character offset (where a search starts when nothing is selected).
    public var cursorCharacter: Int {
        var iter = GtkTextIter()
        gtk_text_buffer_get_iter_at_mark(buffer, &iter, gtk_text_buffer_get_insert(buffer))
        return Int(gtk_text_iter_get_offset(&iter))
    }

    /// Selects `range` (character offsets) and scrolls it into view.
    public func select(characters range: Range<Int>) {
        var start = GtkTextIter(), end = GtkTextIter()
        gtk_text_buffer_get_iter_at_offset(buffer, &start, Int32(clamping: range.lowerBound))
        gtk_text_buffer_get_iter_at_offset(buffer, &end, Int32(clamping: range.upperBound))
        gtk_text_buffer_select_range(buffer, &end, &start)   // the cursor at the start: a scroll shows it first
        gtk_text_view_scroll_to_mark(view, gtk_text_buffer_get_insert(buffer), 0.1, 0, 0, 0)
    }

    /// Puts `text` on `kind`'s clipboard of this widget's display.
    public func setClipboard(_ text: String, _ kind: ClipboardKind) {
        let clipboard = gtk_widget_get_clipboard(widget, kind.atom)
        // The length is given: no strlen, and the C string's terminating NUL is not copied.
        gtk_clipboard_set_text(clipboard, text, Int32(clamping: text.utf8.count))
    }

    /// Makes every copy of the selection, Ctrl+C, the context menu's Copy and the primary
    /// selection, go through `provide`, which gets the selected character range and gives the
    /// text to copy (nil: GTK copies the buffer's text itself). The buffer's own copy would give
    /// its display text, which may hold characters inserted for display only.
    public func copySelection(through provide: @escaping @MainActor (Range<Int>, ClipboardKind) -> String?) {
        copyProvider = provide
        connectSignal(widget, "copy-clipboard") { [weak self] in
            guard let self, !self.isDestroyed, let range = self.selectedCharacters, let text = provide(range, .clipboard) else { return }
            self.setClipboard(text, .clipboard)
            g_signal_stop_emission_by_name(UnsafeMutableRawPointer(self.widget), "copy-clipboard")  // notr: a signal name
        }
        // GtkTextView hands the primary selection to its buffer when realized and on every new
        // buffer; take it back each time and serve it ourselves on selection changes.
        connectSignal(widget, "realize") { [weak self] in self?.ownPrimary() }
        // Unrealizing, GTK removes the primary selection from the buffer and asserts it is there
        // (a Gtk-CRITICAL at every window close otherwise): it is given back first. "unrealize"
        // runs its class handler last, after this one.
        connectSignal(widget, "unrealize") { [weak self] in self?.givePrimaryBack() }
        connectVoidSignalIgnoringArguments(widget, "notify::buffer") { [weak self] in self?.ownPrimary() }
        ownPrimary()
    }

    func ownPrimary() {
        guard copyProvider != nil, let buffer = gtk_text_view_get_buffer(view) else { return }
        if gtk_widget_get_realized(widget) != 0, g_object_get_data(UnsafeMutablePointer(OpaquePointer(buffer)), Self.primaryTaken) == nil {
            gtk_text_buffer_remove_selection_clipboard(buffer, gtk_widget_get_clipboard(widget, ClipboardKind.primary.atom))
            g_object_set_data(UnsafeMutablePointer(OpaquePointer(buffer)), Self.primaryTaken, UnsafeMutableRawPointer(bitPattern: 1))
        }
        // Marked on the buffer itself: a new buffer may reuse a freed one's address.
        let marker = "sharedmemory-primary"  // notr: object data key
        guard g_object_get_data(UnsafeMutablePointer(OpaquePointer(buffer)), marker) == nil else { return }
        g_object_set_data(UnsafeMutablePointer(OpaquePointer(buffer)), marker, UnsafeMutableRawPointer(bitPattern: 1))
        connectVoidSignalIgnoringArguments(buffer, "mark-set") { [weak self] in self?.selectionMoved() }
    }

    /// Marks a buffer whose primary selection this view took from GTK (object data key).
    private static let primaryTaken = "sharedmemory-primary-taken"  // notr: object data key

    /// Gives the primary selection back to the buffer before GTK takes it away itself (the view
    /// unrealized, or given another buffer): GTK's removal must find it there.
    func givePrimaryBack() {
        guard let buffer = gtk_text_view_get_buffer(view), gtk_widget_get_realized(widget) != 0,
              g_object_get_data(UnsafeMutablePointer(OpaquePointer(buffer)), Self.primaryTaken) != nil else { return }
        gtk_text_buffer_add_selection_clipboard(buffer, gtk_widget_get_clipboard(widget, ClipboardKind.primary.atom))
        g_object_set_data(UnsafeMutablePointer(OpaquePointer(buffer)), Self.primaryTaken, nil)
    }

    /// Once per main-loop turn (a drag moves the selection at every motion event).
    private func selectionMoved() {
        guard !primaryPending, !isDestroyed else { return }
        primaryPending = true
        _ = MainLoop.addIdle(priority: .defaultIdle) { [weak self] in
            // The window may have closed meanwhile: its view is gone though this object is not.
            guard let self, !self.isDestroyed else { return false }
            self.primaryPending = false
            if let range = self.selectedCharacters, let text = self.copyProvider?(range, .primary) {
                self.setClipboard(text, .primary)
            }
            return false
        }
    }
}
