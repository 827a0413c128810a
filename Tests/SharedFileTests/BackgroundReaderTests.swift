import Foundation
import SharedMemory
import Synchronization
import Testing
import TestSupport
@testable import SharedFile

/// `BackgroundReader`: the viewer's open and polls off the caller's thread; results merged until taken.
@Suite struct BackgroundReaderTests {
    final class Signals: Sendable {
        let opened = DispatchSemaphore(value: 0)
        let updated = DispatchSemaphore(value: 0)
        let openResult = Mutex<BackgroundReader<Snapshot>.Opened?>(nil)
    }

    @Test func changesMadeWhileNothingIsTakenGiveOnlyTheNewestContent() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let assets = try TempAssets()
        let reader = BackgroundReader<Snapshot>(key: key, size: 4096) { snapshot, _ in snapshot }
        let signals = Signals()
        reader.open({ opened in
            signals.openResult.withLock { $0 = opened }
            signals.opened.signal()
        }, updated: { signals.updated.signal() })
        #expect(signals.opened.wait(timeout: .now() + 5) == .success)
        guard case .opened(let size, let otherViewer) = signals.openResult.withLock({ $0 }) else { Issue.record("not opened"); return }
        #expect(size == 4096)
        #expect(otherViewer == nil)   // it created the segment
        #expect(signals.updated.wait(timeout: .now() + 5) == .success)
        #expect(reader.takeUpdate()?.content?.display.isEmpty == true)

        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        for index in 1...20 {
            try assets.add("f\(index).txt", Array("file \(index)".utf8))
            loader.loadFile("f\(index).txt")
            reader.requestPoll()
        }
        // Let the polls see every write (the waiter wakes them too) without taking anything.
        for _ in 0..<15 {
            Thread.sleep(forTimeInterval: 0.02)
            reader.requestPoll()
        }
        Thread.sleep(forTimeInterval: 0.1)
        var signalled = 0
        while signals.updated.wait(timeout: .now()) == .success { signalled += 1 }
        #expect(signalled == 1, "one signal for results waiting, not one per change")
        let update = try #require(reader.takeUpdate())
        #expect(update.content?.generation == 20 && update.content?.display.payload == Array("file 20".utf8))
        #expect(update.failure == nil && update.isWokenByWriters)
        #expect(reader.takeUpdate() == nil)
        #expect(reader.close(within: .seconds(3)))
        #expect((try? SharedMemory.info(key: key))?.segment == nil, "the last one out did not remove the segment")
    }
}
