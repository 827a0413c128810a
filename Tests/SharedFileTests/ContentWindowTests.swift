import Foundation
import Synchronization
import Testing
import TestSupport
@testable import SharedFile

/// The viewer's window over a content too large for one text view (issue 18 item 3): every byte is
/// in some window, windows start at lines (or characters), and copy maps through the window.
@Suite struct ContentWindowTests {
    private let small = ContentWindow.Limits(bytes: 256, lines: 8)

    private func numberedLines(_ count: Int) -> [UInt8] {
        Array((0..<count).map { String(format: "line %09d\n", $0) }.joined().utf8)
    }

    @Test func holdsWholeLinesAroundTheTarget() {
        let bytes = numberedLines(1000)   // 15 bytes a line
        bytes.withUnsafeBufferPointer { buffer in
            for target in [0, 1, 14, 15, 7_500, 14_999, 15_000 - 1, 15_000] {
                let range = ContentWindow.range(in: buffer, around: target, limits: small)
                #expect(range.contains(target) || (target == bytes.count && range.upperBound == bytes.count), "target \(target)")
                #expect(range.lowerBound == 0 || bytes[range.lowerBound - 1] == 0x0A, "starts a line: \(range)")
                #expect(range.upperBound == bytes.count || bytes[range.upperBound - 1] == 0x0A, "ends a line: \(range)")
                #expect(range.count <= small.bytes)
                #expect(bytes[range].count { $0 == 0x0A } <= small.lines)
            }
        }
    }

    @Test func theEndShowsTheLastLine() {
        let bytes = numberedLines(1000)
        let window = ContentWindow(bytes, around: bytes.count, limits: small)
        #expect(window.range.upperBound == bytes.count)
        #expect(window.text.hasSuffix("line 000000999\n"))
        #expect(window.text.hasPrefix("line "))
        // Without a final newline too.
        let open = Array(bytes.dropLast())
        let last = ContentWindow(open, around: open.count, limits: small)
        #expect(last.text.hasSuffix("line 000000999"))
    }

    /// A window never cuts a character: ideographs (3 bytes) on one long line.
    @Test func cutsAtCharactersOnOneLongLine() {
        let bytes = Array(String(repeating: "漢字かな", count: 5_000).utf8)
        for target in stride(from: 0, through: bytes.count, by: 997) {
            let window = ContentWindow(bytes, around: target, limits: small)
            #expect(bytes[window.range.lowerBound] & 0xC0 != 0x80 || window.range.isEmpty)
            #expect(window.range.upperBound == bytes.count || bytes[window.range.upperBound] & 0xC0 != 0x80)
            #expect(!window.text.contains("\u{FFFD}"), "target \(target)")
            #expect(window.range.contains(target) || target == window.range.upperBound)
        }
    }

    /// One line of ~100 MiB (limits kept small so the test is fast): windows by bytes, each a few
    /// hundred bytes, anywhere in it; copy through the window's map gives the file's bytes.
    @Test func windowsOneHugeLineByBytes() {
        var random = SplitMix64(seed: 183)
        let length = 100 << 20
        var bytes = [UInt8](repeating: 0x41, count: length)
        for index in stride(from: 0, to: length, by: 4099) { bytes[index] = 0x61 + UInt8(index % 26) }
        for target in [0, length / 2, length - 1, length] + (0..<20).map({ _ in Int(random.next() % UInt64(length)) }) {
            let window = ContentWindow(bytes, around: target, limits: small)
            #expect(window.range.count <= small.bytes && window.range.count >= small.bytes - 4)
            #expect(window.range.contains(target) || target == length && window.range.upperBound == length)
            #expect(window.map.origin == window.range.lowerBound)
            bytes.withUnsafeBufferPointer { content in
                // The window's last 50 characters (some folded for display) copy as the file's bytes.
                let characters = (window.map.characterCount - 50)..<window.map.characterCount
                let copied = window.map.contentByteRange(ofCharacters: characters, in: content)
                #expect(copied.upperBound == window.range.upperBound)
                #expect(copied.count == 50)
                let back = window.map.contentCharacterRange(ofBytes: copied, in: content)
                #expect(back == characters)
            }
        }
    }

    /// Bad input: NULs, `\r` only, invalid UTF-8 are windowed by bytes and shown repaired.
    @Test func badInputIsWindowedByBytes() {
        for byte: UInt8 in [0x00, 0x0D, 0xFF, 0x80] {
            let bytes = [UInt8](repeating: byte, count: 10_000)
            let window = ContentWindow(bytes, around: 5_000, limits: small)
            // A run of continuation bytes starts no character: the window starts up to 3 bytes later;
            // a lone `\r` ends a line (GtkTextView breaks there): capped by lines.
            let expected = byte == 0x0D ? small.lines : small.bytes
            #expect(window.range.count <= expected && window.range.count >= expected - 3, "byte \(byte): \(window.range)")
            #expect(window.range.contains(5_000))
            bytes.withUnsafeBufferPointer { content in
                #expect(window.map.contentRepairedCount(in: window.range) == (byte == 0x0D ? 0 : window.range.count))
                let all = window.map.contentByteRange(ofCharacters: 0..<window.map.characterCount, in: content)
                #expect(all == window.range)
            }
        }
    }

    /// The line cap holds on short lines: a content of newlines only.
    @Test func capsLines() {
        let bytes = [UInt8](repeating: 0x0A, count: 100_000)
        let window = ContentWindow(bytes, around: 50_000, limits: small)
        #expect(window.range.count <= small.lines)
        #expect(window.range.contains(50_000))
    }

    /// A display over the limits is the first window, not a prefix: nothing says a part is hidden.
    @Test func largeContentIsWindowedNotCapped() {
        let bytes = numberedLines(2_000)
        let snapshot = Snapshot(format: .framed, payload: bytes, fileName: "big.log", originalSize: bytes.count)
        let display = DisplayText(snapshot: snapshot, key: "k", segmentSize: 1 << 20, limit: 4_096, lineLimit: 100,
                                  windowLimits: small)
        #expect(display.isWindowed)
        #expect(!display.isCapped)
        #expect(display.facts.shown == SegmentFacts.Shown.all)
        #expect(display.map.contentRange == display.window?.range)
        #expect(display.text.hasPrefix("line 000000000\n"))
        let fits = DisplayText(snapshot: snapshot, key: "k", segmentSize: 1 << 20, windowLimits: small)
        #expect(!fits.isWindowed && fits.text.utf8.count == bytes.count)
    }
}

/// The window queue answers the newest request only: a drag of the scrollbar asks for many windows.
@Suite struct ContentWindowQueueTests {
    @Test func onlyTheNewestRequestIsAnswered() async {
        let bytes = Array((0..<200_000).map { String(format: "%07d\n", $0) }.joined().utf8)
        let queue = ContentWindowQueue()
        let requests = 50
        let answers = await withCheckedContinuation { (done: CheckedContinuation<[Int], Never>) in
            let seen = Mutex<[Int]>([])
            for index in 0..<requests {
                let target = index * 30_000
                queue.make(bytes, around: target) { request, window in
                    let all = seen.withLock { $0.append(request); return $0 }
                    #expect(window.range.contains(min(target, bytes.count - 1)))
                    if request == requests { done.resume(returning: all) }   // a new queue numbers them 1, 2...
                }
            }
        }
        // The newest is answered; of the 49 before it, at most the one already running when they came.
        #expect(answers.last == requests)
        #expect(answers.count <= 2, "answered \(answers)")
        #expect(queue.isLatest(requests))
    }
}
