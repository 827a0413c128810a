import Foundation
import SharedMemory

/// The viewer's side of the segment: creates it, then polls it cheaply.
///
/// `poll()` holds the lock only to compare and copy: a framed segment is compared by its generation
/// counter (a header copy, no payload copy), a seed segment by its bytes (memcmp against the last copy).
/// Decoding for display happens outside the lock, on the returned private copy, which holds at most
/// `copyLimit` bytes of the payload (the viewer shows no more); `storedLength` has the full length.
/// Between polls only the generation (framed) or the copied bytes (seed) are kept to compare with.
///
/// `startWaiter` adds a `SegmentWaiter` thread that wakes the caller as soon as a writer bumps the
/// framed header's wake word, so that the caller can poll rarely while nothing happens.
///
/// A segment removed behind the viewer's back (`ipcrm`) or whose key file was deleted can no longer be
/// found by loaders; `poll()` notices, makes a fresh segment, and reports it (see `lastRecovery`).
/// Not thread-safe: use it from one thread. The viewer runs it on `BackgroundReader`'s thread, so
/// that none of its waits (open, the lock of a poll, a recovery) falls on the GTK main loop.
public final class SegmentReader {
    public let key: String
    private let requestedSize: Int
    private let lockTimeout: Duration
    let memory: SharedMemory
    private var detector = ChangeDetector()
    private let copyLimit: Int
    private let preview: CopyPreview?
    private let reachabilityInterval: Duration
    private var lastReachabilityCheck: ContinuousClock.Instant?
    private var onWriterWake: (@Sendable () -> Void)?
    private var waiter: SegmentWaiter?
    /// True when `open()` created the segment, false when it attached to a live one.
    public private(set) var created = false
    /// When `open()` attached to a live segment: another process of this program (another viewer)
    /// that already uses it, the lowest pid; nil when this reader created the segment or found none,
    /// and again once `poll()` saw that process end (checked with the reachability check).
    public private(set) var otherViewer: pid_t?
    /// Why the segment was last made again by `poll()`, nil while that never happened.
    public private(set) var lastRecovery: String?
    /// How many times `poll()` made the segment again.
    public private(set) var recoveryCount = 0
    /// Why the last recovery was needed, while it failed (the lock was held, say): the next poll
    /// tries again. Detached meanwhile, so the reachability check alone would never see it.
    private var failedRecovery: String?

    /// The waits of a recovery: short, so that a poll stays short and quitting is not held up;
    /// a recovery that did not get the lock is retried on the next poll.
    static let recoveryLockTimeout: Duration = .milliseconds(200)

    /// - Parameters:
    ///   - size: the segment size to create; an existing live segment keeps its own size.
    ///   - lockTimeout: how long one poll may wait for the lock before it reports the writer as stuck.
    ///   - copyLimit: copy at most this many payload bytes per change (plus 4, so that a text cut there
    ///     can still end on a whole UTF-8 character). The default copies the whole payload: the
    ///     viewer holds that one copy, which its copy, search and views read (issue 18).
    ///   - reachabilityInterval: how often `poll()` checks that loaders can still find the segment
    ///     (a few system calls); the polls in between skip it.
    ///   - nativeKey: a Qt 6 native key (POSIX or System V); nil is `key`'s legacy key, as in Qt 5.
    ///   - preview: copy the start of a large new payload first (``CopyPreview``); nil: always whole.
    public init(key: String, size: Int, lockTimeout: Duration = .milliseconds(20),
                copyLimit: Int = .max, reachabilityInterval: Duration = .milliseconds(250),
                nativeKey: NativeIpcKey? = nil, preview: CopyPreview? = nil) {
        self.preview = preview
        self.key = key
        self.requestedSize = size
        self.lockTimeout = lockTimeout
        self.copyLimit = copyLimit > Int.max - 4 ? Int.max : max(copyLimit, 0) + 4
        self.reachabilityInterval = reachabilityInterval
        self.memory = nativeKey.map { SharedMemory(nativeKey: $0) } ?? SharedMemory(key: key)
        // create/attach/detach wait for the lock too; a stuck writer must not hold the window for long.
        memory.setupLockTimeout = .seconds(1)
    }

    deinit {
        waiter?.stop()   // before the mapping goes
        memory.detach()
    }

    /// The native key of the segment: the key file's path for System V, `/name` for POSIX.
    public var nativeKey: String { memory.nativeKey }

    /// The size of the attached segment, 0 before `open()`.
    public var segmentSize: Int { memory.size }

    /// Creates the segment and stamps an empty framed header, or attaches to a live segment of the same
    /// key (another viewer, or a Qt program) and shows what it holds. A stale one is recovered by `create`;
    /// one whose creator died but that others still have attached (a loader between picks) is replaced.
    public func open() throws {
        try open(stampTimeout: .seconds(1))
    }

