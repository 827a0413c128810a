import CGtk

/// A GtkComboBoxText: a drop-down list of strings, shown as a list (a scrolled tree view) rather
/// than a menu. A menu makes a widget per entry when the list is set and sizes them all when it pops
/// up (10,000 entries: seconds); the list style costs only the rows it shows. Long lists are
/// grouped: the top level holds the groups, each opened group its entries.
@MainActor
public final class ComboBoxText: Widget {
    /// The list being built, in slices, before it replaces the shown one.
    private var pending: (store: UnsafeMutablePointer<GtkTreeStore>, source: MainLoop.Source)?
    /// True while a new list is put in place: `changed` then means no pick by the user.
    public internal(set) var isReplacing = false
    /// The list set last, for updating it in place (`ComboBoxText+Update.swift`).
    private var shown: Shown?
    /// Rows added per main-loop turn while a list is built: a few ms of work.
    static let rowsPerSlice = 2000

    /// Creates an empty combo box with nothing selected.
    public init() {
        super.init(gtk_combo_box_text_new())
        let provider = gtk_css_provider_new()
        gtk_css_provider_load_from_data(provider, "combobox { -GtkComboBox-appears-as-list: 1; }", -1, nil)  // notr: CSS
        gtk_style_context_add_provider(gtk_widget_get_style_context(widget),
                                       OpaquePointer(provider), UInt32(GTK_STYLE_PROVIDER_PRIORITY_APPLICATION))
        g_object_unref(provider)
        // Entries are ellipsized in the middle: a long name does not widen the window.
        if let cells = gtk_cell_layout_get_cells(OpaquePointer(widget)) {
            var node: UnsafeMutablePointer<GList>? = cells
            while let current = node {
                let cell = current.pointee.data
                smg_object_set_int(cell, "ellipsize", Int32(PANGO_ELLIPSIZE_MIDDLE.rawValue))
                // At least 10 characters, up to 30 when there is room: German buttons beside the
                // list made the loader's minimum width 409 px at scale 1 with 30 fixed.
                smg_object_set_int(cell, "width-chars", 10)
                smg_object_set_int(cell, "max-width-chars", 30)
                node = current.pointee.next
            }
            g_list_free(cells)
        }
        // The box showing the picked entry (a GtkCellView) "fits the model": each time the combo's
        // size is asked (after any change of the list) it measures every row, children included,
        // with Pango: 10,000 names stall the main loop 1.5-4 s. Its width comes from the cells'
        // width-chars instead.
        if let child = gtk_bin_get_child(cast(GtkBin.self)) {
            gtk_cell_view_set_fit_model(UnsafeMutableRawPointer(child).assumingMemoryBound(to: GtkCellView.self), 0)
        }
    }

    private var box: UnsafeMutablePointer<GtkComboBox> { cast() }

    /// Replaces the entries with `items`, in order, built off screen in slices (the main loop
    /// answers meanwhile) and then shown at once; `selected` is selected again if still there.
    /// Each entry shows `shown(item)` and gives back `item` as `activeText`. With a `groupSize`, the
    /// entries are put in groups of that many, each group row titled by `groupTitle(first, last)`.
    /// A newer call abandons the list an older one was building.
    public func setItems(_ items: [String], selecting selected: String? = nil,
                         shown display: @escaping @MainActor (String) -> String = { $0 }, groupSize: Int? = nil,
                         groupTitle: @escaping @MainActor (String, String) -> String = { _, _ in "" }) {
        setItems(items, index: nil, selecting: selected, shown: display, groupSize: groupSize, groupTitle: groupTitle)
    }

    /// ``setItems(_:selecting:shown:groupSize:groupTitle:)`` for a list indexed off the main loop:
    /// a change from the list shown costs only the changed entries here.
    public func setItems(_ index: ListIndex, selecting selected: String? = nil,
                         shown display: @escaping @MainActor (String) -> String = { $0 }, groupSize: Int? = nil,
                         groupTitle: @escaping @MainActor (String, String) -> String = { _, _ in "" }) {
        setItems(index.items, index: index, selecting: selected, shown: display, groupSize: groupSize, groupTitle: groupTitle)
    }

