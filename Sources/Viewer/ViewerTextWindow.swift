import GtkSupport
import Localization
import SharedFile

/// The text view of a content too large to hold at once (over `DisplayText`'s limits): the view
/// holds a window of it (`ContentWindow`, a few thousand lines or 128 KiB) and a scrollbar beside
/// it spans the whole content, in bytes. Scrolling near an edge of the window, dragging the bar,
/// Ctrl+Home / Ctrl+End and a search match elsewhere move the window: the next one is made on a
/// thread (`ContentWindowQueue`, newest request only) and swapped in; the main loop never waits.
/// Smaller contents are in the view whole, with the view's own scrollbar: this does nothing then.
@MainActor
final class ViewerTextWindow {
    /// The text view's scrolled window and the bar over the whole content, side by side.
    let container = Box(vertical: false, spacing: 0)
    let scrollbar = WindowScrollbar()
    private let view: SourceView
    private let scrolled: ScrolledWindow
    private let maker = ContentWindowQueue()
    private var loaded: LoadedContent?
    /// The window in the view (nil: the content is in the view whole, or none).
    private(set) var window: ContentWindow?
    /// A window asked for and what to show of it.
    private var pending: (request: Int, goal: Goal)?
    /// A move asked for while the view held a preview: made once the whole payload is there.
    private var waiting: (target: Int, goal: Goal)?
    /// Between a swap and its first paint: the view's position is not the new window's yet.
    private var settling = false
    /// Called when a new window's text and map replaced the old ones (copy and search use the map).
    var onMapChanged: (@MainActor (DisplayMap) -> Void)?
    /// Called for each window swapped in, with why it was made (for `--trace`).
    var onSwapped: (@MainActor (_ range: Range<Int>, _ goal: String) -> Void)?

    private enum Goal {
        /// Keep the byte that was at the top (the user scrolled near an edge of the window).
        case keep(Int)
        /// This byte's line at the top (the scrollbar moved, Ctrl+Home).
        case top(Int)
        /// The content's last line (Ctrl+End, the bar at its end).
        case end
        /// Bytes to select (a search match), then `select` with the new map.
        case reveal(Range<Int>, @MainActor (DisplayMap) -> Void)

        var name: String {
            switch self {
            case .keep: "keep"
            case .top: "top"
            case .end: "end"
            case .reveal: "reveal"
            }
        }
    }

    init(view: SourceView) {
        self.view = view
        scrolled = ScrolledWindow(view)
        container.add(scrolled, expand: true)
        container.add(scrollbar)
        scrollbar.setAccessibleName(tr("Position in the content"))
        scrollbar.setVisible(false)
        scrollbar.onMoved = { [weak self] byte, atEnd in self?.barMoved(to: byte, atEnd: atEnd) }
        view.onBufferEnds = { [weak self] end in self?.jump(toEnd: end) ?? false }
        view.onViewMoved { [weak self] in self?.viewMoved() }
    }

    var isWindowed: Bool { window != nil }
    /// Whether the view holds the content's end (always, when it holds the whole content).
    var showsContentEnd: Bool { window.map { $0.range.upperBound == $0.total } ?? true }

    /// The whole payload of the preview in the view: windows are made from it from now on, and a
    /// move asked for meanwhile (Ctrl+End, the bar, scrolling past the preview) is made now.
    func complete(_ whole: LoadedContent) {
        guard loaded?.isPreview == true, let window, whole.bytes.count == window.total else { return }
        loaded = whole
        if let (target, goal) = waiting {
            waiting = nil
            request(around: target, goal: goal)
        }
    }

    /// A new text goes into the view: `first`, the first window of `loaded`, or nil: the whole text.
    func show(_ loaded: LoadedContent?, first: ContentWindow?) {
        maker.cancel()
        pending = nil
        waiting = nil
        self.loaded = first == nil ? nil : loaded
        window = first
        scrollbar.setVisible(first != nil)
        scrolled.showsVerticalScrollbar = first == nil
        guard let first else { settling = false; return }
        scrollbar.show(first: 0, page: first.range.count, total: first.total)
        settle()
    }

    /// The view shows this page again (another view was shown meanwhile: no paint came).
    func pageShown() {
        if settling { settled() }
    }

    /// Moves the window so that `range` (a search match) is in it, then calls `select` with the new
    /// map; false when it is in the view already (or the content is whole).
    func reveal(_ range: Range<Int>, then select: @escaping @MainActor (DisplayMap) -> Void) -> Bool {
        guard let window, !(window.range.lowerBound <= range.lowerBound && range.upperBound <= window.range.upperBound) else {
            return false
        }
        request(around: range.lowerBound, goal: .reveal(range, select))
        return true
    }

    private func jump(toEnd end: Bool) -> Bool {
        guard let window else { return false }
        // At the content's edge already: the view's own jump, inside the window.
        if end ? window.range.upperBound == window.total : window.range.lowerBound == 0 { return false }
        request(around: end ? window.total : 0, goal: end ? .end : .top(0))
        return true
    }

    private func barMoved(to byte: Int, atEnd: Bool) {
        guard let window else { return }
        if atEnd { return request(around: window.total, goal: .end) }
        request(around: byte, goal: .top(byte))
    }