    private func open(stampTimeout: Duration) throws {
        func create() throws {
            try memory.create(size: requestedSize)
            created = true
            try memory.withLock(timeout: stampTimeout) { SegmentContent.stampEmpty($0) }
        }
        do {
            try create()
        } catch let error as SharedMemoryError where error.code == .alreadyExists {
            do {
                // A dead viewer's segment that a loader still holds for a moment (it keeps the segment
                // between picks) is not a live one to share: replace it, so that this viewer gets the
                // size it was asked for. The loader finds the new segment on its next pick.
                guard Self.isLeftByDeadCreator(memory.ipcKey) else { throw error }
                // Waits for the lock no longer than this open may (200 ms during a recovery).
                try? SharedMemory.remove(memory.ipcKey, force: true, lockTimeout: memory.setupLockTimeout)
                try create()
            } catch let error as SharedMemoryError where error.code == .alreadyExists {
                try memory.attach(access: .readWrite)
                created = false
            }
        }
        otherViewer = created ? nil : memory.otherInstancesOfThisProgram().first
        detector.reset()
    }

    /// The segment of `key` exists, is ours, and the process that created it is gone. A POSIX
    /// segment records no creator (its `create` already replaces one that nobody maps).
    private static func isLeftByDeadCreator(_ key: NativeIpcKey) -> Bool {
        guard key.type.isSystemV, let segment = try? SharedMemory.info(key).segment else { return false }
        return !segment.creatorIsAlive && segment.ownerUID == geteuid()
    }

    /// Result of one poll.
    public enum Poll: Sendable, Equatable {
        case unchanged
        case changed(Snapshot)
        /// The lock was not granted in time, or the segment went away; the value says which.
        case failed(PollFailure)
    }

    /// Locks, checks for a change, copies only what changed, unlocks. First checks (a few system
    /// calls) that loaders can still find the segment by its key; if not, makes it again and returns
    /// its empty snapshot as `.changed`, with the reason in `lastRecovery`.
    public func poll() -> Poll {
        if let reason = failedRecovery { return recover(reason) }
        let now = ContinuousClock.now
        if lastReachabilityCheck.map({ now - $0 >= reachabilityInterval }) ?? true {
            lastReachabilityCheck = now
            if let pid = otherViewer, !SharedMemory.isRunning(pid) { otherViewer = nil }
            if let reason = memory.unreachableReason() {
                return recover(reason)
            }
        }
        return readLocked()
    }

    /// Starts a background thread that calls `onWake` (on that thread) whenever a writer bumps the
    /// segment's wake word, i.e. after every framed write by our loader or `sharedmemory-ctl load`.
    /// Hand the work over to your own thread and call `poll()` there. The thread is stopped and
    /// joined before the segment is detached (`close()`, a recovery) and runs again after a recovery.
    public func startWaiter(_ onWake: @escaping @Sendable () -> Void) {
        onWriterWake = onWake
        runWaiter()
    }

    /// True when the waiter runs and the segment last held a valid framed header: writers then wake
    /// us, and polling is only a safety net (Qt writers and the seed format never wake anyone).
    public var isWokenByWriters: Bool {
        guard waiter != nil, let last = detector.last else { return false }
        return last.format == .framed && last.problem == nil
    }

    private func runWaiter() {
        guard waiter == nil, let onWake = onWriterWake, let segment = memory.data,
              let word = SegmentContent.wakeWord(segment) else { return }
        let started = SegmentWaiter(word: word, onWake: onWake)
        started.start()
        waiter = started
    }

    private func stopWaiter() {
        waiter?.stop()
        waiter = nil
    }

    private func readLocked() -> Poll {
        do {
            let last = detector.last
            let limit = copyLimit, preview = preview
            let next: Snapshot? = try memory.withLock(timeout: lockTimeout) { segment in
                ChangeDetector.changed(UnsafeRawBufferPointer(segment), since: last, limit: limit, preview: preview)
            }
            guard let next else { return .unchanged }
            detector.commit(next)
            return .changed(next)
        } catch {
            return .failed(.segment(error))
        }
    }

    /// Detaches; the last process out removes the segment and its key file.
    public func close() {
        stopWaiter()
        onWriterWake = nil
        failedRecovery = nil
        memory.detach()
        detector.reset()
    }

    /// Drops the unreachable mapping and makes (or joins) a segment that loaders can find again.
    private func recover(_ reason: String) -> Poll {
        let saved = memory.setupLockTimeout
        memory.setupLockTimeout = Self.recoveryLockTimeout
        defer { memory.setupLockTimeout = saved }
        do {
            if failedRecovery != nil, created, memory.isAttached, memory.unreachableReason() == nil {
                // The last try made the segment but could not stamp it (the lock was held): stamp
                // it now, unless a writer got there first. Made again instead, it would be
                // attached to unstamped, and writers would never wake us.
                try memory.withLock(timeout: Self.recoveryLockTimeout) { segment in
                    if SegmentContent.read(UnsafeRawBufferPointer(segment), limit: 0).isEmpty {
                        SegmentContent.stampEmpty(segment)
                    }
                }
                detector.reset()
            } else {
                stopWaiter()   // it watches the old mapping
                memory.detach()
                try open(stampTimeout: Self.recoveryLockTimeout)
            }
            runWaiter()
        } catch {
            failedRecovery = reason
            return .failed(.remakeFailed(reason: reason, error: "\(error)"))
        }
        failedRecovery = nil
        lastRecovery = reason
        recoveryCount += 1
        switch readLocked() {
        case .unchanged:
            return .failed(.madeAgain(reason: reason))
        case let other: return other
        }
    }
}