    private func setItems(_ items: [String], index: ListIndex?, selecting selected: String?,
                          shown display: @escaping @MainActor (String) -> String, groupSize: Int?,
                          groupTitle: @escaping @MainActor (String, String) -> String) {
        cancelPending()
        if var current = shown {
            isReplacing = true
            let updated = update(&current, to: items, index: index, flat: groupSize == nil, display: display, groupTitle: groupTitle)
            isReplacing = false
            if updated {
                shown = current
                return
            }
        }
        let store = smg_text_tree_store_new()!
        let groups = groupSize.map { size in
            stride(from: 0, to: items.count, by: size).map { $0..<min($0 + size, items.count) }
        } ?? [0..<items.count]
        var group = 0, next = 0
        var parent = GtkTreeIter()
        let slice: @MainActor () -> Bool = { [weak self] in
            guard let self else { return false }
            let end = min(items.count, next + Self.rowsPerSlice)
            while next < end {
                var iter = GtkTreeIter()
                if groupSize != nil {
                    if next == groups[group].lowerBound {
                        let range = groups[group]
                        smg_text_tree_store_append(store, &parent, nil,
                                                   groupTitle(items[range.lowerBound], items[range.upperBound - 1]), nil)
                    }
                    smg_text_tree_store_append(store, &iter, &parent, display(items[next]), items[next])
                    if next + 1 == groups[group].upperBound { group += 1 }
                } else {
                    smg_text_tree_store_append(store, &iter, nil, display(items[next]), items[next])
                }
                next += 1
            }
            guard next >= items.count else { return true }
            self.pending = nil   // the source ends by returning false
            self.shown = Shown(store: store, flat: groupSize == nil, groups: groups.map { Array(items[$0]) }, listID: index?.id)
            let index = selected.flatMap { items.firstIndex(of: $0) }
            self.show(store, selecting: index.map { index in
                groupSize.map { (index / $0, index % $0) } ?? (nil, index)
            })
            return false
        }
        // A short list is shown at once: no turn of the main loop shows the old one meanwhile.
        if items.count <= Self.rowsPerSlice {
            _ = slice()
        } else {
            pending = (store, MainLoop.addIdle(slice))
        }
    }

    private func show(_ store: UnsafeMutablePointer<GtkTreeStore>, selecting position: (group: Int?, row: Int)?) {
        isReplacing = true
        defer { isReplacing = false }
        gtk_combo_box_set_model(box, OpaquePointer(store))
        g_object_unref(store)
        guard let position else { return }
        let text = position.group.map { "\($0):\(position.row)" } ?? "\(position.row)"
        guard let path = gtk_tree_path_new_from_string(text) else { return }
        defer { gtk_tree_path_free(path) }
        var iter = GtkTreeIter()
        if gtk_tree_model_get_iter(OpaquePointer(store), &iter, path) != 0 { gtk_combo_box_set_active_iter(box, &iter) }
    }

    private func cancelPending() {
        guard let pending else { return }
        pending.source.remove()
        g_object_unref(pending.store)
        self.pending = nil
    }

    /// Clears the selection.
    public func selectNone() { gtk_combo_box_set_active(box, -1) }

    /// The selected entry (as given to `setItems`, not as shown), or nil when nothing (or a group
    /// row) is selected.
    public var activeText: String? {
        var iter = GtkTreeIter()
        guard gtk_combo_box_get_active_iter(box, &iter) != 0, let model = gtk_combo_box_get_model(box),
              gtk_tree_model_iter_has_child(model, &iter) == 0 else { return nil }
        // Not gtk_combo_box_text_get_active_text: it accepts only a GtkListStore, and gives the
        // shown text; the id column holds the entry itself.
        var value = GValue()
        gtk_tree_model_get_value(model, &iter, 1, &value)
        defer { g_value_unset(&value) }
        return g_value_get_string(&value).map { String(cString: $0) }
    }

    /// Called when the selection changes (also when it is cleared).
    public func onChanged(_ action: @escaping @MainActor () -> Void) { onSignal("changed", action) }
}
