import CGtk

/// A folder change as a few row changes: replacing the model of a combo whose list was popped up
/// and a group opened costs seconds (the tree view and its accessible drop and remake every row),
/// while removing and inserting the rows that changed costs only those.
extension ComboBoxText {
    /// What the shown store holds: its groups' entries (one group, under no row, when flat).
    struct Shown {
        let store: UnsafeMutablePointer<GtkTreeStore>   // owned by the combo
        let flat: Bool
        var groups: [[String]]
        /// The ``ListIndex`` it shows, nil when it was given without one.
        var listID: Int?
    }

    /// At most this many added and removed entries are applied row by row; more rebuild the list.
    static let maximumRowChanges = 256

    /// Turns the shown list into `items` in place; false (nothing changed) when it cannot: too
    /// many changes, the list would change between flat and grouped, or a flat list's order changed.
    /// With `index` (made off the main loop) whose change starts from the shown list, only the
    /// changed entries are looked at here.
    func update(_ shown: inout Shown, to items: [String], index: ListIndex?, flat: Bool, display: (String) -> String,
                groupTitle: (String, String) -> String) -> Bool {
        guard flat == shown.flat else { return false }
        let removed: Set<String>, added: [String], position: [String: Int]
        if let index, let change = index.change, change.from == shown.listID {
            (removed, added, position) = (change.removed, change.added, index.position)
        } else {
            let wanted = Set(items), had = Set(shown.groups.joined())
            position = Dictionary(items.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            removed = had.subtracting(wanted)
            added = wanted.subtracting(had).sorted { position[$0]! < position[$1]! }
        }
        shown.listID = index?.id
        guard removed.count + added.count <= Self.maximumRowChanges else { return false }
        // A flat list whose kept entries changed order (a recent-files list) is built again; flat
        // lists are short (ListGrouping groups long ones), so this check stays cheap.
        if flat {
            let wanted = Set(items), shownItems = Array(shown.groups.joined()), had = Set(shownItems)
            if items.filter(had.contains) != shownItems.filter(wanted.contains) { return false }
        }
        guard !removed.isEmpty || !added.isEmpty else { return true }
        let store = shown.store
        var touched = Set<Int>()
        for g in shown.groups.indices.reversed() where !removed.isEmpty {
            for r in shown.groups[g].indices.reversed() where removed.contains(shown.groups[g][r]) {
                if var iter = iter(store, flat ? "\(r)" : "\(g):\(r)") { gtk_tree_store_remove(store, &iter) }
                shown.groups[g].remove(at: r)
                touched.insert(g)
            }
            if !flat && shown.groups[g].isEmpty {
                if var iter = iter(store, "\(g)") { gtk_tree_store_remove(store, &iter) }
                shown.groups.remove(at: g)
                touched = Set(touched.compactMap { $0 == g ? nil : $0 > g ? $0 - 1 : $0 })
            }
        }
        for name in added {
            let p = position[name]!
            if shown.groups.isEmpty {
                var row = GtkTreeIter()
                smg_text_tree_store_append(store, &row, nil, "", nil)
                shown.groups = [[]]
            }
            let g = shown.groups.firstIndex { $0.last.map { position[$0]! > p } ?? false } ?? shown.groups.count - 1
            let r = shown.groups[g].firstIndex { position[$0]! > p } ?? shown.groups[g].count
            var entry = GtkTreeIter()
            if flat {
                smg_text_tree_store_insert(store, &entry, nil, Int32(r), display(name), name)
            } else if var parent = iter(store, "\(g)") {
                smg_text_tree_store_insert(store, &entry, &parent, Int32(r), display(name), name)
            }
            shown.groups[g].insert(name, at: r)
            touched.insert(g)
        }
        if !flat {
            for g in touched where g < shown.groups.count {
                if var row = iter(store, "\(g)"), let first = shown.groups[g].first, let last = shown.groups[g].last {
                    smg_text_tree_store_set_text(store, &row, groupTitle(first, last))
                }
            }
        }
        return true
    }

    private func iter(_ store: UnsafeMutablePointer<GtkTreeStore>, _ path: String) -> GtkTreeIter? {
        guard let treePath = gtk_tree_path_new_from_string(path) else { return nil }
        defer { gtk_tree_path_free(treePath) }
        var iter = GtkTreeIter()
        return gtk_tree_model_get_iter(OpaquePointer(store), &iter, treePath) != 0 ? iter : nil
    }
}
