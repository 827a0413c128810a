import Foundation
import SharedMemory
import Testing
import TestSupport
@testable import SharedFile

/// What the viewer copies out of the segment (at most what it shows) and keeps between polls, and
/// the loader's two read paths.
@Suite struct CopyLimitTests {
    @Test func readerCopiesAtMostTheLimitAndKnowsTheFullLength() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let assets = try TempAssets()
        // Two-byte characters: a cut at an odd limit must step back to a whole character.
        let text = Array(String(repeating: "é", count: 10_000).utf8)
        try assets.add("big.txt", text)
        let reader = SegmentReader(key: key, size: 64 << 10, copyLimit: 1001)
        try reader.open()
        defer { reader.close() }
        _ = reader.poll()
        FileLoader(key: key, assetsDirectory: assets.url).loadFile("big.txt")
        guard case .changed(let snapshot) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(snapshot.payload.count == 1005)
        #expect(snapshot.storedLength == 20_000)
        #expect(snapshot.isPartial && !snapshot.isTruncated)
        #expect(snapshot.payload == Array(text[0..<1005]))

        let display = DisplayText(snapshot: snapshot, key: key, segmentSize: reader.segmentSize, limit: 1001)
        #expect(display.text == String(repeating: "é", count: 500))
        #expect(display.isCapped)
        // Sizes as GLib writes them, the exact count where it is the file's: 19.5 KiB (20000 bytes).
        #expect(display.info.contains("big.txt, \(ByteCount.formatExact(20_000))"), "\(display.info)")
        #expect(ByteCount.formatExact(20_000).contains("20000 bytes") || ByteCount.formatExact(20_000).contains("20,000 bytes"))
        #expect(display.info.contains("showing the first 1000 bytes of \(ByteCount.format(20_000))"), "\(display.info)")
        #expect(reader.poll() == .unchanged)
    }

    @Test func framedChangeStateKeepsNoPayload() throws {
        let segment = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { segment.deallocate() }
        SegmentContent.stampEmpty(segment)
        let text = [UInt8](repeating: 0x41, count: 3000)
        _ = text.withUnsafeBytes { SegmentContent.write($0, name: "a", into: segment) }
        var detector = ChangeDetector()
        let first = poll(&detector, UnsafeRawBufferPointer(segment))
        #expect(first?.payload == text)
        #expect(detector.last?.payload.isEmpty == true, "a second copy of the payload is kept")
        #expect(detector.last?.generation == 1)
        #expect(poll(&detector, UnsafeRawBufferPointer(segment)) == nil)
    }

    @Test func seedChangesAreFoundWithinTheLimitAndByLength() throws {
        let segment = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 16)
        defer { segment.deallocate() }
        segment.initializeMemory(as: UInt8.self, repeating: 0)
        func write(_ text: String) {
            _ = Array(text.utf8).withUnsafeBytes { SegmentContent.write($0, name: "x", into: segment) }
        }
        var detector = ChangeDetector()
        write("0123456789 and a tail")
        let first = poll(&detector, UnsafeRawBufferPointer(segment), limit: 10)
        #expect(first?.payload == Array("0123456789".utf8))
        #expect(first?.storedLength == 21)
        #expect(detector.last?.payload.count == 10, "seed keeps the bytes it compares")
        #expect(poll(&detector, UnsafeRawBufferPointer(segment), limit: 10) == nil)
        write("0123X56789 and a tail")
        #expect(poll(&detector, UnsafeRawBufferPointer(segment), limit: 10)?.payload == Array("0123X56789".utf8))
        write("0123X56789 and a longer tail")
        #expect(poll(&detector, UnsafeRawBufferPointer(segment), limit: 10)?.storedLength == 28)
    }

    @Test(arguments: [FileLoader.ReadStrategy.buffered, .direct, .automatic])
    func bothReadPathsWriteExactlyTheFile(strategy: FileLoader.ReadStrategy) throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let assets = try TempAssets()
        let big = (0..<(300 << 10)).map { UInt8(truncatingIfNeeded: $0 % 251 + 1) }
        try assets.add("big.bin", big)
        try assets.add("small.txt", Array("small".utf8))
        let reader = SegmentReader(key: key, size: 512 << 10, copyLimit: 1 << 20)
        try reader.open()
        defer { reader.close() }
        _ = reader.poll()
        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        loader.readStrategy = strategy
        for (name, bytes) in [("big.bin", big), ("small.txt", Array("small".utf8)), ("big.bin", big)] {
            loader.loadFile(name)
            #expect(loader.status == "Loaded file \(name) to shared memory")
            guard case .changed(let shown) = reader.poll() else { Issue.record("\(name) not seen"); return }
            #expect(shown.payload == bytes && shown.storedLength == bytes.count && shown.originalSize == bytes.count)
        }
    }

    @Test(arguments: [FileLoader.ReadStrategy.buffered, .direct])
    func seedSegmentStopsAtTheFirstNULOnBothPaths(strategy: FileLoader.ReadStrategy) throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let assets = try TempAssets()
        try assets.add("nul.bin", Array("before".utf8) + [0] + Array("after".utf8))
        try assets.add("long.txt", [UInt8](repeating: 0x61, count: 100))
        let qtViewer = SharedMemory(key: key)   // zero-filled: the seed format
        try qtViewer.create(size: 64)
        defer { qtViewer.detach() }
        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        loader.readStrategy = strategy
        loader.loadFile("nul.bin")
        #expect(loader.status.contains("truncated: 6 of 12 bytes"))
        var seen = try qtViewer.withLock { SegmentContent.read(UnsafeRawBufferPointer($0)) }
        #expect(seen.format == .seed && seen.payload == Array("before".utf8))
        loader.loadFile("long.txt")   // 63 bytes fit, then the NUL
        #expect(loader.status.contains("truncated: 63 of 100 bytes"))
        seen = try qtViewer.withLock { SegmentContent.read(UnsafeRawBufferPointer($0)) }
        #expect(seen.payload == [UInt8](repeating: 0x61, count: 63))
    }

    @Test func freshFilesAreCachedAndSegmentsCanBePrefaulted() throws {
        let assets = try TempAssets()
        try assets.add("f.bin", [UInt8](repeating: 7, count: 100_000))
        let file = try AssetsFolder(assets.url).open("f.bin")
        #expect(AssetsFolder.isCached(file.descriptor, length: file.sizeHint))

        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        #expect(!memory.prefault(byteCount: 4096), "nothing attached")
        try memory.create(size: 1 << 20)
        defer { memory.detach() }
        #expect(memory.prefault(byteCount: 1 << 20), "Linux >= 5.14 supports MADV_POPULATE_WRITE")
        #expect(memory.data!.allSatisfy { $0 == 0 }, "prefaulting changed the content")
    }

    /// One poll's change test as `SegmentReader` runs it: compare and copy, then record.
    private func poll(_ detector: inout ChangeDetector, _ segment: UnsafeRawBufferPointer, limit: Int = .max) -> Snapshot? {
        guard let next = ChangeDetector.changed(segment, since: detector.last, limit: limit) else { return nil }
        detector.commit(next)
        return next
    }
}