    /// Where a reload of the same file goes back to: the content's byte at the top of the view
    /// while it shows a window (nil: the content is whole in the view, or at its first line).
    var placeForReload: Int? {
        contentByte(atCharacter: view.topReadLineCharacter).flatMap { $0 > 0 ? $0 : nil }
    }

    /// Puts `byte`'s line at the top of a window just shown (a reload of the same file keeps its
    /// place); once the whole payload is there when the window is a preview's.
    func restore(_ byte: Int) {
        guard let window, byte > 0, byte < window.total else { return }
        request(around: byte, goal: .top(byte))
    }

    /// The content's byte at the top of the view.
    private var topByte: Int? { contentByte(atCharacter: view.visibleCharacters.lowerBound) }

    /// The content's byte shown by the view's `character` (nil: no window).
    private func contentByte(atCharacter character: Int) -> Int? {
        guard let window, let loaded else { return nil }
        return loaded.bytes.withUnsafeBufferPointer { window.map.contentByteRange(ofCharacters: character..<character, in: $0).lowerBound }
    }

    /// The view scrolled (the wheel, the keys, a selection): the bar follows; near an edge of the
    /// window with more content beyond it, a window around what is on screen is made.
    private func viewMoved() {
        guard !settling, let window, let loaded, let top = topByte else { return }
        guard pending == nil, waiting == nil else { return }   // the bar shows where the user is going
        // The first window is still going in (its end is not the window's end yet): moves wait.
        guard !view.isInserting else { return }
        let visible = loaded.bytes.withUnsafeBufferPointer { window.map.contentByteRange(ofCharacters: view.visibleCharacters, in: $0) }
        scrollbar.show(first: window.range.upperBound == window.total && isAtBottom ? window.total : top,
                       page: visible.count, total: window.total)
        let scroll = view.verticalScroll
        if scroll.value < scroll.page, window.range.lowerBound > 0 {
            request(around: top, goal: .keep(top))
        } else if scroll.value + 2 * scroll.page > scroll.upper, window.range.upperBound < window.total {
            request(around: top, goal: .keep(top))
        }
    }

    private var isAtBottom: Bool {
        let scroll = view.verticalScroll
        return scroll.value + scroll.page >= scroll.upper - 1
    }

    private func request(around target: Int, goal: Goal) {
        guard let loaded else { return }
        guard !loaded.isPreview else { waiting = (target, goal); return }
        let request = maker.make(loaded.bytes, around: target) { [weak self] request, window in
            MainLoop.wakeFromAnyThread { self?.arrived(request, window) }
        }
        pending = (request, goal)
    }

    private func arrived(_ request: Int, _ next: ContentWindow) {
        // A window made while the viewer closed has no view left to go into.
        guard !view.isDestroyed, let pending, pending.request == request, maker.isLatest(request), let loaded,
              next.total == loaded.bytes.count else { return }
        self.pending = nil
        var goal = pending.goal
        // The user kept scrolling while it was made: keep what is at the top now.
        if case .keep = goal, let top = topByte, next.range.contains(top) { goal = .keep(top) }
        // A selection (a search match, a drag) stays selected when the new window holds it.
        let selected: Range<Int>? = window.flatMap { old in
            view.selectedCharacters.map { characters in
                loaded.bytes.withUnsafeBufferPointer { old.map.contentByteRange(ofCharacters: characters, in: $0) }
            }
        }
        window = next
        onMapChanged?(next.map)
        onSwapped?(next.range, goal.name)
        let character: (Int) -> Int = { byte in
            loaded.bytes.withUnsafeBufferPointer { next.map.contentCharacterRange(ofBytes: byte..<byte, in: $0).lowerBound }
        }
        let reselect = {
            guard let selected, next.range.lowerBound <= selected.lowerBound, selected.upperBound <= next.range.upperBound else { return }
            self.view.keepSelection(characters: loaded.bytes.withUnsafeBufferPointer { next.map.contentCharacterRange(ofBytes: selected, in: $0) })
        }
        switch goal {
        case .keep(let byte), .top(let byte):
            let at = character(byte)
            view.replaceWindow(next.text, top: at)
            reselect()
            settle(showing: at)
        case .end:
            view.replaceWindow(next.text, top: 0, atEnd: true)
            reselect()
            settle(showing: nil)
        case .reveal(let range, let select):
            let at = character(range.lowerBound)
            view.replaceWindow(next.text, top: at)
            select(next.map)
            settle(showing: at)
        }
    }

    /// Until the view shows `character` (nil: the end) after a swap, or a few frames passed, its
    /// position is not taken for the user's: GTK scrolls to a mark once the lines around it are
    /// laid out, and a window made around the old top would move away from what was asked.
    private func settle(showing character: Int? = 0, frames: Int = 8) {
        settling = true
        view.afterNextPaint { [weak self] in
            guard let self, self.settling else { return }
            let there = character.map { self.view.visibleCharacters.contains($0) || self.view.visibleCharacters.lowerBound == $0 } ?? self.isAtBottom
            if there || frames <= 1 { self.settled() } else { self.settle(showing: character, frames: frames - 1) }
        }
    }

    private func settled() {
        settling = false
        viewMoved()
    }
}
