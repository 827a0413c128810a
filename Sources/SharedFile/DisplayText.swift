import CGLib
import Foundation

/// What the viewer's text view shows for a snapshot (always valid UTF-8, capped) and the facts of
/// its `Segment` line (`SegmentFacts`; the words are `Messages.segmentLine`'s). Pure: computed
/// outside the lock from the snapshot's private copy.
public struct DisplayText: Sendable, Equatable {
    /// Valid UTF-8 for the text view: invalid sequences and NUL bytes become U+FFFD
    /// (`g_utf8_make_valid`). Empty when `message` is set: the caller puts its words there.
    public var text: String
    /// The `Segment` line's facts.
    public var facts: SegmentFacts
    /// Only the first `limit` bytes of the payload are in `text`.
    public var isCapped: Bool
    /// Lines of the shown text over the fold limit: `text` has them cut into display paragraphs
    /// joined by U+2029 (`LineFolding`).
    public var foldedLines = 0
    /// U+200B break opportunities `text` has that the file has not (`LineFolding.breaks`).
    public var addedBreaks = 0
    /// The loaded file's name (framed segments; the seed format has none): the viewer's title and
    /// what its syntax highlighting is guessed from.
    public var fileName: String?
    /// `fileName` as the title shows it: control and bidi characters visible, isolated (``DisplayName``).
    public var shownFileName: String? { fileName.map(DisplayName.shown) }
    /// The view shows a message about the segment (nothing loaded, a damaged header), not its
    /// content: `Messages.contentMessage` says it.
    public var message: SegmentFacts.Content?
    public var isMessage: Bool { message != nil }
    /// Which bytes of the payload each character of `text` shows (empty for a message): copy and
    /// search go through it to the file's own bytes.
    public var map = DisplayMap()
    /// Content over the limits, when the caller asked for windows (`windowLimits`): `text` and `map`
    /// are this first window's, and the view moves the window over the whole content (`ContentWindow`).
    public var window: ContentWindow?
    /// Whether the view shows the content a window at a time.
    public var isWindowed: Bool { window != nil }

    /// Payloads beyond this many bytes are shown up to it, so that the window never freezes.
    public static let defaultLimit = 4 << 20

    /// At most this many lines are shown: GtkTextView's work on a resize, a replacement or the
    /// insertion grows with the number of lines (4 Mi newlines: a resize stalls 275 ms, replacing
    /// them 1.5 s, inserting them 1.6 s; docs/PERFORMANCE.md, "Hard text").
    public static let defaultLineLimit = 500_000

    public init(snapshot: Snapshot, key: String, segmentSize: Int, limit: Int = DisplayText.defaultLimit,
                foldLimit: Int = LineFolding.defaultLimit, lineLimit: Int = DisplayText.defaultLineLimit,
                windowLimits: ContentWindow.Limits? = nil) {
        if let problem = snapshot.problem {
            text = ""
            facts = SegmentFacts(key: key, segmentSize: segmentSize, content: .damaged(problem))
            message = facts.content
            isCapped = false
            return
        }
        if snapshot.isEmpty {
            text = ""
            facts = SegmentFacts(key: key, segmentSize: segmentSize, content: .nothingLoaded)
            message = facts.content
            isCapped = false
            return
        }
        // The payload may be only the start of what the segment holds (the reader's copy limit).
        let stored = snapshot.storedLength
        let byteCut = Self.utf8Prefix(snapshot.payload, limit: limit)
        let shown = Self.linePrefix(snapshot.payload, end: byteCut, lines: lineLimit)
        if shown < snapshot.payload.count || snapshot.isPreview, let windowLimits {
            // Too much for one text view: a window of it, and every byte reachable by moving it.
            // A preview's first window spans the whole payload's length, which follows.
            let first = ContentWindow(snapshot.payload, around: 0, limits: windowLimits, foldLimit: foldLimit,
                                      total: snapshot.isPreview ? stored : nil)
            window = first
            text = first.text
            map = first.map
            foldedLines = first.foldedLines
            isCapped = shown < stored && snapshot.payload.count < stored && !snapshot.isPreview
            fileName = snapshot.format == .framed ? snapshot.fileName : nil
            facts = Self.facts(snapshot, key: key, segmentSize: segmentSize, stored: stored)
            facts.foldLimit = foldLimit
            if isCapped { facts.shown = .firstBytes(snapshot.payload.count) }
            return
        }
        let folding = LineFolding(Self.repaired(snapshot.payload[0..<shown]), limit: foldLimit)
        map = snapshot.payload.withUnsafeBufferPointer { DisplayMap(source: UnsafeBufferPointer(rebasing: $0[0..<shown]), insertions: folding.insertions) }
        text = folding.text
        foldedLines = folding.foldedLines
        addedBreaks = folding.breaks
        isCapped = shown < stored
        fileName = snapshot.format == .framed ? snapshot.fileName : nil
        facts = Self.facts(snapshot, key: key, segmentSize: segmentSize, stored: stored)
        if shown < byteCut {
            facts.shown = .firstLines(lines: lineLimit, bytes: shown)
        } else if isCapped {
            facts.shown = .firstBytes(shown)
        }
        facts.foldedLines = folding.foldedLines
        facts.folds = folding.folds
        facts.foldLimit = foldLimit
        facts.addedBreaks = folding.breaks
    }

