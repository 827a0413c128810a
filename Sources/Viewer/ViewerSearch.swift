import GtkSupport
import Localization
import Messages
import SharedFile

/// The viewer's find bar (Ctrl+F; F3 / Shift+F3 next / previous): the words, and the search of the
/// loaded bytes. `ByteSearch` runs over the whole payload off the main loop, the count growing as
/// it goes; a move selects exactly the match's bytes through the view's `DisplayMap`, whatever the
/// display inserted for folding.
@MainActor
final class ViewerSearch {
    let findBar: FindBar
    var bar: Widget { findBar.bar }
    private let view: SourceView
    /// Moves the view's window over a content too large to hold at once to a match outside it.
    private let window: ViewerTextWindow
    private let engine = ByteSearch()
    /// What is searched: the load's bytes and the map of the text shown (nil: a message, nothing).
    private var content: (loaded: LoadedContent, map: DisplayMap)?
    private var query: ByteSearch.Query?
    private var running = 0
    private var matches: [Int] = []
    private var isDone = true
    /// A move asked for while the matches it needs are still being found.
    private var waitingMove: (forward: Bool, fromStart: Bool)?
    /// The hex view, while it is the one shown: a query is hex bytes or text (`ByteQuery`) and a
    /// match is selected there; nil: the text view.
    var hexView: HexView? {
        didSet { if oldValue !== hexView { queryChanged(findBar.text, findBar.caseSensitive) } }
    }

    init(application: Application, view: SourceView, header: HeaderBar, window: ViewerTextWindow) {
        self.view = view
        self.window = window
        let words = SearchBarWords(entry: tr("Search"), previous: tr("Previous match"), next: tr("Next match"),
                                   matchCase: tr("Match _case"), count: tr("Matches"),
                                   close: tr("Close the search bar"))
        let findBar = FindBar(view: view, words: words, describe: Self.describe)
        self.findBar = findBar
        application.addAction("find", accelerators: ["<Primary>f"]) { findBar.open() }
        let button = Button(iconName: "edit-find-symbolic")
        button.setAccessibleName(tr("Find"))
        button.setTooltip(tr("Search the text (Ctrl+F)"))
        button.onClicked { findBar.isOpen ? findBar.close() : findBar.open() }
        header.packEnd(button)
        application.addAction("find-next", accelerators: ["F3", "<Primary>g"]) { findBar.next() }
        application.addAction("find-previous", accelerators: ["<Shift>F3", "<Primary><Shift>g"]) { findBar.previous() }
        findBar.onQuery = { [weak self] text, caseSensitive in self?.queryChanged(text, caseSensitive) }
        findBar.onMove = { [weak self] forward, fromStart in self?.move(forward: forward, fromStart: fromStart) }
        findBar.onOpenChanged = { [weak self] in self?.markVisibleMatches() }
        view.onViewMoved { [weak self] in self?.markVisibleMatches() }
    }

    /// The count's words (`Messages.searchCount`); nothing while the entry is empty.
    static func describe(_ count: SearchCount) -> String {
        count.isEmpty ? "" : Messages.searchCount(total: count.total, position: count.position)
    }

    /// A new load is shown (nil: a message): the search starts again over its bytes.
    func contentChanged(_ loaded: LoadedContent?, map: DisplayMap) {
        content = loaded.map { ($0, map) }
        restart()
    }

    /// The whole payload of the preview searched so far (nothing was: its count would not be the
    /// file's): the search runs now, and a move asked for meanwhile goes to its match.
    func contentCompleted(_ loaded: LoadedContent) {
        guard let map = content?.map else { return }
        content = (loaded, map)
        let waiting = waitingMove
        restart()
        waitingMove = waiting
    }

    /// The view's window moved over the same content: the matches stay, the map is the new window's.
    func mapChanged(_ map: DisplayMap) {
        guard let loaded = content?.loaded else { return }
        content = (loaded, map)
        markVisibleMatches()
    }

    private func queryChanged(_ text: String, _ caseSensitive: Bool) {
        if hexView != nil {
            // "7f 45 4c 46" is four bytes, whatever the case; text is matched as the option says.
            query = ByteQuery(text).map {
                if case .hex(let bytes) = $0 { return ByteSearch.Query(needle: bytes, caseSensitive: true) }
                return ByteSearch.Query(needle: $0.bytes, caseSensitive: caseSensitive)
            }
        } else {
            query = text.isEmpty ? nil : ByteSearch.Query(needle: Array(text.utf8), caseSensitive: caseSensitive)
        }
        restart()
    }

    private func restart() {
        matches = []
        waitingMove = nil
        guard let query, let content else {
            engine.cancel()
            isDone = true
            return showCount()
        }
        isDone = false
        // A preview is the start of the content only: counting waits for the whole.
        guard !content.loaded.isPreview else {
            engine.cancel()
            return showCount()
        }
        running = engine.start(query, in: content.loaded.bytes) { [weak self] progress in
            MainLoop.wakeFromAnyThread { self?.found(progress) }
        }
        searchStarted = MainLoop.monotonicMicroseconds
        onSearchStarted?()
        showCount()
    }

