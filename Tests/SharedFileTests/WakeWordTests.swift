import Foundation
import SharedMemory
import Testing
import TestSupport
@testable import SharedFile

/// The framed header's wake word (docs/PROTOCOL.md) and the viewer's waiter thread on it.
@Suite struct WakeWordTests {
    /// Counts wakes from the waiter thread and lets the test wait for the next one.
    final class Wakes: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        func signal() { semaphore.signal() }
        /// True when a wake came within `seconds`.
        func next(within seconds: Double) -> Bool { semaphore.wait(timeout: .now() + seconds) == .success }
    }

    /// 4-byte aligned memory, like a mapping.
    private func withSegment<R>(_ size: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        let segment = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { segment.deallocate() }
        segment.initializeMemory(as: UInt8.self, repeating: 0)
        return try body(segment)
    }

    @Test func framedWritesBumpTheWordAndHeadersKeepIt() throws {
        withSegment(1024) { segment in
            SegmentContent.stampEmpty(segment)
            let word = SegmentContent.wakeWord(segment)!
            #expect(word.value == 0)
            let text: [UInt8] = Array("hello".utf8)
            _ = text.withUnsafeBytes { SegmentContent.write($0, name: "a", into: segment) }
            #expect(word.value == 1)
            _ = text.withUnsafeBytes { SegmentContent.write($0, name: "b", into: segment) }
            #expect(word.value == 2)
            SegmentContent.stampEmpty(segment)   // a re-stamp must not reset what waiters watch
            #expect(word.value == 2)
            let snapshot = SegmentContent.read(UnsafeRawBufferPointer(segment))
            #expect(snapshot.problem == nil && snapshot.generation == 0)
        }
    }

    @Test func waiterStopsAtOnceEvenWithALongTimeout() throws {
        withSegment(64) { segment in
            let word = SharedWord(segment.baseAddress!)!   // a mapping is page-aligned
            let wakes = Wakes()
            let waiter = SegmentWaiter(word: word, timeoutMilliseconds: 60_000) { wakes.signal() }
            waiter.start()
            #expect(!wakes.next(within: 0.2), "woke without a change")
            word.signal()
            #expect(wakes.next(within: 5))
            #expect(waiter.wakeCount == 1)
            let took = elapsed { waiter.stop() }
            #expect(took < .seconds(5), "stop waited for the futex timeout")
            word.signal()
            #expect(!wakes.next(within: 0.2), "woke after stop")
            _ = segment
        }
    }

    @Test func readerWaiterWakesOnAWriteAndNotAfterClose() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let reader = SegmentReader(key: key, size: 4096)
        try reader.open()
        let wakes = Wakes()
        reader.startWaiter { wakes.signal() }
        #expect(!reader.isWokenByWriters, "nothing polled yet")
        guard case .changed = reader.poll() else { Issue.record("no first snapshot"); return }
        #expect(reader.isWokenByWriters)
        #expect(!wakes.next(within: 0.2), "woke without a write")

        let writer = SharedMemory(key: key)
        try writer.attach()
        defer { writer.detach() }
        let text: [UInt8] = Array("hello".utf8)
        _ = try writer.withLock { segment in text.withUnsafeBytes { SegmentContent.write($0, name: "a", into: segment) } }
        #expect(wakes.next(within: 5))
        guard case .changed(let shown) = reader.poll() else { Issue.record("write not seen"); return }
        #expect(shown.payload == text)

        reader.close()   // joins the waiter; the writer keeps the segment alive
        _ = try writer.withLock { segment in text.withUnsafeBytes { SegmentContent.write($0, name: "b", into: segment) } }
        #expect(!wakes.next(within: 0.3), "woke after close")
    }

    @Test func ctlLoadInAnotherProcessWakesTheWaiter() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let assets = try TempAssets()
        try assets.add("c.txt", Array("from another process".utf8))
        let reader = SegmentReader(key: key, size: 4096)
        try reader.open()
        defer { reader.close() }
        let wakes = Wakes()
        reader.startWaiter { wakes.signal() }
        let result = try run(ctlPath, ["load", "--key", key, assets.path("c.txt")])
        #expect(result.status == 0, "\(result.output)")
        #expect(wakes.next(within: 5))
        guard case .changed(let shown) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("from another process".utf8))
    }

    @Test func seedSegmentIsNotWokenByWriters() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let qtViewer = SharedMemory(key: key)   // zero-filled, as a Qt viewer leaves it
        try qtViewer.create(size: 4096)
        defer { qtViewer.detach() }
        let reader = SegmentReader(key: key, size: 4096)
        try reader.open()
        defer { reader.close() }
        reader.startWaiter {}
        _ = reader.poll()
        #expect(!reader.isWokenByWriters, "a seed segment needs the fast poll")
    }
}
