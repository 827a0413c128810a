import Foundation
import Glibc
import SharedFile

/// The viewer without GTK: a thread that polls a `SegmentReader` every `viewerPollMilliseconds`
/// and decodes each change with `DisplayText`. It is the same-run baseline for the viewer's
/// change-to-display latency and idle CPU: what the library alone costs at the same period.
final class BaselinePoller: @unchecked Sendable {
    let key: String
    private let size: Int
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var rendered: [UInt64: Int64] = [:]
    private var ready = false
    private var failure: String?
    private var stopping = false
    private var stopped = false
    private var threadCPU: Int64 = 0

    init(key: String, size: Int) {
        self.key = key
        self.size = size
    }

    /// Starts the thread; returns when the segment exists.
    func start() throws {
        let thread = Thread { [self] in self.loop() }
        thread.start()
        condition.lock()
        defer { condition.unlock() }
        while !ready && failure == nil { condition.wait() }
        if let failure { throw Child.Failure(description: "baseline poller: \(failure)") }
    }

    func stop() {
        condition.lock()
        stopping = true
        while !stopped { condition.wait() }
        condition.unlock()
    }

    /// Monotonic time at which generation `generation` was decoded, waiting up to `timeout` s.
    func waitForRender(_ generation: UInt64, timeout: Double) -> Int64? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while rendered[generation] == nil {
            if !condition.wait(until: deadline) { break }
        }
        return rendered[generation]
    }

    /// CPU time the polling thread has used so far, in ns.
    var cpuNanoseconds: Int64 {
        condition.lock()
        defer { condition.unlock() }
        return threadCPU
    }

    private func loop() {
        let reader = SegmentReader(key: key, size: size)
        do {
            try reader.open()
        } catch {
            condition.lock(); failure = "\(error)"; condition.broadcast(); condition.unlock()
            return
        }
        condition.lock(); ready = true; condition.broadcast(); condition.unlock()
        while true {
            // Relative sleeps, like a GLib timeout re-armed after each dispatch.
            sleepMilliseconds(viewerPollMilliseconds)
            var generation: UInt64?
            if case .changed(let snapshot) = reader.poll() {
                let display = DisplayText(snapshot: snapshot, key: key, segmentSize: reader.segmentSize)
                _ = display.text.utf8.count
                generation = snapshot.generation
            }
            let now = monotonicNanoseconds()
            let cpu = threadCPUNanoseconds()
            condition.lock()
            if let generation { rendered[generation] = now; condition.broadcast() }
            threadCPU = cpu
            let done = stopping
            condition.unlock()
            if done { break }
        }
        reader.close()
        condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
    }
}
