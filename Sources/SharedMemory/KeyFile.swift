import Localization
#if canImport(Glibc)
import Glibc
#endif

/// The file whose inode names a System V object (ftok needs an existing file), as Qt makes it:
/// created with O_CREAT|O_EXCL, mode 0640. Unlike Qt, a symlink, a non-regular file or a file
/// owned by someone else at that path is refused rather than followed or trusted.
enum KeyFile {
    /// Qt's ftok project id (other ids come from `systemv-N:` keys).
    static let projectID: Int32 = 0x51  // 'Q'

    struct Resolved {
        var sysvKey: key_t
        /// true when this call made the file (so a failing caller should remove it again).
        var created: Bool
    }

    /// The SysV key for `path`, making the file when it is missing.
    static func make(_ path: String, ftokID: Int32 = projectID) throws(SharedMemoryError) -> Resolved {
        try resolve(path, create: true, ftokID: ftokID)!   // with `create`, resolve never gives nil
    }

    /// The SysV key for `path`. With `create`, a missing file is made (never nil); without, nil is
    /// returned for a missing file.
    static func resolve(_ path: String, create: Bool, ftokID: Int32 = projectID) throws(SharedMemoryError) -> Resolved? {
        var created = false
        var fd: Int32 = -1
        while fd < 0 {
            if create {
                fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0o640)
                if fd >= 0 {
                    created = true
                    // The umask must not change the mode Qt programs expect.
                    _ = fchmod(fd, 0o640)
                    break
                } else if errno != EEXIST {
                    throw failure(errno, path, making: true)
                }
            }
            // O_NONBLOCK: a FIFO planted at the path must not hang us.
            fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            if fd < 0 {
                let err = errno
                // Gone since the exclusive create found it (its last user cleaned up): make it again.
                if err == ENOENT { if create { continue } else { return nil } }
                throw failure(err, path, making: false)
            }
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure(errno, path, making: false) }
        try check(st, path)
        return Resolved(sysvKey: sysvKey(st, ftokID: ftokID), created: created)
    }

    /// What glibc's ftok(path, 'Q') computes, taken from the descriptor we checked, so the key
    /// is that of the file we validated and not of whatever a path lookup finds later.
    static func sysvKey(_ st: stat, ftokID: Int32 = projectID) -> key_t {
        let ino = UInt32(truncatingIfNeeded: st.st_ino) & 0xffff
        let dev = (UInt32(truncatingIfNeeded: st.st_dev) & 0xff) << 16
        let proj = (UInt32(bitPattern: ftokID) & 0xff) << 24
        return key_t(bitPattern: ino | dev | proj)
    }

    static func check(_ st: stat, _ path: String) throws(SharedMemoryError) {
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw SharedMemoryError(.keyError,
                tr("key file {path} is not a regular file; remove it (it was not made by Qt or this library)")
                    .filling(["path": path]))
        }
        guard st.st_uid == geteuid() else {
            throw SharedMemoryError(.permissionDenied,
                tr("key file {path} is owned by uid {owner}, not by this user (uid {uid}); refusing to use it")
                    .filling(["path": path, "owner": "\(st.st_uid)", "uid": "\(geteuid())"]))
        }
    }

    /// Permission bits of the file at `path` (not following symlinks), nil when missing.
    static func permissions(_ path: String) -> mode_t? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    /// Removes the key file when it is a regular file of ours; anything else is left alone.
    @discardableResult
    static func remove(_ path: String) -> Bool {
        guard !path.isEmpty else { return false }
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_uid == geteuid() else {
            return false
        }
        return unlink(path) == 0
    }

    private static func failure(_ err: Int32, _ path: String, making: Bool) -> SharedMemoryError {
        let call = making ? "open(O_CREAT|O_EXCL|O_NOFOLLOW)" : "open(O_NOFOLLOW)"  // notr
        if err == ELOOP {
            return SharedMemoryError(.permissionDenied,
                tr("key file {path} is a symbolic link; refusing to follow it (remove it if it is not yours)")
                    .filling(["path": path]))
        }
        let code: SharedMemoryError.Code = (err == EACCES || err == EPERM || err == EROFS) ? .permissionDenied : .keyError
        let message = making
            ? tr("cannot make key file {path}: {call} failed: {error}")
            : tr("cannot open key file {path}: {call} failed: {error}")
        return SharedMemoryError(code,
            message.filling(["path": path, "call": call, "error": SharedMemoryError.errnoText(err)]))
    }
}
