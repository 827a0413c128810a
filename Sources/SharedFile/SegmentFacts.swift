import Foundation

/// What the viewer's Segment line says about a snapshot, as values: `Messages.segmentLine` makes
/// the words (the model makes no sentences).
public struct SegmentFacts: Sendable, Equatable {
    /// What the segment holds.
    public enum Content: Sendable, Equatable {
        /// The viewer's empty header, or an empty seed string.
        case nothingLoaded
        /// A framed header that cannot be true.
        case damaged(HeaderProblem)
        /// A framed file: its name (nil: none given), the stored payload's length, when it was loaded.
        case file(name: String?, stored: Int, loadTime: Date?)
        /// Text in the seed format (no name), its length.
        case seed(stored: Int)
        /// A picture in Qt's image example's layout (no name), its length.
        case qtImage(stored: Int)
    }

    /// How much of the stored payload the text view shows.
    public enum Shown: Sendable, Equatable {
        case all
        /// The first `bytes` (the display's byte limit).
        case firstBytes(Int)
        /// The first `lines` lines, `bytes` long (the display's line limit).
        case firstLines(lines: Int, bytes: Int)
    }

    public var key: String
    public var segmentSize: Int
    public var content: Content
    /// The file's size when the segment kept fewer of its bytes (nil: all fit).
    public var truncatedFrom: Int?
    public var shown: Shown = .all
    /// Lines over `foldLimit` folded for display, with `folds` separators; `addedBreaks` U+200B.
    public var foldedLines = 0
    public var folds = 0
    public var foldLimit = LineFolding.defaultLimit
    public var addedBreaks = 0
    /// The lines the view shows and the load's lines (`LineIndex`), once counted.
    public var shownLines: Int?
    public var totalLines: Int?

    public init(key: String, segmentSize: Int, content: Content) {
        self.key = key
        self.segmentSize = segmentSize
        self.content = content
    }
}
