import CGLib
import Glibc

/// Where the characters of a display text come from in the file's bytes: the display is the
/// bytes repaired (`g_utf8_make_valid`: each byte that is not valid UTF-8, and each NUL, becomes
/// one U+FFFD) with characters inserted for display only (`LineFolding`'s U+2029 and U+200B).
/// Copy and search work on the bytes; this map turns a display range (GtkTextBuffer's character
/// offsets) into the byte range it shows, and back, so that what is copied or selected is exactly
/// the file's.
///
/// Checkpoints pair a display character offset with the byte offset it stands for: one before and
/// one after each inserted character, and one every `stride` characters. Between two checkpoints a
/// display character is one character of the bytes (or one repaired byte), so a lookup walks at
/// most `stride` characters. Pure and GTK-free: made on the reader's thread with the display text.
public struct DisplayMap: Sendable, Equatable {
    /// Checkpoints in increasing order of both offsets.
    private var characters: [Int] = [0]
    private var bytes: [Int] = [0]
    /// Offsets of the bytes shown as U+FFFD, in increasing order (usually none).
    public private(set) var repairedOffsets: [Int] = []
    /// The number of bytes the display shows (from the start of the content).
    public private(set) var byteCount = 0
    /// The number of characters of the display text.
    public private(set) var characterCount = 0
    /// Where in the content the map's bytes start: 0 for a display of the whole content, the
    /// window's start for a `ContentWindow`. The `content…` methods take the whole content's bytes
    /// and offsets; the others the map's own bytes.
    public var origin = 0
    /// The content's bytes the display shows.
    public var contentRange: Range<Int> { origin..<(origin + byteCount) }

    static let stride = 4096

    public init() {}

    /// - Parameters:
    ///   - source: the bytes the display text shows.
    ///   - insertions: byte offsets of the repaired text where one 3-byte character was inserted
    ///     (`LineFolding.insertions`), increasing.
    public init(source: UnsafeBufferPointer<UInt8>, insertions: [Int]) {
        repairedOffsets = Self.invalidOffsets(source)
        byteCount = source.count
        var character = 0
        var byte = 0          // in `source`
        var repaired = 0      // in the repaired text, where `insertions` count
        var nextInsertion = 0
        var nextInvalid = 0
        var sinceCheckpoint = 0
        characters.reserveCapacity(2 * insertions.count + source.count / Self.stride + 2)
        bytes.reserveCapacity(characters.capacity)
        while true {
            while nextInsertion < insertions.count, insertions[nextInsertion] == repaired {
                checkpoint(character, byte)
                character += 1
                checkpoint(character, byte)
                nextInsertion += 1
                sinceCheckpoint = 0
            }
            guard byte < source.count else { break }
            if nextInvalid < repairedOffsets.count, repairedOffsets[nextInvalid] == byte {
                byte += 1
                repaired += 3
                nextInvalid += 1
            } else {
                let length = Self.sequenceLength(source[byte])
                byte += length
                repaired += length
            }
            character += 1
            sinceCheckpoint += 1
            if sinceCheckpoint == Self.stride {
                checkpoint(character, byte)
                sinceCheckpoint = 0
            }
        }
        characterCount = character
    }

    private mutating func checkpoint(_ character: Int, _ byte: Int) {
        if characters.last == character, bytes.last == byte { return }
        characters.append(character)
        bytes.append(byte)
    }

    /// The map of a display that shows `source` as it is (valid UTF-8, nothing inserted).
    public init(plain source: UnsafeBufferPointer<UInt8>) {
        self.init(source: source, insertions: [])
    }

    /// The byte offset where the display character at `character` starts (an inserted character:
    /// the byte it was inserted before); `byteCount` at or past the end.
    public func byteOffset(ofCharacter character: Int, in source: UnsafeBufferPointer<UInt8>) -> Int {
        guard character > 0 else { return 0 }
        guard character < characterCount else { return byteCount }
        let index = Self.lastIndex(in: characters, notAbove: character)
        var byte = bytes[index]
        var steps = character - characters[index]
        var nextInvalid = Self.firstIndex(in: repairedOffsets, notBelow: byte)
        while steps > 0, byte < byteCount {
            if nextInvalid < repairedOffsets.count, repairedOffsets[nextInvalid] == byte {
                byte += 1
                nextInvalid += 1
            } else {
                byte += Self.sequenceLength(source[byte])
            }
            steps -= 1
        }
        return min(byte, byteCount)
    }

