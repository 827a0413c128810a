import Foundation
import SharedMemory
public import SystemPackage

/// Loads a file into the segment, as the seed's FileLoader does, and reports what happened as a
/// `LoadOutcome` in `outcome` and `statusChanged`. GTK-free: the loader window runs it through a
/// `BackgroundLoader`, which hands each outcome to the window's label; `sharedmemory-ctl load` runs
/// it directly. A file is read to its end whatever `stat` says, never beyond what the segment holds.
///
/// Each load attaches, locks with a timeout, writes, unlocks and detaches, so a viewer restarted
/// between two loads is found again (and a closed viewer's segment is not kept alive by us), and a
/// stuck writer costs at most `lockTimeout`, never a frozen window. Not thread-safe: use it from one thread.
///
/// With `keepsSegmentAttached` a successful load keeps the mapping for the next one, which then
/// skips attach, page faults and detach (for 64 MiB these cost more than the copy itself). Every
/// load first checks that the kept segment is still the one the key names and that its viewer is
/// alive, else it attaches afresh; the caller ends the attachment with `releaseSegment()` once
/// loads stop (the loader window does so a second after the last one).
///
/// The file's bytes are copied once when they can be: a large file whose pages are all in the page
/// cache is `read()` straight into the segment under the lock (the lock is then held about as long
/// as a memcpy of the same size). Any other file is read outside the lock into a buffer kept between
/// loads and copied under it. The segment's pages are faulted in with one `madvise` beforehand.
public final class FileLoader {
    public let key: String
    /// The native key the segment is found by (`key`'s legacy key unless a Qt 6 key was given).
    public let ipcKey: NativeIpcKey
    public let assets: AssetsFolder
    private let lockTimeout: Duration
    /// Kept between loads: no allocation and no page faults for the next file of a similar size.
    private var buffer = ReadBuffer()
    /// How the next loads read the file (tests force each path).
    var readStrategy = ReadStrategy.automatic
    /// The segment kept attached after the last successful load, with how much of it is faulted in.
    private var kept: (memory: SharedMemory, faultedIn: Int)?

    /// Keep the segment attached after a successful load, until `releaseSegment()`. Off by default:
    /// each load then attaches and detaches, as the Qt example does.
    public var keepsSegmentAttached = false {
        didSet { if !keepsSegmentAttached { releaseSegment() } }
    }

    /// Whether a segment is attached between loads (see `keepsSegmentAttached`).
    public var holdsSegment: Bool { kept != nil }

    enum ReadStrategy { case automatic, buffered, direct }

    /// Files from this size on are read straight into the segment when they are cached.
    static let directReadMinimum = 256 << 10
    /// Segment ranges from this size on are faulted in with one `madvise` before the copy.
    static let prefaultMinimum = 256 << 10
    /// A read buffer larger than this is freed after the load instead of kept.
    static let keptBufferLimit = 8 << 20

    /// The last load's outcome, nil before the first.
    public private(set) var outcome: LoadOutcome?
    /// Called once per load, with its outcome, on the loading thread. The loader window binds its
    /// status label to it (through `BackgroundLoader`, which hands it to the GTK thread).
    public var statusChanged: ((LoadOutcome) -> Void)?

    /// `nativeKey`: a Qt 6 native key (POSIX or System V); nil is `key`'s legacy key, as in Qt 5.
    public init(key: String, assetsDirectory: URL, lockTimeout: Duration = .milliseconds(500),
                nativeKey: NativeIpcKey? = nil) {
        self.key = key
        self.ipcKey = nativeKey ?? .legacy(key)
        self.assets = AssetsFolder(assetsDirectory)
        self.lockTimeout = lockTimeout
    }

    /// Loads `name` of the assets folder and reports the outcome through `outcome` and `statusChanged`.
    public func loadFile(_ name: String) {
        report(load(name) { () throws(FileProblem) in try assets.open(name) })
    }

