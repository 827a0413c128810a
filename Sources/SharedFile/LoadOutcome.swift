import SharedMemory
public import SystemPackage

/// Why a file could not be opened for loading. Values, not words: `Messages` says them.
public enum FileProblem: Error, Sendable, Equatable {
    /// The name is empty, `.`, `..`, or holds a `/` or NUL: not a file of the assets folder.
    case notAName
    /// The name leads (through a link) to `resolved`, outside the assets folder: not read.
    case outsideFolder(resolved: String)
    /// The assets folder itself is missing, not a folder, or cannot be listed.
    case folderUnusable(path: String, Errno)
    /// No assets folder was given and none of the default places (`tried`) holds one.
    case noAssetsFolder(tried: [String])
    /// Not a regular file: a FIFO would block, a device or `/proc`-like stream might never end.
    case notRegularFile(FileKind)
    /// open(2) or fstat(2) failed: `.noSuchFileOrDirectory`, `.permissionDenied`, ...
    case system(Errno)

    /// What a path that is not a regular file is.
    public enum FileKind: Sendable, Equatable {
        case directory, fifo, socket, device, other

        init(_ type: FileType) {
            switch type {
            case .directory: self = .directory
            case .fifo: self = .fifo
            case .socket: self = .socket
            case .characterSpecial, .blockSpecial: self = .device
            default: self = .other
            }
        }
    }
}

/// What one load did, from `FileLoader`: the loader window and `sharedmemory-ctl load` both turn it
/// into words with `Messages`.
public enum LoadOutcome: Sendable, Equatable {
    /// Written; `report` says how much (a truncated load is still a load).
    case loaded(name: String, report: WriteReport)
    /// The segment had no room for any byte of a non-empty file (`report.written` is 0): a failure,
    /// never "loaded". The segment now says an empty load of `name`.
    case nothingStored(name: String, report: WriteReport)
    /// The file could not be opened; the segment is unchanged.
    case fileProblem(name: String, FileProblem)
    /// Reading failed. `stored` is nil when the segment is unchanged, else how many bytes of the
    /// file's start it now holds (the read failed while writing straight into it).
    case readFailed(name: String, Errno, stored: Int?)
    /// No segment for the key: no viewer runs.
    case noViewer(SharedMemoryError)
    /// Attaching failed for another reason (permissions, an empty key, ...).
    case attachFailed(SharedMemoryError)
    /// The lock was not granted before the deadline: another writer holds it.
    case lockBusy(SharedMemoryError)
    /// The viewer that created the segment (pid `creator`; nil for a POSIX segment, which records
    /// none and which no other process maps) is gone; only we were attached, so nothing would ever
    /// show what we write. Nothing was written; detaching removed the leftover.
    case viewerGone(key: String, creator: Int32?)

    /// True for `.loaded`.
    public var isLoaded: Bool {
        if case .loaded = self { return true }
        return false
    }
}
