import Foundation
import SharedMemory
import Testing
import TestSupport
@testable import SharedFile

/// A large payload is read in two polls: its start first (the viewer's first screen), then the
/// whole of the same generation; a write in between gives the newer content, never a mix.
@Suite struct PreviewTests {
    private let preview = CopyPreview(threshold: 64 << 10, bytes: 4 << 10)

    /// 4,000 numbered lines (over 120 KiB): every byte tells where it came from.
    private func lines(_ tag: String) -> [UInt8] {
        Array((0..<4_000).map { String(format: "%@ line %05d of a large text\n", tag, $0) }.joined().utf8)
    }

    @Test func startFirstThenTheWholeOfTheSameGeneration() throws {
        let segment = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { segment.deallocate() }
        SegmentContent.stampEmpty(segment)
        let text = lines("first")
        _ = text.withUnsafeBytes { SegmentContent.write($0, name: "big.log", into: segment) }
        var detector = ChangeDetector()
        let start = try #require(poll(&detector, segment))
        #expect(start.isPreview && (start.payload == Array(text[0..<(4 << 10)]) ? true : false))
        #expect(start.storedLength == text.count && start.generation == 1)
        let whole = try #require(poll(&detector, segment), "the whole payload must follow its preview")
        #expect(!whole.isPreview && whole.generation == 1)
        #expect(whole.payload == text ? true : false, "the whole payload differs from the file")
        #expect(poll(&detector, segment) == nil)
    }

    @Test func aWriteBetweenPreviewAndWholeGivesTheNewerContentFromItsStart() throws {
        let segment = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { segment.deallocate() }
        SegmentContent.stampEmpty(segment)
        _ = lines("old").withUnsafeBytes { SegmentContent.write($0, name: "a.log", into: segment) }
        var detector = ChangeDetector()
        #expect(try #require(poll(&detector, segment)).isPreview)
        let newer = lines("new")
        _ = newer.withUnsafeBytes { SegmentContent.write($0, name: "b.log", into: segment) }
        let start = try #require(poll(&detector, segment))
        #expect(start.isPreview && start.generation == 2 && start.fileName == "b.log")
        #expect(start.payload == Array(newer[0..<(4 << 10)]) ? true : false, "the preview is not the newer content's start")
        let whole = try #require(poll(&detector, segment))
        #expect(whole.payload == newer ? whole.generation == 2 : false, "old and new bytes mixed")
    }

    @Test func smallPayloadsAndCopyLimitsAreNotPreviewed() throws {
        let segment = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { segment.deallocate() }
        SegmentContent.stampEmpty(segment)
        let small = Array(repeating: UInt8(ascii: "x"), count: (64 << 10) - 1)
        _ = small.withUnsafeBytes { SegmentContent.write($0, name: "small", into: segment) }
        var detector = ChangeDetector()
        #expect(poll(&detector, segment).map { !$0.isPreview && $0.payload == small } == true)
        // A reader that copies only a start anyway (its copy limit) gets no preview of it.
        _ = lines("capped").withUnsafeBytes { SegmentContent.write($0, name: "big", into: segment) }
        #expect(poll(&detector, segment, limit: 1000).map { !$0.isPreview && $0.payload.count == 1000 } == true)
    }

    @Test func readerDeliversBothThroughARealSegment() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let assets = try TempAssets()
        let text = lines("file")
        try assets.add("big.log", text)
        let reader = SegmentReader(key: key, size: 256 << 10, preview: preview)
        try reader.open()
        defer { reader.close() }
        _ = reader.poll()
        FileLoader(key: key, assetsDirectory: assets.url).loadFile("big.log")
        guard case .changed(let start) = reader.poll(), case .changed(let whole) = reader.poll() else {
            Issue.record("the preview and the whole were not both seen")
            return
        }
        #expect(start.isPreview && (start.payload == Array(text[0..<(4 << 10)]) ? true : false))
        #expect(!whole.isPreview && (whole.payload == text ? true : false))
        #expect(reader.poll() == .unchanged)
        // The display of a preview: a first window that spans the whole length, not a capped text.
        let display = DisplayText(snapshot: start, key: key, segmentSize: reader.segmentSize,
                                  windowLimits: ContentWindow.Limits(bytes: 1024, lines: 16))
        #expect(display.isWindowed && !display.isCapped)
        #expect(display.window?.total == text.count && display.window?.range.lowerBound == 0)
        #expect(display.facts.shown == .all, "a preview said it shows only a part: \(display.facts)")
    }

    @Test func aPreviewWindowEndsOnALineEndNotAtTheCut() {
        let text = lines("cut")
        let start = Array(text[0..<1000])   // the cut falls inside a line
        let window = ContentWindow(start, around: 0, limits: ContentWindow.Limits(bytes: 4096, lines: 100), total: text.count)
        #expect(window.total == text.count)
        #expect(window.range.upperBound < 1000 && start[window.range.upperBound - 1] == UInt8(ascii: "\n"))
    }

    @Test func aLargeCopyInChunksIsExactAcrossEveryChunkBoundary() throws {
        // A private buffer, not a shared segment: a page let go before it was copied would read as
        // zeros here, so a chunk boundary off by a page shows.
        let count = 2 * SegmentContent.copyChunk + 12_345
        let segment = UnsafeMutableRawBufferPointer.allocate(byteCount: FramedHeader.size + count, alignment: 16)
        defer { segment.deallocate() }
        SegmentContent.stampEmpty(segment)
        let text = (0..<count).map { UInt8(truncatingIfNeeded: $0 % 251 + 1) }
        _ = text.withUnsafeBytes { SegmentContent.write($0, name: "big.bin", into: segment) }
        var detector = ChangeDetector()
        let whole = try #require(ChangeDetector.changed(UnsafeRawBufferPointer(segment), since: detector.last))
        detector.commit(whole)
        #expect(whole.payload.count == count)
        let same = whole.payload.withUnsafeBytes { copy in text.withUnsafeBytes { memcmp(copy.baseAddress!, $0.baseAddress!, count) == 0 } }
        #expect(same, "the copy differs from the payload")
    }

    private func poll(_ detector: inout ChangeDetector, _ segment: UnsafeMutableRawBufferPointer,
                      limit: Int = .max) -> Snapshot? {
        guard let next = ChangeDetector.changed(UnsafeRawBufferPointer(segment), since: detector.last, limit: limit,
                                                preview: preview) else { return nil }
        detector.commit(next)
        return next
    }
}
