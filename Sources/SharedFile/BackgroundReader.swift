import CGLib
import Foundation
import SharedMemory
import Synchronization

/// A `SegmentReader` on a thread of its own, so that the viewer's GTK main loop never waits: the
/// open (create or attach, each waiting up to a second for the lock), every poll's lock wait, a
/// recovery after `ipcrm`, and making the display value (`prepare`, e.g. `DisplayText`) all run
/// here; the caller takes finished values.
///
/// Polls are requested from any thread (a timer, the wake-word waiter) and coalesced: a request
/// made while one is waiting to run adds nothing. Their results are merged until the caller takes
/// them (`takeUpdate()`), so a caller slower than the writers renders only the newest content,
/// never a backlog. Unchanged polls are not reported unless they end a failure or change how the
/// segment is watched, so an idle viewer is not woken for nothing.
public final class BackgroundReader<Display: Sendable>: Sendable {
    /// What an open gave.
    public enum Opened: Sendable {
        /// The segment is there, with this size (a live segment keeps its own); `otherViewer`: the
        /// pid of another viewer that already showed it (``SegmentReader/otherViewer``).
        case opened(segmentSize: Int, otherViewer: pid_t?)
        /// Creating and attaching both failed; the text says why.
        case failed(String)
    }

    /// What the polls since the last `takeUpdate()` found.
    public struct Update: Sendable {
        /// New content, already prepared.
        public struct Content: Sendable {
            public let display: Display
            /// nil for the seed format.
            public let generation: UInt64?
            public let storedLength: Int
            /// Which content this is: pass it to `save(to:showing:_:)` to save this and nothing newer.
            public let version: ContentVersion
            /// `g_get_monotonic_time()` when the poll that found it began, for traces.
            public let started: Int64
        }
        /// The newest content found, nil when none changed.
        public var content: Content?
        /// Why the last poll failed (the lock was not granted in time, the segment went away);
        /// nil when it worked.
        public var failure: PollFailure?
        /// Set when a poll made the segment again (`SegmentReader.lastRecovery`).
        public var recovery: String?
        /// `SegmentReader.isWokenByWriters` after the last poll.
        public var isWokenByWriters: Bool
        /// Set when the other viewer of ``Opened/opened(segmentSize:otherViewer:)`` has ended.
        public var otherViewerLeft = false
    }

    struct State {
        var pollQueued = false
        var isOpen = false
        var lastWasFailure = false
        var lastWoken = false
        var hadOtherViewer = false
        /// Merged results the caller has not taken yet.
        var pending: Update?
    }

    let reader: Confined<SegmentReader>
    let queue = DispatchQueue(label: "org.sharedmemorygtk.Viewer.segment")
    let state = Mutex(State())
    private let prepare: @Sendable (Snapshot, _ segmentSize: Int) -> Display
    private let updated = Mutex<(@Sendable () -> Void)?>(nil)

    /// - Parameters:
    ///   - nativeKey: a Qt 6 native key (POSIX or System V); nil is `key`'s legacy key, as in Qt 5.
    ///   - prepare: makes the display value from a new snapshot, on the reader's thread.
    ///   - preview: show a large new payload's start before it is copied whole (``CopyPreview``):
    ///     the preview's update comes first, the whole's follows from the next poll, made at once.
    public init(key: String, size: Int, nativeKey: NativeIpcKey? = nil, preview: CopyPreview? = nil,
                prepare: @escaping @Sendable (Snapshot, _ segmentSize: Int) -> Display) {
        reader = Confined(SegmentReader(key: key, size: size, nativeKey: nativeKey, preview: preview))
        self.prepare = prepare
    }

    /// Opens the segment on the reader's thread and calls `done` there; once open, writers' wakes
    /// request polls, and a first poll shows what the segment holds. `updated` is called, on the
    /// reader's thread, when results wait to be taken and none did before: hand it to your thread
    /// and call `takeUpdate()` there.
    public func open(_ done: @escaping @Sendable (Opened) -> Void, updated: @escaping @Sendable () -> Void) {
        self.updated.withLock { $0 = updated }
        queue.async { [self] in
            let reader = reader.value
            do {
                try reader.open()
            } catch {
                return done(.failed("\(error)"))
            }
            state.withLock { state in
                state.isOpen = true
                state.hadOtherViewer = reader.otherViewer != nil
            }
            done(.opened(segmentSize: reader.segmentSize, otherViewer: reader.otherViewer))
            reader.startWaiter { [weak self] in self?.requestPoll() }
            poll()
        }
    }

    /// The results merged since the last call, nil when there are none (callable from any thread).
    public func takeUpdate() -> Update? {
        state.withLock { state in
            defer { state.pending = nil }
            return state.pending
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
        state.withLock { $0.isOpen = false }   // polls queued meanwhile do nothing
        return queue.run(waitingAtMost: limit) { [reader] in reader.value.close() }
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
        var content: Update.Content?
        var failure: PollFailure?
        var previewed = false
        switch reader.poll() {
        case .unchanged: break
        case .changed(let snapshot):
            previewed = snapshot.isPreview
            content = Update.Content(display: prepare(snapshot, reader.segmentSize), generation: snapshot.generation,
                                     storedLength: snapshot.storedLength, version: snapshot.version(), started: started)
        case .failed(let problem): failure = problem
        }
        let recovery = reader.recoveryCount != recoveries ? reader.lastRecovery : nil
        let woken = reader.isWokenByWriters
        let hasOtherViewer = reader.otherViewer != nil
        let signal = state.withLock { state -> Bool in
            let otherViewerLeft = state.hadOtherViewer && !hasOtherViewer
            defer {
                state.lastWoken = woken
                state.lastWasFailure = failure != nil
                state.hadOtherViewer = hasOtherViewer
            }
            let worthSaying = content != nil || failure != nil || recovery != nil || otherViewerLeft
                || state.lastWasFailure || state.lastWoken != woken
            guard worthSaying else { return false }
            let first = state.pending == nil
            var merged = state.pending ?? Update(isWokenByWriters: woken)
            merged.content = content ?? merged.content
            merged.failure = failure
            merged.recovery = recovery ?? merged.recovery
            merged.isWokenByWriters = woken
            merged.otherViewerLeft = merged.otherViewerLeft || otherViewerLeft
            state.pending = merged
            return first
        }
        if signal, let updated = updated.withLock({ $0 }) { updated() }
        if previewed { requestPoll() }   // the whole payload, after the caller got its start
    }
}
