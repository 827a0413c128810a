import Foundation
import SharedMemory

/// The viewer's side of the segment: creates it, then polls it cheaply.
///
/// `poll()` holds the lock only to compare and copy: a framed segment is compared by its generation
/// counter (a header copy, no payload copy), a seed segment by its bytes (memcmp against the last copy).
/// Decoding for display happens outside the lock, on the returned private copy.
/// Not thread-safe: use it from one thread (the GTK main thread).
public final class SegmentReader {
    public let key: String
    private let requestedSize: Int
    private let lockTimeout: Duration
    private let memory: SharedMemory
    private var last: Snapshot?
    /// True when `open()` created the segment, false when it attached to a live one.
    public private(set) var created = false

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
        do {
            try memory.create(size: requestedSize)
            created = true
            try memory.withLock(timeout: .seconds(1)) { SegmentContent.stampEmpty($0) }
        } catch let error as SharedMemoryError where error.code == .alreadyExists {
            try memory.attach(access: .readWrite)
            created = false
        }
        last = nil
    }

    /// Result of one poll.
    public enum Poll: Sendable, Equatable {
        case unchanged
        case changed(Snapshot)
        /// The lock was not granted in time, or the segment went away; the text says which.
        case failed(String)
    }

    /// Locks, checks for a change, copies only what changed, unlocks.
    public func poll() -> Poll {
        do {
            let next: Snapshot? = try memory.withLock(timeout: lockTimeout) { segment in
                readIfChanged(UnsafeRawBufferPointer(segment))
            }
            guard let next else { return .unchanged }
            last = next
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
        last = nil
    }

    /// Under the lock: nil when the segment holds what `last` holds.
    private func readIfChanged(_ segment: UnsafeRawBufferPointer) -> Snapshot? {
        switch FramedHeader.decode(segment, segmentSize: segment.count) {
        case .framed(let header):
            if let last, last.format == .framed, last.problem == nil, last.generation == header.generation {
                return nil
            }
            return SegmentContent.snapshot(header, payload: segment)
        case .damaged(let problem):
            if let last, last.problem == problem { return nil }
            return Snapshot(format: .framed, payload: [], originalSize: 0, problem: problem)
        case .notFramed:
            let length = SegmentContent.seedLength(segment)
            if let last, last.format == .seed, last.payload.count == length, length == 0
                || last.payload.withUnsafeBytes({ memcmp($0.baseAddress!, segment.baseAddress!, length) == 0 }) {
                return nil
            }
            return Snapshot(format: .seed, payload: Array(segment[0..<length]), originalSize: length)
        }
    }
}
