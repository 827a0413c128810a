import CGtk
import CGtkSource

/// Where a search stands, for the "N of M" label (the words are the caller's).
public struct SearchCount: Sendable, Equatable {
    /// Nothing typed: no count to say.
    public var isEmpty: Bool
    /// How many matches the whole text has; nil while GtkSourceView still counts them.
    public var total: Int?
    /// Which match is selected (1-based); nil when none is, or while that is not known yet.
    public var position: Int?
}

/// The accessible names and labels of the search bar's controls, in the caller's words.
public struct SearchBarWords {
    public var entry: String
    public var previous: String
    public var next: String
    /// A mnemonic label, e.g. "Match _case".
    public var matchCase: String
    public var count: String
    public var close: String

    public init(entry: String, previous: String, next: String, matchCase: String, count: String, close: String) {
        self.entry = entry
        self.previous = previous
        self.next = next
        self.matchCase = matchCase
        self.count = count
        self.close = close
    }
}

/// A find bar for a `SourceView`: a GtkSearchBar with a GtkSearchEntry, previous / next buttons,
/// a case-sensitive check button and a count label. GtkSourceSearchContext highlights every match
/// and counts them in idle slices, and the moves (`next()`, `previous()`) search asynchronously,
/// so a huge text never blocks the main loop. Enter / Shift+Enter in the entry go to the next /
/// previous match, Escape anywhere in the window closes the bar. The search settings stay
/// while the text is replaced (a reload), and follow the view to a fresh buffer.
@MainActor
public final class SourceSearch {
    /// The GtkSearchBar, to put above the view.
    public let bar: Widget
    private let entry: Widget
    private let matchCase: Widget
    /// Shows `describe(count)`.
    public let countLabel = Label()
    private let view: SourceView
    private let settings: UnsafeMutablePointer<GtkSourceSearchSettings>
    private var context: UnsafeMutablePointer<GtkSourceSearchContext>?
    private var countHandler: gulong = 0
    private var cancellable: UnsafeMutablePointer<GCancellable>?
    /// Set when the view or the bar is destroyed: GtkTextView's own destroy then drops its buffer
    /// (`notify::buffer`), which must not make a new context over widgets that are gone.
    private var destroyed = false
    private let describe: (SearchCount) -> String
    private var escapeConnected = false
    /// The last text searched for: GtkSearchBar empties its entry when it closes, and Ctrl+F
    /// shows it again, selected, as GNOME applications do.
    private var lastTerm = ""

    /// - Parameter describe: the words for a count ("3 of 12", "No matches").
    public init(view: SourceView, words: SearchBarWords, describe: @escaping (SearchCount) -> String) {
        self.view = view
        self.describe = describe
        bar = Widget(gtk_search_bar_new())
        entry = Widget(gtk_search_entry_new())
        matchCase = Widget(gtk_check_button_new_with_mnemonic(words.matchCase))
        settings = gtk_source_search_settings_new()
        gtk_source_search_settings_set_wrap_around(settings, 1)

        entry.setAccessibleName(words.entry)
        // 30 characters wide when there is room, 4 at the least: the bar must not set the
        // window's minimum width (it was 556 px, 902 px with a DPI scale of 2; issue 23).
        gtk_entry_set_width_chars(entry.cast(GtkEntry.self), 4)
        gtk_entry_set_max_width_chars(entry.cast(GtkEntry.self), 30)
        // The check button's words and the count may shorten ("Match c…") in a narrow window.
        if let label = gtk_bin_get_child(matchCase.cast(GtkBin.self)) {
            gtk_label_set_ellipsize(UnsafeMutableRawPointer(label).assumingMemoryBound(to: GtkLabel.self), PANGO_ELLIPSIZE_END)
        }
        gtk_label_set_ellipsize(countLabel.cast(GtkLabel.self), PANGO_ELLIPSIZE_END)
        matchCase.setAccessibleName(words.matchCase.replacingOccurrences(of: "_", with: ""))
        countLabel.setAccessibleName(words.count)
        let previousButton = Button(iconName: "go-up-symbolic")
        previousButton.setAccessibleName(words.previous)
        previousButton.setTooltip(words.previous)
        previousButton.onClicked { [weak self] in self?.previous() }
        let nextButton = Button(iconName: "go-down-symbolic")
        nextButton.setAccessibleName(words.next)
        nextButton.setTooltip(words.next)
        nextButton.onClicked { [weak self] in self?.next() }

        // Our own close button: GtkSearchBar's has no accessible name.
        let closeButton = Button(iconName: "window-close-symbolic")
        closeButton.setAccessibleName(words.close)
        closeButton.setTooltip(words.close)
        gtk_button_set_relief(closeButton.cast(GtkButton.self), GTK_RELIEF_NONE)
        closeButton.onClicked { [weak self] in self?.close() }

        let row = Box(vertical: false, spacing: 6)
        row.add(entry)
        row.add(previousButton)
        row.add(nextButton)
        row.add(matchCase)
        row.add(countLabel)
        row.add(closeButton)
        gtk_container_add(bar.cast(GtkContainer.self), row.widget)
        gtk_search_bar_connect_entry(searchBar, entry.cast(GtkEntry.self))

        attach()
        connectSignals()
    }