    /// Loads a file the user picked explicitly (a file dialog, `sharedmemory-ctl load PATH`), from
    /// anywhere: the only way this loader reads outside its assets folder. Reports like `loadFile(_:)`.
    public func loadFile(at url: URL) {
        report(load(url.lastPathComponent) { () throws(FileProblem) in try AssetsFolder.openPicked(url.path) })
    }

    /// Loads what `descriptor` (standard input, say) gives until its end, named `name`; at most what
    /// the segment holds. Read before the lock is taken: a slow writer never holds the lock.
    public func loadStream(_ descriptor: FileDescriptor, name: String) {
        report(load(name, strategy: .buffered) { () throws(FileProblem) in OpenedFile(descriptor, closes: false) })
    }

    private func load(_ name: String, strategy: ReadStrategy? = nil,
                      open: () throws(FileProblem) -> OpenedFile) -> LoadOutcome {
        // One deadline for the whole load (attach, write, detach all take the lock): a stuck writer
        // costs the caller at most about `lockTimeout`, however it behaves between the steps.
        let clock = ContinuousClock()
        let deadline = clock.now + lockTimeout
        let file: OpenedFile
        do { file = try open() } catch { return .fileProblem(name: name, error) }
        let memory: SharedMemory
        var faultedIn: Int
        do {
            (memory, faultedIn) = try attachedSegment(deadline: deadline)
        } catch {
            switch error.code {
            case .lockError: return .lockBusy(error)
            case .notFound: return .noViewer(error)
            default: return .attachFailed(error)
            }
        }
        var keep = false
        defer {
            if keep && keepsSegmentAttached {
                kept = (memory, faultedIn)
            } else {
                memory.setupLockTimeout = max(deadline - clock.now, Self.minimumDetachWait)
                memory.detach()
            }
        }
        let shownKey = ipcKey.shownName(for: key)
        switch memory.abandonment() {
        case .creatorGone(let pid): return .viewerGone(key: shownKey, creator: pid)
        case .nobodyMapsIt: return .viewerGone(key: shownKey, creator: nil)
        case nil: break
        }
        // Never more than the segment can hold: a huge file or an endless stream costs no more than the segment.
        let limit = memory.size
        let direct = switch strategy ?? readStrategy {
        case .direct: true
        case .buffered: false
        case .automatic:
            min(file.sizeHint, limit) >= Self.directReadMinimum
                && AssetsFolder.isCached(file.descriptor, length: min(file.sizeHint, limit))
        }
        defer { if buffer.capacity > Self.keptBufferLimit { buffer = ReadBuffer() } }
        var read = (count: 0, total: 0, lowerBound: false)
        if !direct {
            switch buffer.fill(from: file.descriptor, sizeHint: file.sizeHint, limit: limit) {
            case .success(let result): read = result
            case .failure(let error): return .readFailed(name: name, error, stored: nil)
            }
        }
        let span = FramedHeader.size + min(max(file.sizeHint, read.count), limit)
        if span - FramedHeader.size >= Self.prefaultMinimum && span > faultedIn {
            // Pages stay mapped while the segment is kept: fault each in once, not once per load.
            if memory.prefault(byteCount: span) { faultedIn = span }
        }
        do {
            var readError: Errno?
            var report = try memory.withLock(timeout: max(deadline - clock.now, .zero)) { segment in
                // The header holds the name as it is shown: valid UTF-8, whatever the real bytes.
                SegmentContent.write(name: RawFileName.displayName(name), into: segment) { room in
                    guard direct else {
                        let count = min(read.count, room.count)
                        room.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer.bytes(count)[0..<count]))
                        return (count, read.total)
                    }
                    let result = AssetsFolder.read(file.descriptor, into: room)
                    readError = result.error
                    let total = Self.total(read: result.count, ended: result.ended || result.error != nil,
                                           descriptor: file.descriptor, sizeHint: file.sizeHint)
                    read.lowerBound = total.lowerBound
                    return (result.count, total.total)
                }
            }
            if let readError { return .readFailed(name: name, readError, stored: report.written) }
            report.totalIsLowerBound = read.lowerBound
            keep = true
            if report.written == 0 && report.total > 0 { return .nothingStored(name: name, report: report) }
            return .loaded(name: name, report: report)
        } catch {
            return .lockBusy(error)   // on an attached segment, withLock fails only to take the lock
        }
    }

    /// The file's whole size after `read` bytes: those if it ended there, else its `stat` size when
    /// that is larger, else at least one byte more (found by reading it: `lowerBound`).
    static func total(read: Int, ended: Bool, descriptor: FileDescriptor, sizeHint: Int)
        -> (total: Int, lowerBound: Bool) {
        if ended || !AssetsFolder.hasMore(descriptor) { return (read, false) }
        return sizeHint > read ? (sizeHint, false) : (read + 1, true)
    }

    /// The kept segment while the key still names it (taken out of `kept`: the load puts it back
    /// after a successful write), else a fresh attachment to what the key names now.
    private func attachedSegment(deadline: ContinuousClock.Instant) throws(SharedMemoryError)
        -> (memory: SharedMemory, faultedIn: Int) {
        if let kept, kept.memory.unreachableReason() == nil {
            self.kept = nil
            return kept
        }
        releaseSegment()   // removed or its key file replaced behind our back
        let memory = SharedMemory(nativeKey: ipcKey)
        memory.setupLockTimeout = max(deadline - .now, .zero)
        try memory.attach(access: .readWrite)
        return (memory, 0)
    }

    /// Detaches the segment kept by `keepsSegmentAttached`, if any. The last process to detach
    /// removes the segment, as in Qt, so a viewer that closed meanwhile leaves nothing behind.
    public func releaseSegment() {
        guard let memory = kept?.memory else { return }
        kept = nil
        memory.setupLockTimeout = lockTimeout
        memory.detach()
    }

    /// Detach waits at least this long for the lock, so that the last one out can still clean up.
    static let minimumDetachWait: Duration = .milliseconds(20)

    private func report(_ outcome: LoadOutcome) {
        self.outcome = outcome
        statusChanged?(outcome)
    }
}

