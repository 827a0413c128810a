import Foundation
import Testing
import TestSupport
@testable import SharedFile

/// The display's characters map back to exactly the file's bytes (issue 18): copy and search go
/// through `DisplayMap`, whatever folding inserted and whatever repair replaced.
@Suite struct DisplayMapTests {
    /// A display text and its map, made as the viewer makes them.
    private func display(_ bytes: [UInt8], foldLimit: Int = 40) -> (text: [Unicode.Scalar], map: DisplayMap) {
        let folding = LineFolding(DisplayText.repaired(bytes), limit: foldLimit)
        let map = bytes.withUnsafeBufferPointer { DisplayMap(source: $0, insertions: folding.insertions) }
        return (Array(folding.text.unicodeScalars), map)
    }

    /// The display characters in `range` without the ones folding inserted (the corpora have none of their own).
    private func withoutInsertions(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        String(String.UnicodeScalarView(scalars.filter { $0 != "\u{2029}" && $0 != "\u{200B}" }))
    }

    private func corpus(_ random: inout SplitMix64, length: Int) -> [UInt8] {
        let pieces: [[UInt8]] = [Array("abcdefghij".utf8), Array("0123456789".utf8), [0x20], [0x0A], [0x0D],
                                 Array("é".utf8), Array("漢字".utf8), Array("😀".utf8), Array("e\u{301}".utf8),
                                 Array("שלום".utf8), [0x00], [0xFF], [0xE2, 0x80], [0x80], [0xC3], Array("\t".utf8)]
        var bytes: [UInt8] = []
        while bytes.count < length {
            let piece = pieces[Int(random.next() % UInt64(pieces.count))]
            // Mostly letters and digits, so that long runs get folded and U+200B-broken.
            bytes += random.next() % 3 == 0 ? piece : Array("abcdefghijklmnopqrstuvwxyz".utf8).shuffled(using: &random)
        }
        return bytes
    }

    @Test func everyDisplayRangeCopiesTheBytesItShows() {
        var random = SplitMix64(seed: 18)
        for round in 0..<20 {
            let bytes = corpus(&random, length: 300 + round * 97)
            let (text, map) = display(bytes)
            #expect(map.characterCount == text.count)
            #expect(text.contains("\u{2029}") || text.count < 60)
            bytes.withUnsafeBufferPointer { source in
                for _ in 0..<200 {
                    let a = Int(random.next() % UInt64(text.count + 1))
                    let b = a + Int(random.next() % UInt64(text.count - a + 1))
                    let range = map.byteRange(ofCharacters: a..<b, in: source)
                    let copied = DisplayText.repaired(UnsafeBufferPointer(rebasing: source[range]))
                    #expect(copied == withoutInsertions(text[a..<b]), "characters \(a)..<\(b) of round \(round)")
                }
                #expect(map.byteRange(ofCharacters: 0..<text.count, in: source) == 0..<bytes.count)
            }
        }
    }

    @Test func aByteRangeIsSelectedAsTheCharactersShowingIt() {
        var random = SplitMix64(seed: 9)
        let bytes = Array(String(repeating: "QUJDRA+/abc漢😀", count: 200).utf8) + Array("#end".utf8)
        let (text, map) = display(bytes)
        bytes.withUnsafeBufferPointer { source in
            for _ in 0..<300 {
                // Ranges that start and end on characters of the file.
                let starts = (0...bytes.count).filter { $0 == bytes.count || bytes[$0] & 0xC0 != 0x80 }
                let a = starts[Int(random.next() % UInt64(starts.count))]
                let b = starts.filter { $0 >= a }[Int(random.next() % UInt64(starts.filter { $0 >= a }.count))]
                let characters = map.characterRange(ofBytes: a..<b, in: source)
                #expect(map.byteRange(ofCharacters: characters, in: source) == a..<b)
                #expect(withoutInsertions(text[characters]) == String(decoding: bytes[a..<b], as: UTF8.self))
            }
            let end = map.characterRange(ofBytes: (bytes.count - 4)..<bytes.count, in: source)
            #expect(end.upperBound == text.count && String(String.UnicodeScalarView(text[end])) == "#end")
        }
    }

    @Test func repairedBytesAreCountedOneCharacterEach() {
        let bytes: [UInt8] = Array("ok ".utf8) + [0xE2, 0x80, 0x41, 0x00, 0xFF] + Array(" ü".utf8)
        let (text, map) = display(bytes)
        #expect(map.repairedOffsets == [3, 4, 6, 7])   // E2, 80 of the cut sequence, the NUL, FF
        #expect(map.repairedCount(in: 0..<bytes.count) == 4)
        #expect(map.characterCount == text.count)
        bytes.withUnsafeBufferPointer { source in
            #expect(map.byteRange(ofCharacters: 5..<6, in: source) == 5..<6)   // the "A" between them
            #expect(map.characterOffset(ofByte: 9, in: source) == 9)
        }
    }
}
