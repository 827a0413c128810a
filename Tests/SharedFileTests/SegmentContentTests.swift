import Foundation
import Testing
@testable import SharedFile

/// A heap buffer standing in for a mapped segment.
final class FakeSegment {
    let buffer: UnsafeMutableRawBufferPointer
    init(size: Int, fill: UInt8 = 0) {
        buffer = .allocate(byteCount: size, alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: fill)
    }
    deinit { buffer.deallocate() }
    var readOnly: UnsafeRawBufferPointer { UnsafeRawBufferPointer(buffer) }
    func write(_ bytes: [UInt8], name: String = "f.txt", now: Date = Date()) -> WriteReport {
        bytes.withUnsafeBytes { SegmentContent.write($0, name: name, into: buffer, now: now) }
    }
}

@Suite struct SegmentContentTests {
    @Test func emptyStampReadsAsNothingLoaded() {
        let segment = FakeSegment(size: 1024, fill: 0xAB)
        SegmentContent.stampEmpty(segment.buffer)
        let snapshot = SegmentContent.read(segment.readOnly)
        #expect(snapshot.format == .framed)
        #expect(snapshot.generation == 0)
        #expect(snapshot.isEmpty)
        #expect(snapshot.fileName == nil)
    }

    @Test func framedRoundTripIsBinarySafe() {
        let segment = FakeSegment(size: 4096)
        SegmentContent.stampEmpty(segment.buffer)
        let bytes: [UInt8] = [0, 1, 2, 0xFF, 0, 0xC3, 0x28] + Array("héllo".utf8)
        let when = Date(timeIntervalSince1970: 1_800_000_000.123)
        let report = segment.write(bytes, name: "bin.dat", now: when)
        #expect(report == WriteReport(format: .framed, written: bytes.count, total: bytes.count))
        let snapshot = SegmentContent.read(segment.readOnly)
        #expect(snapshot.payload == bytes)
        #expect(snapshot.fileName == "bin.dat")
        #expect(snapshot.generation == 1)
        #expect(snapshot.originalSize == bytes.count)
        #expect(abs(snapshot.loadTime!.timeIntervalSince1970 - when.timeIntervalSince1970) < 0.001)
        #expect(!snapshot.isTruncated && !snapshot.isEmpty)
    }

    @Test func framedGenerationCountsEveryWriteAndSkipsZeroOnWrap() {
        let segment = FakeSegment(size: 1024)
        SegmentContent.stampEmpty(segment.buffer)
        _ = segment.write([1])
        _ = segment.write([2])
        #expect(SegmentContent.read(segment.readOnly).generation == 2)
        // A counter at its maximum wraps to 1, never to 0 ("nothing loaded").
        segment.buffer.storeBytes(of: UInt64.max.littleEndian, toByteOffset: 16, as: UInt64.self)
        _ = segment.write([3])
        let snapshot = SegmentContent.read(segment.readOnly)
        #expect(snapshot.generation == 1)
        #expect(snapshot.payload == [3])
    }

    @Test func framedTruncatesToCapacityAndSaysSo() {
        let segment = FakeSegment(size: FramedHeader.size + 10)
        SegmentContent.stampEmpty(segment.buffer)
        let report = segment.write(Array(repeating: 0x41, count: 25))
        #expect(report.written == 10 && report.total == 25 && report.isTruncated)
        let snapshot = SegmentContent.read(segment.readOnly)
        #expect(snapshot.payload.count == 10 && snapshot.originalSize == 25 && snapshot.isTruncated)
    }

    @Test func seedFormatWhenTheSegmentHasNoHeader() {
        // A segment created by a Qt viewer is zero-filled: our loader must write what Qt reads.
        let segment = FakeSegment(size: 16)
        let report = segment.write(Array("Hello, Qt".utf8))
        #expect(report.format == .seed && report.written == 9 && !report.isTruncated)
        #expect(Array(segment.buffer[0..<10]) == Array("Hello, Qt".utf8) + [0])
        let snapshot = SegmentContent.read(segment.readOnly)
        #expect(snapshot.format == .seed && snapshot.payload == Array("Hello, Qt".utf8))
    }

    @Test func seedFormatKeepsRoomForTheTerminatingNul() {
        let segment = FakeSegment(size: 8, fill: 0x7A)
        let report = segment.write(Array("0123456789".utf8))
        #expect(report.written == 7 && report.total == 10 && report.isTruncated && !report.stoppedAtNUL)
        #expect(segment.buffer[7] == 0)
        #expect(SegmentContent.read(segment.readOnly).payload == Array("0123456".utf8))
    }

    @Test func seedFormatStopsAtNulAndReportsIt() {
        let segment = FakeSegment(size: 64)
        let report = segment.write([0x61, 0x62, 0, 0x63])
        #expect(report.written == 2 && report.stoppedAtNUL && report.isTruncated)
    }

    @Test func seedSegmentWithoutAnyNulIsReadToItsEndOnly() {
        let segment = FakeSegment(size: 32, fill: 0x41)
        let snapshot = SegmentContent.read(segment.readOnly)
        #expect(snapshot.format == .seed && snapshot.payload.count == 32)
    }

    @Test func qtLoaderOverwritingOurHeaderIsReadAsSeed() {
        // strncpy over our stamped header pads with NULs: the magic is gone, the text is the seed string.
        let segment = FakeSegment(size: 1024)
        SegmentContent.stampEmpty(segment.buffer)
        let text = Array("from Qt".utf8)
        segment.buffer.copyBytes(from: text + Array(repeating: 0, count: 1023 - text.count))
        let snapshot = SegmentContent.read(segment.readOnly)
        #expect(snapshot.format == .seed && snapshot.payload == text)
    }

    @Test func longNamesAreCutOnACharacterBoundary() {
        let name = String(repeating: "é", count: 200)  // 400 bytes
        let cut = FramedHeader.nameBytes(name)
        #expect(cut.count == 256)
        #expect(String(validating: cut, as: UTF8.self) != nil)
    }
}
