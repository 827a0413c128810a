import CGLib
import Foundation
import Synchronization

/// A `SegmentReader` on a thread of its own, so that the viewer's GTK main loop never waits: the
/// open (create or attach, each waiting up to a second for the lock), every poll's lock wait, a
/// recovery after `ipcrm`, and making the display value (`prepare`, e.g. `DisplayText`) all run
/// here; the caller gets finished values through `open`'s callbacks, on this thread, to hand over.
///
/// Polls are requested from any thread (a timer, the wake-word waiter) and coalesced: a request
/// made while one is waiting to run adds nothing. Unchanged polls are not passed on unless they
/// end a failure or change how the segment is watched, so an idle viewer is not woken for nothing.
public final class BackgroundReader<Display: Sendable>: Sendable {
    /// What an open gave.
    public enum Opened: Sendable {
        /// The segment is there, with this size (a live segment keeps its own).
        case opened(segmentSize: Int)
        /// Creating and attaching both failed; the text says why.
        case failed(String)
    }

    /// What a poll gave.
    public struct Update: Sendable {
        public enum Change: Sendable {
            case unchanged
            /// New content, already prepared; `generation` is nil for the seed format.
            case changed(Display, generation: UInt64?, storedLength: Int)
            /// The lock was not granted in time, or the segment went away; the text says which.
            case failed(String)
        }
        public let change: Change
        /// Set when this poll made the segment again (`SegmentReader.lastRecovery`).
        public let recovery: String?
        /// `SegmentReader.isWokenByWriters` after the poll.
        public let isWokenByWriters: Bool
        /// `g_get_monotonic_time()` when the poll began, for traces.
        public let started: Int64
    }

    private struct State {
        var pollQueued = false
        var isOpen = false
        var lastWasFailure = false
        var lastWoken = false
    }

    private let reader: Confined<SegmentReader>
    private let queue = DispatchQueue(label: "org.sharedmemorygtk.Viewer.segment")
    private let state = Mutex(State())
    private let prepare: @Sendable (Snapshot, _ segmentSize: Int) -> Display
    private let updated = Mutex<(@Sendable (Update) -> Void)?>(nil)

    /// - Parameter prepare: makes the display value from a new snapshot, on the reader's thread.
    public init(key: String, size: Int, prepare: @escaping @Sendable (Snapshot, _ segmentSize: Int) -> Display) {
        reader = Confined(SegmentReader(key: key, size: size))
        self.prepare = prepare
    }

    /// Opens the segment on the reader's thread and calls `done` there; once open, writers' wakes
    /// request polls, a first poll shows what the segment holds, and each poll that has something
    /// to say calls `updated`, on the reader's thread.
    public func open(_ done: @escaping @Sendable (Opened) -> Void, updated: @escaping @Sendable (Update) -> Void) {
        self.updated.withLock { $0 = updated }
        queue.async { [self] in
            let reader = reader.value
            do {
                try reader.open()
            } catch {
                return done(.failed("\(error)"))
            }
            state.withLock { $0.isOpen = true }
            done(.opened(segmentSize: reader.segmentSize))
            reader.startWaiter { [weak self] in self?.requestPoll() }
            poll()
        }
    }

    /// Asks for a poll soon (from any thread); merges with one already waiting to run.
    public func requestPoll() {
        let queued = state.withLock { state in
            defer { state.pollQueued = true }
            return state.pollQueued
        }
        if !queued { queue.async { [self] in poll() } }
    }

    /// Stops the waiter and detaches, waiting for a running open or poll at most `limit`. False
    /// when that did not end in time: the process then ends attached and the kernel detaches it.
    @discardableResult
    public func close(within limit: Duration = .seconds(3)) -> Bool {
        let done = DispatchSemaphore(value: 0)
        state.withLock { $0.isOpen = false }   // polls queued meanwhile do nothing
        queue.async { [reader] in
            reader.value.close()
            done.signal()
        }
        let nanoseconds = limit.components.seconds * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000
        return done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success
    }

    private func poll() {
        let isOpen = state.withLock { state in
            state.pollQueued = false   // a request from now on polls again
            return state.isOpen
        }
        guard isOpen else { return }
        let reader = reader.value
        let started = Int64(g_get_monotonic_time())
        let recoveries = reader.recoveryCount
        let change: Update.Change = switch reader.poll() {
        case .unchanged: .unchanged
        case .changed(let snapshot):
            .changed(prepare(snapshot, reader.segmentSize), generation: snapshot.generation,
                     storedLength: snapshot.storedLength)
        case .failed(let message): .failed(message)
        }
        let recovery = reader.recoveryCount != recoveries ? reader.lastRecovery : nil
        let woken = reader.isWokenByWriters
        let worthSaying = state.withLock { state in
            defer {
                state.lastWoken = woken
                if case .failed = change { state.lastWasFailure = true } else { state.lastWasFailure = false }
            }
            if case .unchanged = change { return state.lastWasFailure || state.lastWoken != woken || recovery != nil }
            return true
        }
        if worthSaying, let updated = updated.withLock({ $0 }) {
            updated(Update(change: change, recovery: recovery, isWokenByWriters: woken, started: started))
        }
    }
}
