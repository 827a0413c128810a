import SystemSupport
import Glibc
import SharedMemory
import SystemPackage

/// Why a file could not be saved, as a value: the words come from `Messages.saveProblem`.
public struct SaveProblem: Error, Sendable, Equatable {
    /// What kind of failure it was, so that the words can say what to do.
    public enum Kind: Sendable, Equatable {
        /// The folder may not be written (EACCES, EPERM): another folder, or its owner's permission.
        case permissionDenied
        /// The folder is on a read-only file system (EROFS).
        case readOnly
        /// No room left on the file system, or the user's quota is used up (ENOSPC, EDQUOT, EFBIG).
        case diskFull
        /// The folder does not exist (any more) (ENOENT).
        case folderGone
        /// The folder exists but takes no new files (ENOENT from /proc, /sys and the like).
        case noNewFiles
        /// A part of the folder's path is a file, not a folder (ENOTDIR).
        case notAFolder
        /// The name, or the whole path, is longer than the file system allows (ENAMETOOLONG).
        case nameTooLong
        /// The chosen name is a folder (EISDIR, or rename's ENOTEMPTY / EEXIST over a folder).
        case targetIsFolder
        /// Anything else (EIO, ...): the errno says it.
        case other
    }

    /// The step that failed; the errno of an `open` means something else than that of a `write`.
    public enum Step: Sendable, Equatable {
        case create, write, sync, rename
    }

    public var kind: Kind
    public var step: Step
    /// The system's error.
    public var errno: Errno
    /// The file that was to be written.
    public var target: FilePath

    public init(step: Step, errno: Errno, target: FilePath) {
        self.step = step
        self.errno = errno
        self.target = target
        kind = Self.kind(of: errno, step: step)
        // /proc answers ENOENT to a new file although the folder is there: "the folder /proc does
        // not exist" would be wrong.
        if kind == .folderGone, step == .create,
           (try? target.removingLastComponent().stat())?.type == .directory {
            kind = .noNewFiles
        }
    }

    /// The folder the file was to be written into.
    public var folder: FilePath { target.removingLastComponent() }

    static func kind(of error: Errno, step: Step) -> Kind {
        switch error {
        case .permissionDenied, .notPermitted: return .permissionDenied
        case .readOnlyFileSystem: return .readOnly
        case .noSpace, .diskQuotaExceeded, .fileTooLarge: return .diskFull
        case .noSuchFileOrDirectory: return .folderGone
        case .notDirectory: return .notAFolder
        case .fileNameTooLong: return .nameTooLong
        case .isDirectory: return .targetIsFolder
        case .directoryNotEmpty where step == .rename, .fileExists where step == .rename: return .targetIsFolder
        default: return .other
        }
    }
}

/// Writes a file so that it is either entirely there or not changed at all: the bytes go to a
/// temporary file in the target's folder (same file system, so the rename is atomic), which is
/// flushed to disk (`fsync`) and then renamed over the target. On any failure the temporary file
/// is removed and the target is left as it was. Blocking: call it off the GTK main loop.
public enum AtomicFileWriter {
    /// Writes `bytes` to `target`, replacing a file of that name (its permission bits are kept;
    /// a new file gets 0666 minus the umask, as any program's would).
    public static func write(_ bytes: [UInt8], to target: FilePath) throws(SaveProblem) {
        try write(bytes, to: target, openTemporary: createTemporary)
    }

    /// `write(_:to:)` with the temporary file's opening replaceable: a test hands back a descriptor
    /// that fails the way a full disk does (`/dev/full`), after making the temporary file.
    static func write(_ bytes: [UInt8], to target: FilePath,
                      openTemporary: (FilePath, FilePermissions) throws(Errno) -> FileDescriptor) throws(SaveProblem) {
        guard let name = target.lastComponent else {
            throw SaveProblem(step: .create, errno: .isDirectory, target: target)
        }
        let mode = existingPermissions(target) ?? [.ownerReadWrite, .groupReadWrite, .otherReadWrite]
        // A dot file next to the target, with a random tail: not listed by most file managers,
        // never the same as another writer's. Kept short so that a long target name still fits.
        let temporaryName = ".\(name.string.prefix(200)).\(randomTail()).part"  // notr: a file name
        let temporary = target.removingLastComponent().appending(temporaryName)
        let descriptor: FileDescriptor
        do {
            descriptor = try openTemporary(temporary, mode)
        } catch {
            throw SaveProblem(step: .create, errno: error, target: target)
        }
        var step = SaveProblem.Step.write
        do throws(Errno) {
            do {
                try descriptor.writeAllBytes(bytes)
                step = .sync
                try SystemCall.check { fsync(descriptor.rawValue) }
            } catch {
                try? descriptor.close()
                throw error
            }
            try descriptor.closeChecked()   // a network file system may report a failed write only here
            step = .rename
            try SystemCall.check { rename(temporary.string, target.string) }
        } catch {
            _ = unlink(temporary.string)
            throw SaveProblem(step: step, errno: error, target: target)
        }
        syncFolder(target.removingLastComponent())
    }

    /// Creates the temporary file; it must not exist yet (O_EXCL), so no one else's file is
    /// truncated, and a symbolic link planted there is not followed.
    static func createTemporary(_ path: FilePath, _ mode: FilePermissions) throws(Errno) -> FileDescriptor {
        do {
            return try FileDescriptor.open(path, .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                                           permissions: mode, retryOnInterrupt: true)
        } catch let error as Errno {
            throw error
        } catch {
            throw .ioError
        }
    }

    /// The permission bits of a regular file at `path`, nil when there is none.
    private static func existingPermissions(_ path: FilePath) -> FilePermissions? {
        var status = stat()
        guard stat(path.string, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return FilePermissions(rawValue: status.st_mode & 0o7777)
    }

    /// Makes the rename itself durable (the folder's entry); a folder that cannot be synced is
    /// not an error: the file is there.
    private static func syncFolder(_ folder: FilePath) {
        let path = folder.isEmpty ? "." : folder.string  // notr: the current folder
        let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = Glibc.close(descriptor)
    }

    private static func randomTail() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }
}

extension FileDescriptor {
    /// `close()`, with its error typed.
    func closeChecked() throws(Errno) {
        do {
            try close()
        } catch let error as Errno {
            throw error
        } catch {
            throw .ioError
        }
    }

    /// Writes all of `bytes`, retrying short writes and EINTR.
    func writeAllBytes(_ bytes: [UInt8]) throws(Errno) {
        do {
            _ = try bytes.withUnsafeBytes { try writeAll($0) }
        } catch let error as Errno {
            throw error
        } catch {
            throw .ioError
        }
    }
}
