/// How a long list of names is split for a drop-down: a flat list up to `flatLimit` entries, above
/// that groups of `size` entries each (at least `minimumGroup`, about the square root of the count),
/// so that neither the top level nor an opened group holds more than a few hundred rows even at
/// 100,000 files. A drop-down's popup costs time per shown row; this bounds that cost.
public struct ListGrouping: Sendable, Equatable {
    /// Entries per group; nil for a flat list.
    public let size: Int?

    public static let flatLimit = 200
    public static let minimumGroup = 100

    public init(count: Int) {
        guard count > Self.flatLimit else { size = nil; return }
        var root = Int(Double(count).squareRoot())
        if root * root < count { root += 1 }
        size = max(Self.minimumGroup, root)
    }
}
