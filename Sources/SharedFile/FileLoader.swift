import Foundation
import SharedMemory

/// Loads a file of the assets folder into the segment, as the seed's FileLoader does, and reports
/// what happened in `status`. GTK-free: the loader window binds its status label to `statusChanged`.
///
/// Each load reads the file (outside the lock), attaches, locks with a timeout, copies, unlocks and
/// detaches, so a viewer restarted between two loads is found again, and a stuck writer costs at most
/// `lockTimeout`, never a frozen window. Not thread-safe: use it from one thread.
public final class FileLoader {
    public let key: String
    public let assets: AssetsFolder
    private let lockTimeout: Duration

    /// The last outcome, in words for the status line.
    public private(set) var status = ""
    /// Called once per `loadFile`, with the new status.
    public var statusChanged: ((String) -> Void)?

    public init(key: String, assetsDirectory: URL, lockTimeout: Duration = .milliseconds(500)) {
        self.key = key
        self.assets = AssetsFolder(assetsDirectory)
        self.lockTimeout = lockTimeout
    }

    /// The files the combo offers. An unreadable folder gives none and says why in `status`.
    public func availableFiles() -> [String] {
        do {
            return try assets.fileNames()
        } catch {
            report("Unable to list files: \(error)\nPass an existing folder with --assets DIR.")
            return []
        }
    }

    /// Loads `name` and reports the outcome through `status` and `statusChanged`.
    public func loadFile(_ name: String) {
        report(load(name))
    }

    private func load(_ name: String) -> String {
        let file: (fd: Int32, size: Int)
        do {
            file = try assets.open(name)
        } catch {
            return "Unable to open file: \(error)"
        }
        // One budget for the whole load (attach, write, detach all take the lock): a stuck writer
        // costs the window at most about `lockTimeout`, however it behaves between the steps.
        let clock = ContinuousClock()
        let deadline = clock.now + lockTimeout
        let memory = SharedMemory(key: key)
        memory.setupLockTimeout = lockTimeout
        do {
            try memory.attach(access: .readWrite)
        } catch let error as SharedMemoryError {
            close(file.fd)
            return error.code == .lockError ? Self.lockFailure(error) : Self.attachFailure(error)
        } catch {
            close(file.fd)
            return "Unable to attach to shared memory: \(error)"
        }
        defer {
            memory.setupLockTimeout = max(deadline - clock.now, Self.minimumDetachWait)
            memory.detach()
        }
        if let gone = Self.abandonedSegment(key: key) {
            close(file.fd)
            return gone
        }
        let content: (bytes: [UInt8], total: Int)
        do {
            // Never more than the segment can hold: a huge file costs no more than the segment.
            content = try AssetsFolder.read(fd: file.fd, size: file.size, limit: memory.size, name: name)
        } catch {
            return "Unable to open file: \(error)"
        }
        do {
            let report = try memory.withLock(timeout: max(deadline - clock.now, .zero)) { segment in
                content.bytes.withUnsafeBytes {
                    SegmentContent.write($0, name: name, fileSize: content.total, into: segment)
                }
            }
            return Self.success(name, report: report)
        } catch {
            return Self.lockFailure(error)
        }
    }

    /// Detach waits at least this long for the lock, so that the last one out can still clean up.
    static let minimumDetachWait: Duration = .milliseconds(20)

    /// A segment whose creator (the viewer) died and that only this loader is attached to: writing
    /// would show nothing, and detaching removes the leftover, so the next viewer starts clean.
    static func abandonedSegment(key: String) -> String? {
        guard let segment = try? SharedMemory.info(key: key).segment,
              !segment.creatorIsAlive, segment.attachedCount <= 1 else { return nil }
        return "Unable to attach to shared memory: the viewer that created the segment for key \"\(key)\" "
            + "(pid \(segment.creatorPID)) is gone; the file was not loaded."
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
