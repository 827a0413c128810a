import GtkSupport
import Localization
import SharedFile

/// The viewer's find bar (Ctrl+F; F3 / Shift+F3 next / previous), over `SourceSearch`: the words.
@MainActor
final class ViewerSearch {
    let search: SourceSearch
    var bar: Widget { search.bar }

    init(application: Application, view: SourceView, header: HeaderBar) {
        let words = SearchBarWords(entry: tr("Search"), previous: tr("Previous match"), next: tr("Next match"),
                                   matchCase: tr("Match _case"), count: tr("Matches"),
                                   close: tr("Close the search bar"))
        let search = SourceSearch(view: view, words: words, describe: Self.describe)
        self.search = search
        application.addAction("find", accelerators: ["<Primary>f"]) { search.open() }
        let button = Button(iconName: "edit-find-symbolic")
        button.setAccessibleName(tr("Find"))
        button.setTooltip(tr("Search the text (Ctrl+F)"))
        button.onClicked { search.isOpen ? search.close() : search.open() }
        header.packEnd(button)
        application.addAction("find-next", accelerators: ["F3", "<Primary>g"]) { search.next() }
        application.addAction("find-previous", accelerators: ["<Shift>F3", "<Primary><Shift>g"]) { search.previous() }
    }

    /// "3 of 12", "12 matches" (none selected yet), "No matches", "Counting…".
    static func describe(_ count: SearchCount) -> String {
        guard !count.isEmpty else { return "" }
        guard let total = count.total else { return tr("Counting…") }
        guard total > 0 else { return tr("No matches") }
        guard let position = count.position else {
            return trn("{count} match", "{count} matches", total).filling(["count": total.localizedDigits])
        }
        // TRANSLATORS: the selected match's place among all of them, e.g. "3 of 12".
        return trn("{position} of {count}", "{position} of {count}", total)
            .filling(["position": position.localizedDigits, "count": total.localizedDigits])
    }
}
