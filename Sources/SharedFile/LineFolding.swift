import CGLib
import Glibc

/// Kate-style folding for display: every line that weighs more than `limit` (a character weighs 1;
/// a tab, an emoji, a symbol or a combining mark on another mark `heavyWeight`) is cut into display paragraphs of at most that weight,
/// joined by U+2029 PARAGRAPH SEPARATOR.
///
/// Why: GtkTextView lays out a whole paragraph at once, and Pango's wrapping of a paragraph costs
/// far more than linear time when it has no break opportunity (one word of 40,000 letters: 2.2 s;
/// 10,000: 120 ms), and a lot per tab or emoji (docs/PERFORMANCE.md, "Hard text"). Bounded
/// paragraphs bound every layout: first screen, resize, select-all, Ctrl+End. U+2029 rather than
/// "\n": GtkTextBuffer ends a line at either and Pango draws neither, but a fold stays
/// distinguishable from the file's own newlines (remove every U+2029 and the file comes back).
///
/// Pure and GTK-free: runs on whatever thread computes the `DisplayText`.
public struct LineFolding: Sendable, Equatable {
    /// The folded text, valid UTF-8.
    public var text: String
    /// How many of the text's lines weighed more than the limit (each is folded at least once).
    public var foldedLines: Int
    /// How many U+2029 separators were inserted.
    public var folds: Int
    /// How many U+200B ZERO WIDTH SPACE break opportunities were inserted into long runs of ASCII
    /// letters and digits inside folded lines (`breakRun`).
    public var breaks = 0
    /// Where the input got an inserted character (a U+2029 or a U+200B, 3 bytes each), as byte
    /// offsets of the input, in increasing order: what `DisplayMap` needs to tell the display's
    /// characters from the file's.
    public var insertions: [Int] = []

    /// Heaviest display paragraph. Chosen by measurement (docs/PERFORMANCE.md, "Hard text"): in a
    /// GtkTextView on the 2-core VM, the longest main-loop stall with paragraphs of 1,000 letters
    /// without a space was 36-38 ms, with 2,000 60 ms; Kate's 10,000 costs 120 ms for one word alone.
    public static let defaultLimit = 1_000

    /// The separator inserted at each fold, U+2029 PARAGRAPH SEPARATOR.
    public static let separator: Character = "\u{2029}"
    static let separatorBytes: [UInt8] = [0xE2, 0x80, 0xA9]

    /// The break opportunity inserted into long words of folded lines, U+200B ZERO WIDTH SPACE.
    public static let zeroWidthSpace: Character = "\u{200B}"
    static let zeroWidthSpaceBytes: [UInt8] = [0xE2, 0x80, 0x8B]

    /// Inside a folded line, a run of ASCII letters and digits (and U+FFFD, `isWordCharacter`) gets
    /// a U+200B after every `breakRun` characters (when more follow). Why: Pango 1.44+ draws a
    /// hyphen where it wraps inside a word of letters, GTK 3 cannot turn that off, and Pango draws
    /// none when it wraps at U+200B (screenshot, docs/PERFORMANCE.md "Hyphens"). A wrap only has
    /// to break inside a word when a screen row holds no break opportunity: 16 monospace characters
    /// are ~130 px, narrower than the narrowest text area of a usable viewer window; the cost is a
    /// ragged right edge of up to 15 columns and 3 bytes per 16 characters of such runs.
    public static let breakRun = 16

    /// How far back (in characters) a fold looks for a better place than the limit itself: after a
    /// space, tab or comma/semicolon, or at least not inside a combining sequence.
    static let lookBack = 200

