import Foundation
import Messages
import Testing
@testable import SharedFile

extension DisplayText {
    /// The Segment line's facts in full (its tooltip), as the viewer makes them.
    var info: String { Messages.segmentDetail(facts) }
    /// The Segment line itself: the same in a few words.
    var line: String { Messages.segmentLine(facts) }
    /// What the text view shows: the text, or the words of a message about the segment.
    var shown: String { message.map(Messages.contentMessage) ?? text }
}

@Suite struct DisplayTextTests {
    private func framed(_ bytes: [UInt8], original: Int? = nil, name: String = "a.txt") -> Snapshot {
        Snapshot(format: .framed, payload: bytes, fileName: name, originalSize: original ?? bytes.count,
                 loadTime: Date(timeIntervalSince1970: 0), generation: 3)
    }

    @Test func nothingLoadedShowsTheSeedMessage() {
        let empty = Snapshot(format: .framed, payload: [], originalSize: 0, generation: 0)
        let display = DisplayText(snapshot: empty, key: "fileloader_shm_key", segmentSize: 1 << 20)
        #expect(display.shown == "No file loaded yet, please use sharedmemory_loader to load one.")
        #expect(display.info == "Key fileloader_shm_key · segment 1.0\u{00A0}MiB · nothing loaded yet")
    }

    @Test func validUtf8IsShownExactly() {
        let text = "Ελληνικά, русский, 日本語, العربية, 🙂\nline 2\ttab"
        let display = DisplayText(snapshot: framed(Array(text.utf8)), key: "k", segmentSize: 10240)
        #expect(display.text == text)
        #expect(display.info.contains("a.txt, \(text.utf8.count) bytes"))
        #expect(display.info.contains("segment 10.0\u{00A0}KiB"))
    }

    @Test func invalidBytesAndNulBecomeReplacementCharacters() {
        let display = DisplayText(snapshot: framed([0x61, 0xFF, 0x62, 0x00, 0x63, 0xC3]), key: "k", segmentSize: 999)
        #expect(display.text == "a\u{FFFD}b\u{FFFD}c\u{FFFD}")
    }

    @Test func latin1IsRepairedNotDropped() {
        let display = DisplayText(snapshot: framed([0x63, 0x61, 0x66, 0xE9]), key: "k", segmentSize: 999)
        #expect(display.text == "caf\u{FFFD}")
    }

    @Test func truncationIsNamedInTheInfoLine() {
        let display = DisplayText(snapshot: framed(Array("abc".utf8), original: 10), key: "k", segmentSize: 999)
        #expect(display.info.contains("truncated: 3 of 10 bytes"))
    }

    @Test func bigPayloadsAreCappedOnACharacterBoundary() {
        let bytes = Array(String(repeating: "é", count: 10).utf8)  // 20 bytes
        let display = DisplayText(snapshot: framed(bytes), key: "k", segmentSize: 999, limit: 5)
        #expect(display.text == "éé")  // 4 bytes: the 5th byte is the middle of a character
        #expect(display.isCapped)
        #expect(display.info.contains("showing the first 4 bytes of 20 bytes"))
    }

    /// The Segment line of a view holding only the first lines, before and after they are counted
    /// (the line count arrives later, from a thread: until then the words must not need it).
    @Test func firstLinesAreSaidBeforeAndAfterTheyAreCounted() {
        let bytes = Array(String(repeating: "line\n", count: 10).utf8)
        var display = DisplayText(snapshot: framed(bytes), key: "k", segmentSize: 999, lineLimit: 3)
        #expect(display.line.contains("showing the first 3 lines"))
        display.facts.shownLines = 3
        display.facts.totalLines = 10
        #expect(display.line.contains("showing lines 1 to 3 of 10"))
        #expect(display.info.contains("showing the first 3 lines"))
    }

    @Test func seedContentSaysSo() {
        let seed = Snapshot(format: .seed, payload: Array("hi".utf8), originalSize: 2)
        let display = DisplayText(snapshot: seed, key: "k", segmentSize: 10240)
        #expect(display.text == "hi")
        #expect(display.info.contains("seed format"))
    }

    @Test func damagedHeaderIsExplainedNotShown() {
        let bad = Snapshot(format: .framed, payload: [], originalSize: 0, problem: .payloadTooLong(length: 9, capacity: 8))
        let display = DisplayText(snapshot: bad, key: "k", segmentSize: 10240)
        #expect(display.shown.contains("damaged header"))
        #expect(display.info.contains("payload length 9 exceeds"))
    }

    @Test func theLineSaysEachFactOnceInAFewWords() {
        let empty = DisplayText(snapshot: Snapshot(format: .framed, payload: [], originalSize: 0, generation: 0),
                                key: "fileloader_shm_key", segmentSize: 1 << 20)
        #expect(empty.line == "nothing loaded yet")
        let long = Array((String(repeating: "x", count: 4500) + "\n").utf8)
        let folded = DisplayText(snapshot: framed(long), key: "fileloader_shm_key", segmentSize: 1 << 20)
        #expect(!folded.line.contains("fileloader_shm_key"), "the key is the header bar's subtitle: \(folded.line)")
        #expect(folded.line.hasPrefix("a.txt, \(ByteCount.format(long.count)), loaded at ")
                && folded.line.hasSuffix(" · long lines wrapped for display"), "\(folded.line)")
        #expect(!folded.line.contains("zero width") && folded.info.contains("zero width spaces"))
        #expect(folded.info.hasPrefix("Key fileloader_shm_key · segment 1.0\u{00A0}MiB · a.txt, "))
    }
}
