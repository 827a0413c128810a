import Foundation
import SharedMemory

/// The viewer's side of the segment: creates it, then polls it cheaply.
///
/// `poll()` holds the lock only to compare and copy: a framed segment is compared by its generation
/// counter (a header copy, no payload copy), a seed segment by its bytes (memcmp against the last copy).
/// Decoding for display happens outside the lock, on the returned private copy.
///
/// A segment removed behind the viewer's back (`ipcrm`) or whose key file was deleted can no longer be
/// found by loaders; `poll()` notices, makes a fresh segment, and reports it (see `lastRecovery`).
/// Not thread-safe: use it from one thread (the GTK main thread).
public final class SegmentReader {
    public let key: String
    private let requestedSize: Int
    private let lockTimeout: Duration
    private let memory: SharedMemory
    private var detector = ChangeDetector()
    /// True when `open()` created the segment, false when it attached to a live one.
    public private(set) var created = false
    /// Why the segment was last made again by `poll()`, nil while that never happened.
    public private(set) var lastRecovery: String?
    /// How many times `poll()` made the segment again.
    public private(set) var recoveryCount = 0

    /// The waits of a recovery, which runs on the GTK main thread: short, and retried on the next poll.
    static let recoveryLockTimeout: Duration = .milliseconds(200)

    /// - Parameters:
    ///   - size: the segment size to create; an existing live segment keeps its own size.
    ///   - lockTimeout: how long one poll may wait for the lock before it reports the writer as stuck.
    public init(key: String, size: Int, lockTimeout: Duration = .milliseconds(20)) {
        self.key = key
        self.requestedSize = size
        self.lockTimeout = lockTimeout
        self.memory = SharedMemory(key: key)
        // create/attach/detach wait for the lock too; a stuck writer must not hold the window for long.
        memory.setupLockTimeout = .seconds(1)
    }

    deinit { memory.detach() }

    /// The native key of the segment (the key file path).
    public var nativeKey: String { memory.nativeKey }

    /// The size of the attached segment, 0 before `open()`.
    public var segmentSize: Int { memory.size }

    /// Creates the segment and stamps an empty framed header, or attaches to a live segment of the same
    /// key (another viewer, or a Qt program) and shows what it holds. A stale one is recovered by `create`.
    public func open() throws {
        try open(stampTimeout: .seconds(1))
    }

    private func open(stampTimeout: Duration) throws {
        do {
            try memory.create(size: requestedSize)
            created = true
            try memory.withLock(timeout: stampTimeout) { SegmentContent.stampEmpty($0) }
        } catch let error as SharedMemoryError where error.code == .alreadyExists {
            try memory.attach(access: .readWrite)
            created = false
        }
        detector.reset()
    }

    /// Result of one poll.
    public enum Poll: Sendable, Equatable {
        case unchanged
        case changed(Snapshot)
        /// The lock was not granted in time, or the segment went away; the text says which.
        case failed(String)
    }

    /// Locks, checks for a change, copies only what changed, unlocks. First checks (a few system
    /// calls) that loaders can still find the segment by its key; if not, makes it again and returns
    /// its empty snapshot as `.changed`, with the reason in `lastRecovery`.
    public func poll() -> Poll {
        if let reason = memory.unreachableReason() {
            return recover(reason)
        }
        return readLocked()
    }

    private func readLocked() -> Poll {
        do {
            let last = detector.last
            let next: Snapshot? = try memory.withLock(timeout: lockTimeout) { segment in
                ChangeDetector.changed(UnsafeRawBufferPointer(segment), since: last)
            }
            guard let next else { return .unchanged }
            detector.commit(next)
            return .changed(next)
        } catch let error as SharedMemoryError {
            return .failed(error.message)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Detaches; the last process out removes the segment and its key file.
    public func close() {
        memory.detach()
        detector.reset()
    }

    /// Drops the unreachable mapping and makes (or joins) a segment that loaders can find again.
    private func recover(_ reason: String) -> Poll {
        let saved = memory.setupLockTimeout
        memory.setupLockTimeout = Self.recoveryLockTimeout
        defer { memory.setupLockTimeout = saved }
        memory.detach()
        do {
            try open(stampTimeout: Self.recoveryLockTimeout)
        } catch {
            return .failed("The segment for key \"\(key)\" is unreachable: \(reason); "
                           + "making it again failed (retrying): \(error)")
        }
        lastRecovery = reason
        recoveryCount += 1
        switch readLocked() {
        case .unchanged: return .failed("The segment for key \"\(key)\" was made again: \(reason)")
        case let other: return other
        }
    }
}
