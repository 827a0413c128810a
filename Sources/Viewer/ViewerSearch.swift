import GtkSupport
import Localization
import Messages

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

    /// The count's words (`Messages.searchCount`); nothing while the entry is empty.
    static func describe(_ count: SearchCount) -> String {
        count.isEmpty ? "" : Messages.searchCount(total: count.total, position: count.position)
    }
}
