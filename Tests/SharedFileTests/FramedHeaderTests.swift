import Foundation
import Messages
import Testing
import TestSupport
@testable import SharedFile

@Suite struct FramedHeaderTests {
    /// The problem in the viewer's words.
    private func words(_ snapshot: Snapshot) -> String? { snapshot.problem.map(Messages.headerProblem) }

    private func stamped(size: Int = 1024, _ edit: (UnsafeMutableRawBufferPointer) -> Void) -> FakeSegment {
        let segment = FakeSegment(size: size)
        SegmentContent.stampEmpty(segment.buffer)
        _ = segment.write(Array("abc".utf8))
        edit(segment.buffer)
        return segment
    }

    @Test(arguments: [
        (24, UInt64(1024 - 320 + 1), "exceeds the segment's capacity"),
        (24, UInt64.max, "exceeds the segment's capacity"),
        (32, UInt64(1), "smaller than the payload"),
    ])
    func lyingLengthsAreRejected(offset: Int, value: UInt64, words: String) {
        let segment = stamped { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self) }
        let snapshot = SegmentContent.read(segment.readOnly)
        #expect(self.words(snapshot)?.contains(words) == true)
        #expect(snapshot.payload.isEmpty && !snapshot.isEmpty)
    }

    @Test func unknownVersionAndHeaderSizeAreRejected() {
        let v2 = stamped { $0.storeBytes(of: UInt32(2).littleEndian, toByteOffset: 8, as: UInt32.self) }
        #expect(words(SegmentContent.read(v2.readOnly))?.contains("version 2") == true)
        let odd = stamped { $0.storeBytes(of: UInt32(64).littleEndian, toByteOffset: 12, as: UInt32.self) }
        #expect(words(SegmentContent.read(odd.readOnly))?.contains("header size 64") == true)
        let name = stamped { $0.storeBytes(of: UInt16(999).littleEndian, toByteOffset: 48, as: UInt16.self) }
        #expect(words(SegmentContent.read(name.readOnly))?.contains("name length 999") == true)
    }

    @Test func magicInASegmentTooSmallForAHeaderIsDamaged() {
        let segment = FakeSegment(size: 100)
        segment.buffer.copyBytes(from: FramedHeader.magic)
        #expect(words(SegmentContent.read(segment.readOnly))?.contains("smaller than a framed header") == true)
    }

    @Test func aLoaderNeverWritesFramedIntoADamagedHeader() {
        let segment = stamped { $0.storeBytes(of: UInt64.max.littleEndian, toByteOffset: 24, as: UInt64.self) }
        let report = segment.write(Array("x".utf8))
        #expect(report.format == .seed)
        #expect(SegmentContent.read(segment.readOnly).payload == Array("x".utf8))
    }

    /// A seeded random walk over hostile segments: whatever the bytes, decoding stays inside the
    /// segment and yields a payload no larger than it. (The long fuzz run belongs to the reliability suite.)
    @Test func randomHeadersNeverEscapeTheSegment() {
        var rng = SplitMix64(seed: 0x5EED)
        for round in 0..<20_000 {
            let size = Int(rng.next() % 1200)
            let segment = FakeSegment(size: size)
            for i in 0..<size { segment.buffer[i] = UInt8(truncatingIfNeeded: rng.next()) }
            if size >= 8, round % 2 == 0 { segment.buffer.copyBytes(from: FramedHeader.magic) }
            if size >= 16, round % 4 == 0 {
                segment.buffer.storeBytes(of: UInt32(1).littleEndian, toByteOffset: 8, as: UInt32.self)
                segment.buffer.storeBytes(of: UInt32(320).littleEndian, toByteOffset: 12, as: UInt32.self)
            }
            let snapshot = SegmentContent.read(segment.readOnly)
            #expect(snapshot.payload.count <= size)
            _ = DisplayText(snapshot: snapshot, key: "k", segmentSize: size)
        }
    }
}