/// Memory for reading files, grown when needed and never zero-filled (every byte used is read first).
private final class ReadBuffer {
    private var storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    var capacity: Int { storage.count }

    /// The first `count` bytes, growing the buffer if it is smaller.
    func bytes(_ count: Int) -> UnsafeMutableRawBufferPointer {
        if storage.count < count {
            storage.deallocate()
            storage = .allocate(byteCount: count, alignment: 64)
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[0..<count])
    }

    /// Reads `descriptor` to its end, but at most `limit` bytes, growing from `sizeHint` (which
    /// may be wrong). The bytes are `bytes(count)`; `total` as in `FileLoader.total`.
    func fill(from descriptor: FileDescriptor, sizeHint: Int, limit: Int)
        -> Result<(count: Int, total: Int, lowerBound: Bool), Errno> {
        // One byte more than the hint: a right hint then ends with one read that returns 0.
        var size = min(limit, sizeHint > 0 ? sizeHint + 1 : 64 << 10)
        var count = 0
        while true {
            grow(to: size, keeping: count)
            let room = UnsafeMutableRawBufferPointer(rebasing: storage[count..<size])
            let result = AssetsFolder.read(descriptor, into: room)
            count += result.count
            if let error = result.error { return .failure(error) }
            if result.ended { return .success((count, count, false)) }
            guard size < limit else {
                let total = FileLoader.total(read: count, ended: false, descriptor: descriptor, sizeHint: sizeHint)
                return .success((count, total.total, total.lowerBound))
            }
            size = min(limit, size * 2)
        }
    }

    private func grow(to count: Int, keeping kept: Int) {
        guard storage.count < count else { return }
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
        if kept > 0 { larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<kept])) }
        storage.deallocate()
        storage = larger
    }

    deinit { storage.deallocate() }
}
