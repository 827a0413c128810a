import Foundation
import SharedMemory

/// Loads a file of the assets folder into the segment, as the seed's FileLoader does, and reports
/// what happened in `status` and `statusChanged`. GTK-free: the loader window runs it through a
/// `BackgroundLoader`, which hands each status to the window's label.
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

    /// The last outcome, in words for the status line.
    public private(set) var status = ""
    /// Called once per `loadFile`, with the new status.
    public var statusChanged: ((String) -> Void)?

    /// `nativeKey`: a Qt 6 native key (POSIX or System V); nil is `key`'s legacy key, as in Qt 5.
    public init(key: String, assetsDirectory: URL, lockTimeout: Duration = .milliseconds(500),
                nativeKey: NativeIpcKey? = nil) {
        self.key = key
        self.ipcKey = nativeKey ?? .legacy(key)
        self.assets = AssetsFolder(assetsDirectory)
        self.lockTimeout = lockTimeout
    }

    /// The files the combo offers. An unreadable folder gives none and says why in `status`.
    public func availableFiles() -> [String] {
        let listing = Self.listFiles(of: assets)
        if let problem = listing.problem { report(problem) }
        return listing.names
    }

    /// The files of `folder`, or none and the status that says why.
    static func listFiles(of folder: AssetsFolder) -> (names: [String], problem: String?) {
        do {
            return (try folder.fileNames(), nil)
        } catch {
            return ([], "Unable to list files: \(error)\nPass an existing folder with --assets DIR.")
        }
    }

    /// Loads `name` of the assets folder and reports the outcome through `status` and `statusChanged`.
    public func loadFile(_ name: String) {
        report(load(name) { try assets.open(name) })
    }

    /// Loads a file the user picked explicitly (a file dialog), from anywhere: the only way this
    /// loader reads outside its assets folder. Reports like `loadFile(_:)`.
    public func loadFile(at url: URL) {
        report(load(url.lastPathComponent) { try AssetsFolder.openPicked(url) })
    }

    private func load(_ name: String, open: () throws -> (fd: Int32, size: Int)) -> String {
        let file: (fd: Int32, size: Int)
        do {
            file = try open()
        } catch {
            return "Unable to open file: \(error)"
        }
        // One budget for the whole load (attach, write, detach all take the lock): a stuck writer
        // costs the window at most about `lockTimeout`, however it behaves between the steps.
        let clock = ContinuousClock()
        let deadline = clock.now + lockTimeout
        defer { close(file.fd) }
        let memory: SharedMemory
        var faultedIn: Int
        do {
            (memory, faultedIn) = try attachedSegment()
        } catch {
            return error.status
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
        if let pid = memory.abandonedCreator() { return Self.abandonedFailure(key: key, creator: pid) }
        // Never more than the segment can hold: a huge file costs no more than the segment.
        let want = min(file.size, memory.size)
        let direct = switch readStrategy {
        case .direct: true
        case .buffered: false
        case .automatic: want >= Self.directReadMinimum && AssetsFolder.isCached(fd: file.fd, length: want)
        }
        defer { if buffer.capacity > Self.keptBufferLimit { buffer = ReadBuffer() } }
        var count = 0
        if !direct {
            do {
                count = try AssetsFolder.read(fd: file.fd, into: buffer.bytes(want), name: name)
            } catch {
                return "Unable to read file \(error)\nThe segment was not changed; check the file and pick it again."
            }
        }
        let span = FramedHeader.size + want
        if want >= Self.prefaultMinimum && span > faultedIn {
            // Pages stay mapped while the segment is kept: fault each in once, not once per load.
            if memory.prefault(byteCount: span) { faultedIn = span }
        }
        do {
            var readError: String?
            let report = try memory.withLock(timeout: max(deadline - clock.now, .zero)) { segment in
                if direct {
                    return SegmentContent.write(name: name, fileSize: file.size, into: segment) { room in
                        let result = AssetsFolder.readAvailable(fd: file.fd, into: room)
                        readError = result.error
                        return result.count
                    }
                }
                let bytes = UnsafeRawBufferPointer(rebasing: buffer.bytes(count)[0..<count])
                return SegmentContent.write(bytes, name: name, fileSize: max(file.size, count), into: segment)
            }
            if let readError {
                return "Unable to read file \(name): \(readError)\nThe segment holds only its first \(report.written) bytes."
            }
            keep = true
            return Self.success(name, report: report)
        } catch {
            return Self.lockFailure(error)
        }
    }

    /// The kept segment while the key still names it (taken out of `kept`: the load puts it back
    /// after a successful write), else a fresh attachment to what the key names now.
    private func attachedSegment() throws(LoadFailure) -> (memory: SharedMemory, faultedIn: Int) {
        if let kept, kept.memory.unreachableReason() == nil {
            self.kept = nil
            return kept
        }
        releaseSegment()   // removed or its key file replaced behind our back
        let memory = SharedMemory(nativeKey: ipcKey)
        memory.setupLockTimeout = lockTimeout
        do {
            try memory.attach(access: .readWrite)
        } catch let error as SharedMemoryError {
            throw LoadFailure(status: error.code == .lockError ? Self.lockFailure(error) : Self.attachFailure(error))
        } catch {
            throw LoadFailure(status: "Unable to attach to shared memory: \(error)")
        }
        return (memory, 0)
    }

    /// A load that ended early, with the status that says why.
    private struct LoadFailure: Error { let status: String }

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

    /// A segment whose creator (the viewer) died and that only this loader is attached to: writing
    /// would show nothing, and detaching removes the leftover, so the next viewer starts clean.
    static func abandonedFailure(key: String, creator: pid_t) -> String {
        "Unable to attach to shared memory: the viewer that created the segment for key \"\(key)\" "
            + "(pid \(creator)) is gone; the file was not loaded."
            + "\nPlease start the sharedmemory viewer again, then pick the file again."
    }

    static func success(_ name: String, report: WriteReport) -> String {
        var text = "Loaded file \(name) to shared memory"
        if report.isTruncated {
            text += " (truncated: \(report.written) of \(report.total) bytes)"
            text += report.stoppedAtNUL
                ? "\nThe segment uses the Qt example's text format, which ends at the file's first NUL byte."
                : "\nThe segment is too small; start the viewer with a larger --size to load it whole."
        }
        return text
    }

    static func lockFailure(_ error: Error) -> String {
        "Unable to lock shared memory: \(error)\nThe file was not loaded; try again when the writer is done."
    }

    static func attachFailure(_ error: SharedMemoryError) -> String {
        var text = "Unable to attach to shared memory: \(error.message)"
        switch error.code {
        case .notFound: text += "\nPlease start the sharedmemory viewer first, then pick the file again."
        case .permissionDenied: text += "\nThe segment belongs to another user; start your own viewer."
        default: break
        }
        return text
    }

    private func report(_ text: String) {
        status = text
        statusChanged?(text)
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

    deinit { storage.deallocate() }
}