    /// Folds `text`; text without a line over `limit` is returned as it is, uncopied.
    public init(_ text: String, limit: Int = LineFolding.defaultLimit) {
        var text = text
        let limit = max(limit, 2 * Self.heavyWeight)   // every paragraph holds a character
        var insertions: [Int] = []
        let result: (bytes: [UInt8], lines: Int, folds: Int, breaks: Int)? = text.withUTF8 { bytes in
            let found = Self.cuts(bytes, limit: limit)
            guard !found.cuts.isEmpty else { return nil }
            var out: [UInt8] = []
            insertions.reserveCapacity(found.cuts.count + found.breaks.count)
            out.reserveCapacity(bytes.count + found.cuts.count * Self.separatorBytes.count
                                + found.breaks.count * Self.zeroWidthSpaceBytes.count)
            var copied = 0
            var nextBreak = 0
            // Merge the two sorted lists of insertion points (a fold and a break never share an offset).
            for cut in found.cuts {
                while nextBreak < found.breaks.count, found.breaks[nextBreak] < cut {
                    let at = found.breaks[nextBreak]
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<at]))
                    out.append(contentsOf: Self.zeroWidthSpaceBytes)
                    insertions.append(at)
                    copied = at
                    nextBreak += 1
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<cut]))
                out.append(contentsOf: Self.separatorBytes)
                insertions.append(cut)
                copied = cut
            }
            for at in found.breaks[nextBreak...] {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<at]))
                out.append(contentsOf: Self.zeroWidthSpaceBytes)
                insertions.append(at)
                copied = at
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
            return (out, found.lines, found.cuts.count, found.breaks.count)
        }
        guard let result else {
            self.text = text
            foldedLines = 0
            folds = 0
            return
        }
        self.text = String(decoding: result.bytes, as: UTF8.self)
        foldedLines = result.lines
        folds = result.folds
        breaks = result.breaks
        self.insertions = insertions
    }

    /// Offsets where a fold separator goes, in increasing order, how many lines they fold, and the
    /// offsets where a U+200B goes (`breakOffsets`, in folded lines only; never at a fold).
    /// Friendly text costs one backward look per `limit / heavyWeight` bytes (short lines are
    /// skipped without weighing them); 4 MiB of newlines a few tens of thousands.
    static func cuts(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> (cuts: [Int], lines: Int, breaks: [Int]) {
        var cuts: [Int] = []
        var breaks: [Int] = []
        var lines = 0
        var position = 0   // always the start of a line
        while let line = nextLineToWeigh(bytes, from: &position, limit: limit) {
            guard overflow(bytes, from: line.lowerBound, to: line.upperBound, limit: limit, wordLimit: nil) != nil else { continue }
            lines += 1
            var pieceStart = line.lowerBound
            let firstCut = cuts.count
            while let overflow = overflow(bytes, from: pieceStart, to: line.upperBound, limit: limit,
                                          wordLimit: limit / wordDivisor) {
                let cut = cutPoint(bytes, pieceStart: pieceStart, limitAt: overflow)
                guard cut > pieceStart else { break }
                cuts.append(cut)
                pieceStart = cut
            }
            breakOffsets(bytes, in: line, cuts: cuts[firstCut...], into: &breaks)
        }
        return (cuts, lines, breaks)
    }

    /// Appends the offsets inside `line` where a U+200B goes: before the next ASCII letter or digit
    /// after every `breakRun` of them in a row. A fold starts a new run (a display paragraph's end
    /// is a break already).
    static func breakOffsets(_ bytes: UnsafeBufferPointer<UInt8>, in line: Range<Int>, cuts: ArraySlice<Int>,
                             into breaks: inout [Int]) {
        var run = 0
        var nextCut = cuts.startIndex
        for index in line {
            if nextCut < cuts.endIndex, cuts[nextCut] == index {
                run = 0
                nextCut += 1
            }
            // A character's continuation bytes neither count nor end a run (its first byte did).
            guard bytes[index] & 0xC0 != 0x80 else { continue }
            guard isWordCharacter(bytes, at: index) else {
                run = 0
                continue
            }
            if run == breakRun {
                breaks.append(index)
                run = 0
            }
            run += 1
        }
    }

    /// The next line from `position` on that may weigh more than `limit` (it has more than
    /// `limit / heavyWeight` bytes); moves `position` past it.
    static func nextLineToWeigh(_ bytes: UnsafeBufferPointer<UInt8>, from position: inout Int,
                                limit: Int) -> Range<Int>? {
        let window = max(limit / heavyWeight, 1)
        while bytes.count - position > window {
            // Skip to the last line break among the next window + 1 bytes, if any.
            if let last = lastBreak(bytes, in: position..<(position + window + 1)) {
                position = last + 1
                continue
            }
            let start = position
            let end = firstBreak(bytes, from: start + window + 1) ?? bytes.count
            position = min(end + 1, bytes.count)
            return start..<end
        }
        return nil
    }

    /// Layout cost of a tab, an emoji or a stacked combining mark relative to a letter, measured
    /// (docs/PERFORMANCE.md): a paragraph of 500 tabs or emoji stalled GTK's layout for 100-300 ms,
    /// one of 1,000 letters ~35 ms.
    public static let heavyWeight = 10

    /// In a folded line, a run of ASCII letters and digits (a "word" without any break opportunity)
    /// ends its paragraph after `limit / wordDivisor` characters: Pango lays such a word out in about
    /// quadratic time (1,000 letters 2.6-7.2 ms, 500 a quarter), and a screen redraws every visible
    /// paragraph. Base64 and JSON break often enough (`+`, `/`, `,`) to stay linear.
    static let wordDivisor = 2

    /// The start of the first character of bytes[start..<end] that takes the weight over `limit`
    /// (letters weigh 1; tabs, emoji, symbols and a combining mark that follows another mark
    /// `heavyWeight`), or that makes a run of ASCII letters and digits longer than `wordLimit`;
    /// nil if the whole range fits.
    static func overflow(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, limit: Int,
                         wordLimit: Int?) -> Int? {
        var weight = 0
        var index = start
        var afterMark = false
        var word = 0
        let wordLimit = wordLimit ?? Int.max
        while index < end {
            let lead = bytes[index]
            let length: Int
            var heavy = lead == 0x09
            var mark = false
            switch lead {
            case ..<0x80:
                length = 1
                word = isalnum(Int32(lead)) != 0 ? word + 1 : 0
                if word > wordLimit { return index }
            case ..<0xE0:
                length = 2
                mark = g_unichar_ismark(decode(bytes, at: index)) != 0
            case ..<0xF0:
                length = 3
                // U+2600-U+27BF (symbols, dingbats), U+200D (ZWJ), U+FE0F (emoji presentation)
                heavy = lead == 0xE2 && index + 1 < end && (0x98...0x9E).contains(bytes[index + 1])
                    || lead == 0xE2 && index + 2 < end && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x8D
                    || lead == 0xEF && index + 2 < end && bytes[index + 1] == 0xB8 && bytes[index + 2] == 0x8F
                mark = !heavy && g_unichar_ismark(decode(bytes, at: index)) != 0
            default:
                length = 4
                heavy = true   // supplementary planes: emoji, historic scripts, rare CJK
            }
            if length == 3, isWordCharacter(bytes, at: index) {
                word += 1
                if word > wordLimit { return index }
            } else if length > 1 {
                word = 0
            }
            // Stacked marks make one cluster that Pango lays out in about quadratic time (1,000 marks
            // on one letter: 5-20 ms, and a screen shows dozens of such rows); one mark per letter
            // costs what a letter does.
            heavy = heavy || mark && afterMark
            afterMark = mark
            weight += heavy ? heavyWeight : 1
            if weight > limit { return index }
            index += length
        }
        return nil
    }

    /// Whether the character at `index` (a scalar's first byte) belongs to a "word" that Pango
    /// finds no break opportunity in: an ASCII letter or digit, or U+FFFD, which stands for each
    /// byte that is not UTF-8 (its line-break class is alphabetic). 0xFF bytes made windows of 1,000
    /// U+FFFD per paragraph with no break: a resize of the viewer then stalled 35-65 ms.
    static func isWordCharacter(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let lead = bytes[index]
        if lead < 0x80 { return isalnum(Int32(lead)) != 0 }
        return lead == 0xEF && index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] == 0xBD
    }

    static func lastBreak(_ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> Int? {
        var index = range.upperBound - 1
        while index >= range.lowerBound {
            if bytes[index] == 0x0A || bytes[index] == 0x0D { return index }
            index -= 1
        }
        return nil
    }

    static func firstBreak(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        let origin = UnsafeRawPointer(base)
        let newline = memchr(base + start, 0x0A, bytes.count - start).map { UnsafeRawPointer($0) - origin }
        let searchEnd = newline ?? bytes.count
        let carriage = memchr(base + start, 0x0D, searchEnd - start).map { UnsafeRawPointer($0) - origin }
        return carriage ?? newline
    }

    /// Where to end a paragraph that reached the limit at `limitAt` (a scalar start): after the
    /// last space, tab, comma or semicolon in the last `lookBack` characters; else the last scalar
    /// start there that does not begin a combining sequence (a mark, ZWJ-joined, variation
    /// selector); else the limit itself (a run of marks longer than `lookBack` is cut too: bounded
    /// layout first).
    static func cutPoint(_ bytes: UnsafeBufferPointer<UInt8>, pieceStart: Int, limitAt: Int) -> Int {
        var position = limitAt
        var steps = 0
        var firstClean: Int?
        while position > pieceStart, steps < lookBack {
            let previous = bytes[position - 1]
            if previous == 0x20 || previous == 0x09 || previous == 0x2C || previous == 0x3B { return position }
            if firstClean == nil, !continuesCluster(bytes, at: position) { firstClean = position }
            position -= 1
            while position > pieceStart, bytes[position] & 0xC0 == 0x80 { position -= 1 }
            steps += 1
        }
        return firstClean ?? limitAt
    }

    /// Whether the scalar at `index` belongs to the cluster before it: a combining mark, a variation
    /// selector, an emoji modifier, ZWJ, or the scalar right after a ZWJ.
    static func continuesCluster(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let scalar = decode(bytes, at: index)
        if g_unichar_ismark(scalar) != 0 { return true }
        switch scalar {
        case 0x200D, 0xFE00...0xFE0F, 0xE0100...0xE01EF, 0x1F3FB...0x1F3FF, 0xE0020...0xE007F: return true
        default: break
        }
        guard index >= 3 else { return false }
        return bytes[index - 3] == 0xE2 && bytes[index - 2] == 0x80 && bytes[index - 1] == 0x8D   // after ZWJ
    }

    /// The scalar starting at `index` (valid UTF-8).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> gunichar {
        let lead = UInt32(bytes[index])
        let (length, initial): (Int, UInt32) = switch lead {
        case ..<0x80: (1, lead)
        case ..<0xE0: (2, lead & 0x1F)
        case ..<0xF0: (3, lead & 0x0F)
        default: (4, lead & 0x07)
        }
        var value = initial
        for offset in 1..<length where index + offset < bytes.count {
            value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
        }
        return value
    }
}