    /// The display character offset of the character that starts at (or covers) `byte`: after any
    /// character inserted there; `characterCount` at or past the end.
    public func characterOffset(ofByte byte: Int, in source: UnsafeBufferPointer<UInt8>) -> Int {
        guard byte < byteCount else { return characterCount }
        let index = Self.lastIndex(in: bytes, notAbove: byte)
        var character = characters[index]
        var at = bytes[index]
        var nextInvalid = Self.firstIndex(in: repairedOffsets, notBelow: at)
        while at < byte {
            if nextInvalid < repairedOffsets.count, repairedOffsets[nextInvalid] == at {
                at += 1
                nextInvalid += 1
            } else {
                at += Self.sequenceLength(source[at])
            }
            character += 1
        }
        return character
    }

    /// The display character range that shows bytes `range` (a match, a selection made by bytes).
    public func characterRange(ofBytes range: Range<Int>, in source: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let start = characterOffset(ofByte: range.lowerBound, in: source)
        let end = max(start, characterOffset(ofByte: range.upperBound, in: source))
        return start..<end
    }

    /// The bytes a display character range shows.
    public func byteRange(ofCharacters range: Range<Int>, in source: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let start = byteOffset(ofCharacter: range.lowerBound, in: source)
        return start..<max(start, byteOffset(ofCharacter: range.upperBound, in: source))
    }

    /// The content's bytes a display character range shows (`content`: the whole content).
    public func contentByteRange(ofCharacters range: Range<Int>, in content: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let shown = byteRange(ofCharacters: range, in: UnsafeBufferPointer(rebasing: content[contentRange]))
        return (shown.lowerBound + origin)..<(shown.upperBound + origin)
    }

    /// The display character range that shows the content's bytes `range` (clamped to the shown bytes).
    public func contentCharacterRange(ofBytes range: Range<Int>, in content: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let low = min(max(range.lowerBound, origin), origin + byteCount) - origin
        let high = min(max(range.upperBound, origin), origin + byteCount) - origin
        return characterRange(ofBytes: low..<max(low, high), in: UnsafeBufferPointer(rebasing: content[contentRange]))
    }

    /// How many of the content's bytes `range` the display shows repaired.
    public func contentRepairedCount(in range: Range<Int>) -> Int {
        repairedCount(in: (range.lowerBound - origin)..<(range.upperBound - origin))
    }

    /// How many of `range`'s bytes the display shows repaired (not valid UTF-8, or NUL).
    public func repairedCount(in range: Range<Int>) -> Int {
        Self.firstIndex(in: repairedOffsets, notBelow: range.upperBound) - Self.firstIndex(in: repairedOffsets, notBelow: range.lowerBound)
    }

    /// The last index whose value is <= `value` (values increasing, the first one <= every asked value).
    static func lastIndex(in values: [Int], notAbove value: Int) -> Int {
        var low = 0, high = values.count   // the answer is in low..<high
        while high - low > 1 {
            let middle = (low + high) / 2
            if values[middle] <= value { low = middle } else { high = middle }
        }
        return low
    }

    /// The first index whose value is >= `value` (`values.count` if none).
    public static func firstIndex(in values: [Int], notBelow value: Int) -> Int {
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The length of the UTF-8 sequence a valid lead byte starts.
    static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case ..<0x80: 1
        case ..<0xE0: 2
        case ..<0xF0: 3
        default: 4
        }
    }

    /// The offsets of the bytes `g_utf8_make_valid` replaces, one U+FFFD each: every byte where
    /// `g_utf8_validate` stops (an invalid or cut sequence, a NUL), then on from the next byte.
    public static func invalidOffsets(_ source: UnsafeBufferPointer<UInt8>) -> [Int] {
        guard let base = source.baseAddress, !source.isEmpty else { return [] }
        var offsets: [Int] = []
        var start = 0
        base.withMemoryRebound(to: CChar.self, capacity: source.count) { chars in
            while start < source.count {
                var end: UnsafePointer<CChar>?
                if g_utf8_validate(chars + start, source.count - start, &end) != 0 { break }
                let invalid = chars.distance(to: end!)
                offsets.append(invalid)
                start = invalid + 1
            }
        }
        return offsets
    }
}
