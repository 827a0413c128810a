import Glibc

/// A window of a content too large for one text view: the lines around one byte, made for display
/// the way `DisplayText` makes a small content (repaired, folded, mapped), so that a GtkTextView
/// holds a few thousand lines of any content, however large, and a scrollbar beside it spans the
/// whole (what `less` and klogg do). Bounded by bytes as well as lines, so a single line of
/// gigabytes (or a content without a newline: NULs, `\r`, invalid UTF-8) is windowed by bytes.
/// Pure and GTK-free: made off the main loop.
public struct ContentWindow: Sendable, Equatable {
    /// How much a window holds at most.
    public struct Limits: Sendable, Equatable {
        public var bytes: Int
        public var lines: Int
        public init(bytes: Int, lines: Int) {
            self.bytes = max(bytes, 16)
            self.lines = max(lines, 2)
        }

        /// 128 KiB or 2,048 lines: dozens of screens either way, and set into a GtkTextView in a
        /// few ms (docs/PERFORMANCE.md, "The whole content").
        public static let standard = Limits(bytes: 128 << 10, lines: 2_048)
    }

    /// The content's bytes the window shows: `range.lowerBound` is where `map`'s bytes start.
    public let range: Range<Int>
    /// The byte the window was made around (kept on screen by the caller).
    public let target: Int
    /// The content's length.
    public let total: Int
    /// The window's display text (valid UTF-8, folded) and its map (`map.origin == range.lowerBound`).
    public let text: String
    public let map: DisplayMap
    public let foldedLines: Int

    /// Makes the window of `bytes` around `target` (clamped to the content).
    /// - Parameter total: the content's length when `bytes` are only its start (a preview); the
    ///   window then stays inside them, clear of their cut end.
    public init(_ bytes: [UInt8], around target: Int, limits: Limits = .standard, foldLimit: Int = LineFolding.defaultLimit,
                total: Int? = nil) {
        let target = min(max(target, 0), bytes.count)
        var range = bytes.withUnsafeBufferPointer { Self.range(in: $0, around: target, limits: limits) }
        if let total, total > bytes.count, range.upperBound == bytes.count {
            // The cut end is no line's end: the window ends at the last newline before it.
            let end = bytes[range].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? range.upperBound
            range = range.lowerBound..<max(end, range.lowerBound + min(range.count, 1))
        }
        let folding = LineFolding(DisplayText.repaired(bytes[range]), limit: foldLimit)
        self.range = range
        self.target = target
        self.total = max(total ?? bytes.count, bytes.count)
        text = folding.text
        foldedLines = folding.foldedLines
        var map = bytes.withUnsafeBufferPointer {
            DisplayMap(source: UnsafeBufferPointer(rebasing: $0[range]), insertions: folding.insertions)
        }
        map.origin = range.lowerBound
        self.map = map
    }

    /// The bytes a window around `target` shows: whole lines where lines fit (at most half the
    /// limits before the target's line), else a run of bytes around it, never cut inside a UTF-8
    /// character. Always holds `target` (the end of the content: the last lines).
    public static func range(in bytes: UnsafeBufferPointer<UInt8>, around target: Int, limits: Limits) -> Range<Int> {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0..<0 }
        let count = bytes.count
        let target = min(max(target, 0), count)
        // Half the window before the target; near the end of the content, all that the end leaves.
        var backBytes = limits.bytes / 2, backLines = limits.lines / 2
        if count - target < limits.bytes / 2 {
            backBytes = limits.bytes - (count - target)
            let after = UnsafeBufferPointer(rebasing: bytes[target..<count]).count { $0 == 0x0A || $0 == 0x0D }
            backLines = max(backLines, limits.lines - 1 - after)
        }
        let startFloor = max(0, target - backBytes)
        // Back from the target over at most `backLines` lines: the start of a line at or after `startFloor`.
        var start: Int?
        // The final newline ends the last line and starts none: the end's line is the last one.
        var searchEnd = target == count && (bytes[count - 1] == 0x0A || bytes[count - 1] == 0x0D) ? count - 1 : target
        for _ in 0..<backLines {
            guard let position = lastNewline(bytes, in: startFloor..<searchEnd) else { break }
            start = position + 1
            searchEnd = position
        }
        let lineStart = start ?? (startFloor == 0 ? 0 : characterStart(bytes, from: startFloor, forwardTo: target))
        // Forward over at most the byte and line limits: end after a newline, else at a character.
        let endCeiling = min(count, lineStart + limits.bytes)
        var position = lineStart
        var lines = 0
        var lastLineEnd: Int?
        // A lone `\r` ends a line too (GtkTextView breaks there): a content of `\r` only is capped by lines.
        while position < endCeiling {
            let byte = base[position]
            position += 1
            guard byte == 0x0A || byte == 0x0D && (position == count || base[position] != 0x0A) else { continue }
            if byte == 0x0A { lastLineEnd = position }
            lines += 1
            if lines == limits.lines { break }
        }
        let end: Int
        if lines == limits.lines, position >= target {
            end = position
        } else if endCeiling == count {
            end = count
        } else if let lastLineEnd, lastLineEnd > target {
            end = lastLineEnd
        } else {
            end = max(characterEnd(bytes, at: endCeiling, backTo: lineStart), min(target, count))
        }
        return lineStart..<end
    }

    /// The last line break in `range`: a `\n`, or a `\r` not followed by one (a bounded backward scan).
    static func lastNewline(_ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> Int? {
        var position = range.upperBound
        while position > range.lowerBound {
            position -= 1
            let byte = bytes[position]
            if byte == 0x0A || byte == 0x0D && (position + 1 == bytes.count || bytes[position + 1] != 0x0A) { return position }
        }
        return nil
    }

    /// `from`, or the next character start after it (over at most 3 continuation bytes), not past `limit`.
    static func characterStart(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, forwardTo limit: Int) -> Int {
        var position = from
        var steps = 0
        while position < limit, steps < 3, bytes[position] & 0xC0 == 0x80 { position += 1; steps += 1 }
        return position
    }

    /// `at`, or the start of the character it cuts (back over at most 3 continuation bytes), not before `floor`.
    static func characterEnd(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, backTo floor: Int) -> Int {
        var position = at
        var steps = 0
        while position > floor, position < bytes.count, steps < 3, bytes[position] & 0xC0 == 0x80 { position -= 1; steps += 1 }
        return position
    }
}
