import SystemSupport
import CSysV
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A POSIX named semaphore used as the lock, opened as Qt 6's QSystemSemaphore does it
/// (`sem_open(name, O_CREAT|O_EXCL, 0600, 1)`, else the existing one). Its file is
/// /dev/shm/sem.NAME. Unlike System V, the kernel never gives back a count taken by a killed
/// process: every wait here is bounded by the caller, and `isAbandoned` tells a stuck lock.
final class PosixSemaphore {
    let name: String
    private(set) var handle: UnsafeMutablePointer<sem_t>?
    /// This process made it (Qt's createdSemaphore).
    private(set) var created = false
    /// The inode of /dev/shm/sem.NAME when opened: another inode, or none, means the name now
    /// leads elsewhere (a Qt `create` unlinks and remakes an existing semaphore).
    private var inode: UInt64?

    init(name: String) { self.name = name }

    deinit { close() }

    /// /dev/shm/sem.NAME, the file glibc maps for it.
    static func filePath(_ name: String) -> String { "/dev/shm/sem." + name.dropFirst() }
    var filePath: String { Self.filePath(name) }

    /// Opens (making it with value 1 when missing). A semaphore that nobody maps is a leftover
    /// (its creator died, maybe holding it): it is unlinked and made afresh, so a lock that a
    /// killed process left taken is repaired once everybody is gone.
    func open() throws(SystemPackage.Errno) {
        guard handle == nil else { return }
        for _ in 0..<3 {
            if let sem = csysv_sem_open(name, O_CREAT | O_EXCL, 0o600, 1) {
                // The umask must not narrow Qt's mode; fchmod needs a descriptor, so chmod the file.
                _ = chmod(filePath, 0o600)
                adopt(sem, created: true)
                return
            }
            let error = SystemPackage.Errno(rawValue: errno)
            if error == .interrupted { continue }
            guard error == .fileExists else { throw error }
            if let identity = MappingScan.identity(ofFile: filePath), identity.ownerUID == geteuid(),
               MappingScan.mappers(of: identity, excluding: nil).isEmpty {
                _ = sem_unlink(name)
                continue
            }
            if let sem = csysv_sem_open(name, 0, 0, 0) {
                adopt(sem, created: false)
                return
            }
            let again = SystemPackage.Errno(rawValue: errno)
            if again != .noSuchFileOrDirectory { throw again }  // unlinked meanwhile: make it
        }
        throw SystemPackage.Errno.fileExists
    }

    /// Keeps an opened semaphore with the inode its name leads to now (see `inode`).
    private func adopt(_ sem: UnsafeMutablePointer<sem_t>, created: Bool) {
        handle = sem
        self.created = created
        inode = MappingScan.identity(ofFile: filePath)?.inode
    }

    /// Opens the semaphore the name leads to now, when it no longer leads to the open one: waiting
    /// on an unlinked semaphore would exclude nobody who opens the name afresh.
    func reopenIfReplaced() throws(SystemPackage.Errno) {
        guard handle != nil, MappingScan.identity(ofFile: filePath)?.inode != inode else { return }
        close()
        try open()
    }

    /// Opens the existing semaphore, never making one (ENOENT when there is none).
    func openExisting() throws(SystemPackage.Errno) {
        guard handle == nil else { return }
        while true {
            if let sem = csysv_sem_open(name, 0, 0, 0) {
                adopt(sem, created: false)
                return
            }
            let error = SystemPackage.Errno(rawValue: errno)
            if error != .interrupted { throw error }
        }
    }

    /// sem_wait with a bound: nil waits for ever, zero only tries. false when the time ran out.
    func wait(timeout: Duration?) throws(SystemPackage.Errno) -> Bool {
        guard let handle else { throw .badFileDescriptor }
        guard let timeout else {
            try SystemCall.check { sem_wait(handle) }
            return taken()
        }
        if timeout <= .zero {
            switch SystemCall.retrying({ sem_trywait(handle) }) {
            case .success: return taken()
            case .failure(let error) where error == .resourceTemporarilyUnavailable: return false
            case .failure(let error): throw error
            }
        }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let relative = timeout.timespec
        var deadline = timespec(tv_sec: now.tv_sec + relative.tv_sec, tv_nsec: now.tv_nsec + relative.tv_nsec)
        if deadline.tv_nsec >= 1_000_000_000 { deadline.tv_sec += 1; deadline.tv_nsec -= 1_000_000_000 }
        // The deadline is absolute, so retrying after EINTR does not extend the wait.
        switch SystemCall.retrying({ csysv_sem_clockwait(handle, &deadline) }) {
        case .success: return taken()
        case .failure(let error) where error == .timedOut: return false
        case .failure(let error): throw error
        }
    }

    private func taken() -> Bool {
        Self.heldHere.withLock { $0[name, default: 0] += 1 }
        // A crash of this process from now until post() gives the lock back (csysv_crash_guard.c).
        if let handle { _ = csysv_posix_lock_taken(handle) }
        return true
    }

    func post() throws(SystemPackage.Errno) {
        guard let handle else { throw .badFileDescriptor }
        // Forgotten first: a crash between the two must not post a second time.
        csysv_posix_lock_given_back(handle)
        try SystemCall.check { sem_post(handle) }
        // A repair posts without having taken it: never below zero.
        Self.heldHere.withLock { $0[name] = max(0, $0[name, default: 0] - 1) }
    }

    /// How many of this process's instances hold each semaphore: a lock taken here is never
    /// abandoned, even when no other process has the semaphore open.
    private static let heldHere = Mutex<[String: Int]>([:])

    /// Taken (value 0), not by this process, and no other process has it open: its holder is
    /// gone and nothing will ever give it back.
    var isAbandoned: Bool {
        guard value == 0, Self.heldHere.withLock({ $0[name, default: 0] }) <= 0,
              let identity = MappingScan.identity(ofFile: filePath) else { return false }
        return MappingScan.mappers(of: identity).isEmpty
    }

    /// The current value (1 free, 0 taken), nil when not open.
    var value: Int? {
        guard let handle else { return nil }
        var value: Int32 = 0
        return sem_getvalue(handle, &value) == 0 ? Int(value) : nil
    }

    func close() {
        if let handle { sem_close(handle) }
        handle = nil
        created = false
        inode = nil
    }

    /// Removes the name (the object lives on for those who have it open).
    static func unlink(_ name: String) { _ = sem_unlink(name) }
}
