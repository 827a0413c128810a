import Foundation
import SharedMemory
import Synchronization
import SystemPackage
import Testing
import TestSupport
@testable import SharedFile

/// `BackgroundReader.save`: the file gets what the segment holds, the whole payload (also past the
/// display limit the polls copy), binary included, read again under the lock.
@Suite struct SegmentSavingTests {
    final class Waiter: Sendable {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<SaveOutcome?>(nil)
        func callAsFunction(_ outcome: SaveOutcome) {
            self.outcome.withLock { $0 = outcome }
            done.signal()
        }
        func wait() -> SaveOutcome? {
            done.wait(timeout: .now() + 10) == .success ? outcome.withLock { $0 } : nil
        }
    }

    @Test func theSavedFileHoldsTheSegmentsWholePayload() throws {
        let key = uniqueKey("save")
        defer { removeLeftovers(key) }
        let assets = try TempAssets()
        let folder = try TempFolder()
        // Past the display limit, which the polls' copies stop at: the save must not.
        let size = DisplayText.defaultLimit + (1 << 20)
        var random = SplitMix64(seed: 99)
        let bytes = AtomicFileWriterTests.binary
            + (0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let reader = BackgroundReader<Int>(key: key, size: size + 4096) { snapshot, _ in snapshot.payload.count }
        let opened = DispatchSemaphore(value: 0)
        reader.open({ _ in opened.signal() }, updated: {})
        #expect(opened.wait(timeout: .now() + 5) == .success)
        defer { reader.close() }

        let empty = Waiter()
        reader.save(to: folder.path("none.bin"), empty.callAsFunction)
        #expect(empty.wait() == .nothingLoaded)

        try assets.add("data.bin", bytes)
        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        loader.loadFile("data.bin")
        guard case .loaded = loader.outcome else { Issue.record("not loaded: \(String(describing: loader.outcome))"); return }
        loader.releaseSegment()

        let saved = Waiter()
        reader.save(to: folder.path("copy.bin"), saved.callAsFunction)
        #expect(saved.wait() == .saved(folder.path("copy.bin"), bytes: bytes.count))
        #expect(try folder.bytes("copy.bin") == bytes)
        #expect(folder.names() == ["copy.bin"])

        let failed = Waiter()
        reader.save(to: folder.path("missing").appending("x.bin"), failed.callAsFunction)
        guard case .failed(let problem) = failed.wait() else { Issue.record("saved into a missing folder"); return }
        #expect(problem.kind == .folderGone)

        // Quitting during a save: the reader closes, then the saves are waited for. A save not
        // copied yet says so; one copied is finished. Never a temporary file left behind.
        let last = Waiter()
        reader.save(to: folder.path("last.bin"), last.callAsFunction)
        #expect(reader.close(within: .seconds(5)))
        #expect(SegmentSaving.finish(within: .seconds(5)))
        let names = folder.names()
        switch last.wait() {
        case .saved(_, let count):
            #expect(count == bytes.count && names == ["copy.bin", "last.bin"])
            #expect(try folder.bytes("last.bin") == bytes)
        case .notOpen: #expect(names == ["copy.bin"])
        case let other: Issue.record("quitting during a save gave \(String(describing: other))")
        }
    }
}
