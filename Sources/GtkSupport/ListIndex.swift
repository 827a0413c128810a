import Synchronization

/// A list of distinct strings for ``ComboBoxText/setItems(_:selecting:shown:groupSize:groupTitle:)``
/// with what showing it needs, made off the main loop: each entry's position, and what changed since
/// the list before it. Hashing 10,000 names costs the main loop tens of milliseconds in a debug
/// build (100,000: ~0.4 s), so a folder change would otherwise stall it for the whole list.
public struct ListIndex: Sendable {
    public let items: [String]
    /// Identifies this list among those made one after another (``ListIndex/History``).
    let id: Int
    let position: [String: Int]
    /// What changed from the list `from` (its id): entries removed, entries added (in list order).
    let change: (from: Int, removed: Set<String>, added: [String])?

    /// Indexes `items`; with `previous`, also what changed since it.
    public init(_ items: [String], after previous: ListIndex?) {
        self.items = items
        id = previous.map { $0.id &+ 1 } ?? Int.random(in: 0..<Int.max / 2)
        let position = Dictionary(items.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        self.position = position
        change = previous.map { previous in
            let removed = Set(previous.items.filter { position[$0] == nil })
            let added = items.filter { previous.position[$0] == nil }
            return (previous.id, removed, added)
        }
    }

    /// The lists made one after another by one source (a folder's listings), on any thread.
    public final class History: Sendable {
        private let last = Mutex<ListIndex?>(nil)

        public init() {}

        /// Indexes the list `make` returns from the list made last (nil before the first), after it.
        public func next(_ make: ([String]?) -> [String]) -> ListIndex {
            last.withLock { last in
                let index = ListIndex(make(last?.items), after: last)
                last = index
                return index
            }
        }
    }
}
