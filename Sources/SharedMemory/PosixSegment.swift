import SystemSupport
import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The raw shm_open/ftruncate/mmap calls of Qt 6's POSIX backend (qsharedmemory_posix.cpp):
/// create is `shm_open(name, O_RDWR|O_CREAT|O_EXCL, 0600)` + `ftruncate(size)`, attach opens
/// with O_RDONLY (mode 0400) or O_RDWR (0600) and takes the size from fstat. Nothing else.
enum PosixSegment {
    static let creationMode: mode_t = 0o600

    /// /dev/shm/NAME, where glibc keeps the object.
    static func filePath(_ name: String) -> String { "/dev/shm/" + name.dropFirst() }

    /// Why `name` cannot be a POSIX IPC name, nil when it can: "/" then 1 to 251 bytes (so that
    /// the semaphore's "sem." + name fits NAME_MAX), no further "/", no NUL, not "." or "..".
    static func problem(with name: String) -> String? {
        guard name.hasPrefix("/") else { return tr("a POSIX name starts with \"/\"") }
        let rest = name.dropFirst()
        if rest.isEmpty { return tr("the name after \"/\" is empty") }
        if rest.contains("/") { return tr("a POSIX name has no \"/\" after the first character") }
        if rest.utf8.contains(0) { return tr("the name contains a NUL character") }
        if rest == "." || rest == ".." { return tr("\"{name}\" is not a file name").filling(["name": String(rest)]) }
        if rest.utf8.count > 251 {
            return trn("the name is {count} byte long; at most 251 fit (NAME_MAX with \"sem.\")",
                       "the name is {count} bytes long; at most 251 fit (NAME_MAX with \"sem.\")", rest.utf8.count)
        }
        return nil
    }

    static func create(_ name: String, size: Int) throws(SystemPackage.Errno) -> FileDescriptor {
        let fd = try open(name, O_RDWR | O_CREAT | O_EXCL, mode: creationMode)
        // The umask must not narrow the mode Qt programs expect.
        _ = fchmod(fd.rawValue, creationMode)
        do {
            try SystemCall.check { ftruncate(fd.rawValue, off_t(size)) }
        } catch {
            _ = shm_unlink(name)
            try? fd.close()
            throw error
        }
        return fd
    }

    static func open(_ name: String, readOnly: Bool) throws(SystemPackage.Errno) -> FileDescriptor {
        try open(name, readOnly ? O_RDONLY : O_RDWR, mode: readOnly ? 0o400 : 0o600)
    }

    private static func open(_ name: String, _ flags: Int32, mode: mode_t) throws(SystemPackage.Errno) -> FileDescriptor {
        let fd = try SystemCall.retrying { shm_open(name, flags | O_CLOEXEC | O_NOFOLLOW, mode) }.get()
        return FileDescriptor(rawValue: fd)
    }

    static func size(_ fd: FileDescriptor) throws(SystemPackage.Errno) -> (size: Int, inode: UInt64, owner: uid_t) {
        var st = stat()
        try SystemCall.check { fstat(fd.rawValue, &st) }
        return (Int(st.st_size), UInt64(st.st_ino), st.st_uid)
    }

    static func map(_ fd: FileDescriptor, size: Int, readOnly: Bool) throws(SystemPackage.Errno) -> UnsafeMutableRawPointer {
        let protection = readOnly ? PROT_READ : PROT_READ | PROT_WRITE
        guard let address = mmap(nil, size, protection, MAP_SHARED, fd.rawValue, 0), address != MAP_FAILED else {
            throw SystemPackage.Errno(rawValue: errno)
        }
        return address
    }

    static func unlink(_ name: String) { _ = shm_unlink(name) }
}
