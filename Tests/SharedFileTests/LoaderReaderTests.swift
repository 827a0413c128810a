import Foundation
import SharedMemory
import Testing
import TestSupport
@testable import SharedFile

@Suite struct LoaderReaderTests {
    @Test func loaderWithoutViewerAsksToStartIt() throws {
        let assets = try TempAssets()
        try assets.add("a.txt", Array("hello".utf8))
        let loader = FileLoader(key: uniqueKey(), assetsDirectory: assets.url)
        var seen: [LoadOutcome] = []
        loader.statusChanged = { seen.append($0) }
        loader.loadFile("a.txt")
        #expect(seen.count == 1)
        guard case .noViewer(let error) = seen.first else { Issue.record("not .noViewer: \(seen)"); return }
        #expect(error.code == .notFound)
        #expect(loader.status.hasPrefix("Unable to load: no viewer is running for this key"))
        #expect(loader.status.contains("\nStart the sharedmemory viewer first"))
    }

    @Test func loadThenPollShowsTheFileOnceAndOnlyOnce() throws {
        let assets = try TempAssets()
        let text = "Ελληνικά 日本語 🙂\n"
        try assets.add("a.txt", Array(text.utf8))
        let key = uniqueKey()
        let reader = SegmentReader(key: key, size: 4096)
        try reader.open()
        defer { reader.close() }
        guard case .changed(let empty) = reader.poll() else { Issue.record("no first snapshot"); return }
        #expect(empty.isEmpty)
        #expect(reader.poll() == .unchanged)

        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        loader.loadFile("a.txt")
        #expect(loader.status == "Loaded file a.txt to shared memory")
        guard case .changed(let snapshot) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(snapshot.payload == Array(text.utf8) && snapshot.fileName == "a.txt" && snapshot.generation == 1)
        #expect(reader.poll() == .unchanged)
        // Loading the same file again is a new generation: the viewer shows it again (new load time).
        loader.loadFile("a.txt")
        guard case .changed(let again) = reader.poll() else { Issue.record("reload not seen"); return }
        #expect(again.generation == 2)
    }

    @Test func truncationIsReportedToBothSides() throws {
        let assets = try TempAssets()
        try assets.add("big.txt", Array(repeating: 0x61, count: 5000))
        let key = uniqueKey()
        let reader = SegmentReader(key: key, size: 1024)
        try reader.open()
        defer { reader.close() }
        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        loader.loadFile("big.txt")
        #expect(loader.status.hasPrefix("Loaded file big.txt to shared memory (truncated: 704 of 5000 bytes)"))
        guard case .changed(let snapshot) = reader.poll() else { Issue.record("load not seen"); return }
        let display = DisplayText(snapshot: snapshot, key: key, segmentSize: reader.segmentSize)
        #expect(display.info.contains("truncated: 704 of 5000 bytes"))
    }

    @Test func fileProblemsComeBeforeAttachProblems() throws {
        let assets = try TempAssets()
        let loader = FileLoader(key: uniqueKey(), assetsDirectory: assets.url)
        loader.loadFile("missing.txt")
        #expect(loader.status.hasPrefix("Unable to open file: missing.txt: No such file"))
        loader.loadFile("../secret.txt")
        #expect(loader.status.hasPrefix("Unable to open file: "))
    }

    @Test func aStuckWriterCostsOnlyTheTimeout() throws {
        let assets = try TempAssets()
        try assets.add("a.txt", [0x61])
        let key = uniqueKey()
        let reader = SegmentReader(key: key, size: 1024)
        try reader.open()
        defer { reader.close() }
        let holder = SharedMemory(key: key)
        try holder.attach()
        try holder.lock()
        let loader = FileLoader(key: key, assetsDirectory: assets.url, lockTimeout: .milliseconds(100))
        loader.loadFile("a.txt")
        #expect(loader.status.hasPrefix("Unable to lock shared memory: "))
        if case .failed = reader.poll() {} else { Issue.record("poll under a held lock did not fail") }
        try holder.unlock()
        holder.detach()
        loader.loadFile("a.txt")
        #expect(loader.status == "Loaded file a.txt to shared memory")
    }

    @Test func aQtCreatedSegmentGetsTheSeedFormat() throws {
        let assets = try TempAssets()
        try assets.add("a.txt", Array("for Qt".utf8))
        let key = uniqueKey()
        let qtViewer = SharedMemory(key: key)  // creates a zero-filled segment, as QSharedMemory does
        try qtViewer.create(size: 64)
        defer { qtViewer.detach() }
        FileLoader(key: key, assetsDirectory: assets.url).loadFile("a.txt")
        let raw = try qtViewer.withLock { Array($0[0..<7]) }
        #expect(raw == Array("for Qt".utf8) + [0])
    }

    @Test func aRestartedViewerIsFoundByTheSameLoader() throws {
        let assets = try TempAssets()
        try assets.add("a.txt", [0x61])
        let key = uniqueKey()
        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        var reader = SegmentReader(key: key, size: 1024)
        try reader.open()
        reader.close()
        loader.loadFile("a.txt")
        #expect(loader.outcome?.isNoViewer == true, "\(loader.status)")
        reader = SegmentReader(key: key, size: 1024)
        try reader.open()
        defer { reader.close() }
        loader.loadFile("a.txt")
        #expect(loader.status == "Loaded file a.txt to shared memory")
    }
}
