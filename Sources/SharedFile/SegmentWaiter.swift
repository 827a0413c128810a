import Foundation
import SharedMemory

/// One background thread that sleeps on the wake word of a framed segment (docs/PROTOCOL.md) and
/// calls `onWake`, on that thread, each time a writer changed it. This lets the viewer react to a
/// write at once instead of polling often: an idle viewer then wakes only for its safety poll.
///
/// The segment must stay mapped until `stop()` returned: stop (and so join) before detaching.
/// `SegmentReader` does that for the waiter it runs.
public final class SegmentWaiter: @unchecked Sendable {
    private let word: SharedWord
    private let timeoutMilliseconds: Int32
    private let onWake: @Sendable () -> Void
    private let state = NSCondition()
    // Guarded by `state`:
    private var started = false
    private var stopping = false
    private var finished = false
    private var wakes = 0

    /// - Parameters:
    ///   - word: the wake word, inside a mapping that outlives the waiter.
    ///   - timeoutMilliseconds: the longest single sleep; a bound for a lost stop request only.
    ///   - onWake: runs on the waiter thread after each change; hand the work to your own thread.
    public init(word: SharedWord, timeoutMilliseconds: Int32 = 1000, onWake: @escaping @Sendable () -> Void) {
        self.word = word
        self.timeoutMilliseconds = timeoutMilliseconds
        self.onWake = onWake
    }

    /// How many changes the thread has reported so far.
    public var wakeCount: Int { state.lock(); defer { state.unlock() }; return wakes }

    /// Starts the thread (once).
    public func start() {
        state.lock()
        defer { state.unlock() }
        guard !started else { return }
        started = true
        // The starting value is read now, not on the new thread: a write between start() and the
        // thread's first read would otherwise be taken as the start and never wake anyone.
        let seen = word.value
        let thread = Thread { [self] in run(from: seen) }
        thread.name = "segment-waiter"
        thread.start()
    }

    /// Asks the thread to end and waits until it has: afterwards the word is no longer touched.
    public func stop() {
        state.lock()
        defer { state.unlock() }
        guard started else { return }
        stopping = true
        // A wake sent just before the thread goes to sleep is lost; send it again until it is out.
        while !finished {
            word.wakeWaiters()
            _ = state.wait(until: Date(timeIntervalSinceNow: 0.005))
        }
    }

    private var isStopping: Bool { state.lock(); defer { state.unlock() }; return stopping }

    private func run(from start: UInt32) {
        var seen = start
        while !isStopping {
            guard case .changed(let now) = word.wait(whileEqualTo: seen, timeoutMilliseconds: timeoutMilliseconds) else {
                continue
            }
            seen = now
            state.lock()
            let stop = stopping
            if !stop { wakes += 1 }
            state.unlock()
            if !stop { onWake() }
        }
        state.lock()
        finished = true
        state.broadcast()
        state.unlock()
    }
}
