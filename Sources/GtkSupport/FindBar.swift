import CGtk

/// Where a search stands, for the "N of M" label (the words are the caller's).
public struct SearchCount: Sendable, Equatable {
    /// Nothing typed: no count to say.
    public var isEmpty: Bool
    /// How many matches the whole content has (so far, while `isCounting`).
    public var total: Int?
    /// Which match is selected (1-based); nil when none is, or while that is not known yet.
    public var position: Int?
    /// The search is still running: `total` may grow.
    public var isCounting = false

    public init(isEmpty: Bool, total: Int? = nil, position: Int? = nil, isCounting: Bool = false) {
        self.isEmpty = isEmpty
        self.total = total
        self.position = position
        self.isCounting = isCounting
    }
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

/// A find bar: a GtkSearchBar with a GtkSearchEntry, previous / next buttons, a case-sensitive
/// check button and a count label. It searches nothing itself: the owner gets the query
/// (`onQuery`) and the moves (`onMove`), searches the content's bytes and says the count
/// (`show(_:)`). Enter / Shift+Enter in the entry go to the next / previous match, Escape anywhere
/// in the window closes the bar.
@MainActor
public final class FindBar {
    /// The GtkSearchBar, to put above the view.
    public let bar: Widget
    private let entry: Widget
    private let matchCase: Widget
    /// Shows `describe(count)`.
    public let countLabel = Label()
    private let view: Widget
    private let describe: (SearchCount) -> String
    /// The text typed and whether Match case is on, whenever either changes (an empty text: no search).
    public var onQuery: (@MainActor (_ text: String, _ caseSensitive: Bool) -> Void)?
    /// A move: to the next match after the selection (`forward`), or the one before it;
    /// `fromSelectionStart`: a match starting where the selection starts counts (a new query).
    public var onMove: (@MainActor (_ forward: Bool, _ fromSelectionStart: Bool) -> Void)?
    /// The bar was shown or hidden.
    public var onOpenChanged: (@MainActor () -> Void)?
    private var escapeConnected = false
    /// The last text searched for: GtkSearchBar empties its entry when it closes, and Ctrl+F
    /// shows it again, selected, as GNOME applications do.
    private var lastTerm = ""

    /// - Parameters:
    ///   - view: the searched view, which gets the focus back when the bar closes.
    ///   - describe: the words for a count ("3 of 12", "No matches").
    public init(view: Widget, words: SearchBarWords, describe: @escaping (SearchCount) -> String) {
        self.view = view
        self.describe = describe
        bar = Widget(gtk_search_bar_new())
        entry = Widget(gtk_search_entry_new())
        matchCase = Widget(gtk_check_button_new_with_mnemonic(words.matchCase))

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

    /// The next match after the selection (wrapping around).
    public func next() { onMove?(true, false) }

    /// The match before the selection (wrapping around).
    public func previous() { onMove?(false, false) }

    /// The text typed (empty: no search).
    public var text: String { String(cString: gtk_entry_get_text(entry.cast(GtkEntry.self))) }

    /// Whether Match case is on.
    public var caseSensitive: Bool { gtk_toggle_button_get_active(matchCase.cast(GtkToggleButton.self)) != 0 }

    /// Says `count` in the count label.
    public func show(_ count: SearchCount) { countLabel.text = describe(count) }

    private func connectSignals() {
        entry.onSignal("search-changed") { [weak self] in self?.queryChanged() }
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
        matchCase.onSignal("toggled") { [weak self] in self?.queryChanged() }
        connectVoidSignalIgnoringArguments(bar.widget, "notify::search-mode-enabled") { [weak self] in
            guard let self else { return }
            self.onOpenChanged?()
            if !self.isOpen { self.view.grabFocus() }
        }
    }

    private func queryChanged() {
        if !text.isEmpty { lastTerm = text }
        onQuery?(text, caseSensitive)
        onMove?(true, true)   // the match at the cursor stays selected
    }
}
