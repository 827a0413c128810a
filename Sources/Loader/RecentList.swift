import Foundation
import GtkSupport
import Localization
import Messages

/// The "Recent files" combo: the desktop's recent files that this loader added (picks of "Other
/// File…" and drops), newest first, each loaded again by one pick. Kept by GtkRecentManager, so
/// they survive a restart and show in other programs' recent lists too.
@MainActor
final class RecentList {
    let label = Label(mnemonic: tr("R_ecent files:"))
    let combo = ComboBoxText()
    private let recent = RecentFiles(application: "sharedmemory_loader", group: "sharedmemory-gtk")   // notr: ids, not words
    /// How many entries the combo offers.
    static let limit = 10

    /// `picked` gets the file of an entry the user picks.
    init(picked: @escaping @MainActor (URL) -> Void) {
        label.setLabelFor(combo)
        combo.setAccessibleName(tr("Recent files"))
        combo.setTooltip(tr("Files loaded before with Other File… or by a drop; pick one to load it again"))
        recent.onChanged { [weak self] in self?.refresh() }
        combo.onChanged { [weak self] in
            guard let self, !self.combo.isReplacing, let path = self.combo.activeText else { return }
            picked(URL(fileURLWithPath: path))
        }
        refresh()
    }

    /// Records a file picked or dropped (or moves it to the top).
    func add(_ url: URL) { recent.add(url) }

    /// Forgets a file found gone.
    func remove(_ url: URL) { recent.remove(url) }

    /// Clears the selection: the entry no longer names what is loaded.
    func selectNone() { combo.selectNone() }

    /// Writes what GTK has not written yet (on quit).
    func save() { recent.save() }

    private func refresh() {
        combo.setItems(recent.files(limit: Self.limit).map(\.path), selecting: combo.activeText, shown: { path in
            let url = URL(fileURLWithPath: path)
            return Messages.recentEntry(name: url.lastPathComponent, folder: url.deletingLastPathComponent().path)
        })
    }
}