    /// The Segment line's facts about what the snapshot holds (before how it is shown).
    private static func facts(_ snapshot: Snapshot, key: String, segmentSize: Int, stored: Int) -> SegmentFacts {
        var facts: SegmentFacts
        switch snapshot.format {
        case .framed:
            facts = SegmentFacts(key: key, segmentSize: segmentSize,
                                 content: .file(name: snapshot.fileName, stored: stored, loadTime: snapshot.loadTime))
        case .seed:
            facts = SegmentFacts(key: key, segmentSize: segmentSize, content: .seed(stored: stored))
        case .qtImage:
            facts = SegmentFacts(key: key, segmentSize: segmentSize, content: .qtImage(stored: stored))
        }
        if snapshot.isTruncated { facts.truncatedFrom = snapshot.originalSize }
        return facts
    }

    /// Repairs bytes into a String the way GTK accepts: `g_utf8_make_valid` replaces each invalid
    /// byte and each NUL with U+FFFD, so the result has no interior NUL and `String(cString:)` is exact.
    public static func repaired<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if bytes.isEmpty { return "" }
        if let text = bytes.withContiguousStorageIfAvailable(repaired(buffer:)) { return text }
        return Array(bytes).withUnsafeBufferPointer(repaired(buffer:))
    }

    private static func repaired(buffer: UnsafeBufferPointer<UInt8>) -> String {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return "" }
        return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
            // Usual case, valid UTF-8 without NUL (g_utf8_validate with a length rejects NUL):
            // one copy, straight into the String, instead of a repaired copy and then the String.
            if g_utf8_validate(chars, buffer.count, nil) != 0 { return String(decoding: buffer, as: UTF8.self) }
            let fixed = g_utf8_make_valid(chars, buffer.count)
            defer { g_free(fixed) }
            return String(cString: fixed!)
        }
    }

    /// The length of the first `lines` lines of bytes[0..<end] (through the `lines`-th newline), or
    /// `end` if they are fewer.
    static func linePrefix(_ bytes: [UInt8], end: Int, lines: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, lines > 0 else { return end }
            var position = 0
            for _ in 0..<lines {
                guard position < end, let newline = memchr(base + position, 0x0A, end - position) else { return end }
                position = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
            }
            return position
        }
    }

    /// The largest count <= limit that does not end inside a UTF-8 character.
    static func utf8Prefix(_ bytes: [UInt8], limit: Int) -> Int {
        guard bytes.count > limit else { return bytes.count }
        var end = limit
        // Step back over at most 3 continuation bytes to the start of the cut character.
        var steps = 0
        while end > 0, steps < 3, bytes[end] & 0xC0 == 0x80 { end -= 1; steps += 1 }
        return end
    }
}