    private var searchBar: UnsafeMutablePointer<GtkSearchBar> { bar.cast() }

    /// Whether the bar is shown.
    public var isOpen: Bool { gtk_search_bar_get_search_mode(searchBar) != 0 }

    /// Shows the bar and puts the focus in the entry, its text selected (Ctrl+F).
    public func open() {
        gtk_search_bar_set_search_mode(searchBar, 1)
        let field = entry.cast(GtkEntry.self)
        if gtk_entry_get_text_length(field) == 0, !lastTerm.isEmpty { gtk_entry_set_text(field, lastTerm) }
        // Realized before it takes the focus: the key release of Ctrl+F goes to the focus widget,
        // and GTK refuses an event for an unrealized one with a Gtk-CRITICAL (issue 23).
        gtk_widget_realize(entry.widget)
        entry.grabFocus()   // a GtkEntry selects its text when it gets the focus this way
    }

    /// Hides the bar and gives the focus back to the text.
    public func close() { gtk_search_bar_set_search_mode(searchBar, 0) }

    /// Selects the next match after the selection and scrolls to it (wrapping around).
    public func next() { move(forward: true, from: .selectionEnd) }

    /// Selects the match before the selection and scrolls to it (wrapping around).
    public func previous() { move(forward: false, from: .selectionStart) }

    private func connectSignals() {
        entry.onSignal("search-changed") { [weak self] in self?.textChanged() }
        entry.onSignal("activate") { [weak self] in self?.next() }
        entry.onSignal("next-match") { [weak self] in self?.next() }
        entry.onSignal("previous-match") { [weak self] in self?.previous() }
        connectKeyPress(entry.widget) { [weak self] keyval, state in
            // GtkEntry activates on a plain Return only.
            let enter = keyval == UInt32(GDK_KEY_Return) || keyval == UInt32(GDK_KEY_KP_Enter)
            guard enter, state & GDK_SHIFT_MASK.rawValue != 0 else { return false }
            self?.previous()
            return true
        }
        // Escape closes the bar wherever the focus is (a header button, the text): the window's
        // key presses, before its focus widget's. Connected once the bar is in its window.
        bar.onSignal("realize") { [weak self] in
            guard let self, !self.escapeConnected, let window = gtk_widget_get_toplevel(self.bar.widget) else { return }
            self.escapeConnected = true
            _ = connectKeyPress(window) { [weak self] keyval, _ in
                guard let self, keyval == UInt32(GDK_KEY_Escape), self.isOpen else { return false }
                self.close()
                return true
            }
        }
        matchCase.onSignal("toggled") { [weak self] in self?.caseToggled() }
        connectVoidSignalIgnoringArguments(bar.widget, "notify::search-mode-enabled") { [weak self] in
            self?.modeChanged()
        }
        // A huge text gets a fresh buffer (`TextView.swapOutHugeBuffer`): the search follows it.
        connectVoidSignalIgnoringArguments(view.widget, "notify::buffer") { [weak self] in self?.attach() }
        view.onSignal("destroy") { [weak self] in self?.destroyed = true; self?.detach() }
        bar.onSignal("destroy") { [weak self] in self?.destroyed = true; self?.detach() }
    }

    /// A search context on the view's current buffer, sharing the settings.
    private func attach() {
        detach()
        guard !destroyed else { return }
        let made = gtk_source_search_context_new(view.sourceBuffer, settings)!
        context = made
        gtk_source_search_context_set_highlight(made, isOpen.gboolean)
        countHandler = connectVoidSignalIgnoringArguments(UnsafeMutableRawPointer(made), "notify::occurrences-count") { [weak self] in
            self?.showCount()
        }
        showCount()
    }