    /// When the running search began (for the trace).
    private var searchStarted: Int64 = 0
    /// Called when a search over the content starts, and when it has gone through all of it, with
    /// the bytes searched, the needle's length, the matches and the microseconds it took (`--trace`).
    var onSearchStarted: (@MainActor () -> Void)?
    var onSearchDone: (@MainActor (_ bytes: Int, _ needle: Int, _ matches: Int, _ microseconds: Int64) -> Void)?

    private func found(_ progress: ByteSearch.Progress) {
        guard progress.search == running, !view.isDestroyed else { return }   // an older search's last report, or a closed viewer
        matches += progress.matches
        isDone = progress.isDone
        if isDone, let content {
            onSearchDone?(content.loaded.bytes.count, query?.needle.count ?? 0, matches.count,
                          MainLoop.monotonicMicroseconds - searchStarted)
        }
        if let waiting = waitingMove, isDone || wantedMatch(forward: waiting.forward, fromStart: waiting.fromStart) != nil {
            waitingMove = nil
            move(forward: waiting.forward, fromStart: waiting.fromStart)
        } else {
            showCount()
        }
    }

    /// The selection (or the cursor) in bytes of the content.
    private var selectedBytes: Range<Int>? {
        guard let content else { return nil }
        if let hexView { return hexView.selectedBytes }
        let characters = view.selectedCharacters ?? view.cursorCharacter..<view.cursorCharacter
        return content.loaded.bytes.withUnsafeBufferPointer { content.map.contentByteRange(ofCharacters: characters, in: $0) }
    }

    /// The matches a move can reach: those inside the bytes the view shows.
    private var reachable: Int {
        guard let content else { return 0 }
        if hexView != nil || window.isWindowed { return matches.count }   // a window moves to any match
        let shown = content.map.byteCount, length = query?.needle.count ?? 0
        return DisplayMap.firstIndex(in: matches, notBelow: shown - length + 1)
    }

    /// The index of the match a move goes to, nil when none (yet).
    private func wantedMatch(forward: Bool, fromStart: Bool) -> Int? {
        guard let selection = selectedBytes else { return nil }
        let count = reachable
        guard count > 0 else { return nil }
        if forward {
            let from = fromStart ? selection.lowerBound : selection.upperBound
            let index = DisplayMap.firstIndex(in: matches, notBelow: from)
            if index < count { return index }
            return isDone ? 0 : nil   // wrap around once every match is known
        }
        let before = DisplayMap.firstIndex(in: matches, notBelow: selection.lowerBound)
        if before > 0 { return min(before, count) - 1 }
        return isDone ? count - 1 : nil
    }

    private func move(forward: Bool, fromStart: Bool) {
        guard query != nil, let content else { return showCount() }
        guard let index = wantedMatch(forward: forward, fromStart: fromStart) else {
            if !isDone { waitingMove = (forward, fromStart) }
            return showCount()
        }
        let length = query?.needle.count ?? 0
        if let hexView {
            hexView.select(bytes: matches[index]..<(matches[index] + length))
            return showCount()
        }
        let match = matches[index]..<(matches[index] + length)
        let select: @MainActor (DisplayMap) -> Void = { [weak self] map in
            guard let self, let loaded = self.content?.loaded else { return }
            self.view.select(characters: loaded.bytes.withUnsafeBufferPointer { map.contentCharacterRange(ofBytes: match, in: $0) })
            self.showCount()
        }
        // Outside the window in the view: the window moves there first, then the match is selected.
        if window.reveal(match, then: select) { return }
        select(content.map)
    }

    /// Marks the matches on screen while the bar is open (GtkSourceView's search-match colors).
    private func markVisibleMatches() {
        guard findBar.isOpen, let query, let content, !matches.isEmpty else { return view.markMatches([]) }
        content.loaded.bytes.withUnsafeBufferPointer { bytes in
            let visible = content.map.contentByteRange(ofCharacters: view.visibleCharacters, in: bytes)
            let first = DisplayMap.firstIndex(in: matches, notBelow: visible.lowerBound - query.needle.count + 1)
            let end = min(DisplayMap.firstIndex(in: matches, notBelow: visible.upperBound), reachable)
            guard first < end else { return view.markMatches([]) }
            view.markMatches(matches[first..<end].map {
                content.map.contentCharacterRange(ofBytes: $0..<($0 + query.needle.count), in: bytes)
            })
        }
    }

    /// Says the count and the selected match's place in it.
    private func showCount() {
        markVisibleMatches()
        guard let query else { return findBar.show(SearchCount(isEmpty: true)) }
        var position: Int?
        if let selection = selectedBytes, !selection.isEmpty {
            let index = DisplayMap.firstIndex(in: matches, notBelow: selection.lowerBound)
            if index < matches.count, matches[index] == selection.lowerBound,
               selection.count == query.needle.count { position = index + 1 }
        }
        findBar.show(SearchCount(isEmpty: false, total: isDone ? matches.count : (matches.isEmpty ? nil : matches.count),
                                 position: position, isCounting: !isDone))
    }
}
