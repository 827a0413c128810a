import CGtk

/// A GtkComboBoxText: a drop-down list of strings.
@MainActor
public final class ComboBoxText: Widget {
    /// Creates an empty combo box with nothing selected.
    public init() { super.init(gtk_combo_box_text_new()) }

    private var combo: UnsafeMutablePointer<GtkComboBoxText> { cast() }

    /// Replaces the entries with `items`, in order; nothing is selected afterwards.
    public func setItems(_ items: [String]) {
        gtk_combo_box_text_remove_all(combo)
        for item in items { gtk_combo_box_text_append_text(combo, item) }
        gtk_combo_box_set_active(cast(GtkComboBox.self), -1)
    }

    /// Index of the selected entry, or nil.
    public var activeIndex: Int? {
        get {
            let index = gtk_combo_box_get_active(cast(GtkComboBox.self))
            return index < 0 ? nil : Int(index)
        }
        set { gtk_combo_box_set_active(cast(GtkComboBox.self), Int32(newValue ?? -1)) }
    }

    /// Text of the selected entry, or nil when nothing is selected.
    public var activeText: String? {
        guard let text = gtk_combo_box_text_get_active_text(combo) else { return nil }
        defer { g_free(text) }
        return String(cString: text)
    }

    /// Called when the selection changes (also when it is cleared).
    public func onChanged(_ action: @escaping @MainActor () -> Void) { onSignal("changed", action) }
}