    private func detach() {
        cancelMove()
        guard let old = context else { return }
        context = nil
        g_signal_handler_disconnect(UnsafeMutableRawPointer(old), countHandler)
        g_object_unref(UnsafeMutableRawPointer(old))
    }

    private func modeChanged() {
        if let context { gtk_source_search_context_set_highlight(context, isOpen.gboolean) }
        if !isOpen { view.grabFocus() }
    }

    private func textChanged() {
        let text = String(cString: gtk_entry_get_text(entry.cast(GtkEntry.self)))
        if !text.isEmpty { lastTerm = text }
        gtk_source_search_settings_set_search_text(settings, text.isEmpty ? nil : text)
        move(forward: true, from: .selectionStart)   // the match at the cursor stays selected
    }

    private func caseToggled() {
        let active = gtk_toggle_button_get_active(matchCase.cast(GtkToggleButton.self))
        gtk_source_search_settings_set_case_sensitive(settings, active)
        move(forward: true, from: .selectionStart)
    }

    private enum Origin { case selectionStart, selectionEnd }

    /// Starts an asynchronous search from the selection; the found match is selected when it ends.
    /// A newer move cancels an older one.
    private func move(forward: Bool, from origin: Origin) {
        showCount()
        guard let context, gtk_source_search_settings_get_search_text(settings) != nil else { return }
        cancelMove()
        let buffer = UnsafeMutableRawPointer(view.sourceBuffer).assumingMemoryBound(to: GtkTextBuffer.self)
        var start = GtkTextIter(), end = GtkTextIter()
        gtk_text_buffer_get_selection_bounds(buffer, &start, &end)
        var iter = origin == .selectionStart ? start : end
        let cancellable = g_cancellable_new()!
        self.cancellable = cancellable
        let (callback, data) = asyncCallback { [weak self] result in
            self?.moved(result, forward: forward, context: context, buffer: buffer)
        }
        if forward {
            gtk_source_search_context_forward_async(context, &iter, cancellable, callback, data)
        } else {
            gtk_source_search_context_backward_async(context, &iter, cancellable, callback, data)
        }
    }

    private func moved(_ result: OpaquePointer, forward: Bool, context: UnsafeMutablePointer<GtkSourceSearchContext>,
                       buffer: UnsafeMutablePointer<GtkTextBuffer>) {
        var start = GtkTextIter(), end = GtkTextIter()
        var wrapped: gboolean = 0
        var error: UnsafeMutablePointer<GError>?
        let found = forward
            ? gtk_source_search_context_forward_finish(context, result, &start, &end, &wrapped, &error)
            : gtk_source_search_context_backward_finish(context, result, &start, &end, &wrapped, &error)
        if let error { g_error_free(error) }   // cancelled by a newer move
        guard found != 0, context == self.context else { return showCount() }
        gtk_text_buffer_select_range(buffer, &start, &end)
        gtk_text_view_scroll_to_mark(view.view, gtk_text_buffer_get_insert(buffer), 0.1, 0, 0, 0)
        showCount()
    }

    private func cancelMove() {
        guard let cancellable else { return }
        self.cancellable = nil
        g_cancellable_cancel(cancellable)
        g_object_unref(UnsafeMutableRawPointer(cancellable))
    }

    /// Says the count and the selected match's place in it.
    private func showCount() {
        guard let context, gtk_source_search_settings_get_search_text(settings) != nil else {
            countLabel.text = describe(SearchCount(isEmpty: true))
            return
        }
        let total = Int(gtk_source_search_context_get_occurrences_count(context))
        var position: Int?
        let buffer = UnsafeMutableRawPointer(view.sourceBuffer).assumingMemoryBound(to: GtkTextBuffer.self)
        var start = GtkTextIter(), end = GtkTextIter()
        if gtk_text_buffer_get_selection_bounds(buffer, &start, &end) != 0 {
            let found = Int(gtk_source_search_context_get_occurrence_position(context, &start, &end))
            position = found > 0 ? found : nil
        }
        countLabel.text = describe(SearchCount(isEmpty: false, total: total >= 0 ? total : nil, position: position))
    }
}
