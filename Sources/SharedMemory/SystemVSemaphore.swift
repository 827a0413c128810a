import SystemSupport
import CSysV
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// What semctl tells about the one-semaphore set used as the lock.
struct SemaphoreStatus: Equatable {
    var id: Int32
    var sysvKey: key_t
    var value: Int
    /// Pid of the last process that changed the value (the holder while value is 0).
    var lastPID: pid_t
    var permissions: mode_t
    var ownerUID: uid_t
    /// Last change by SETVAL or creation (sem_ctime), seconds since the epoch.
    var changeTime: Int
}

/// The raw semget/semctl/semtimedop calls, nothing else.
enum SystemVSemaphore {
    static let creationMode: Int32 = 0o600

    /// Qt's handle(): create exclusively, else open the existing set. `created` tells which.
    ///
    /// Unlike Qt, the existing set is opened without IPC_CREAT: a set removed between the two calls
    /// (its last user detached) would otherwise be made again by a call that reports "not created",
    /// so nobody would set it to 1 and every lock would wait forever. It is then made exclusively again.
    static func open(sysvKey: key_t) throws(Errno) -> (id: Int32, created: Bool) {
        while true {
            let made = semget(sysvKey, 1, creationMode | IPC_CREAT | IPC_EXCL)
            if made >= 0 { return (made, true) }
            guard errno == EEXIST else { throw Errno(rawValue: errno) }
            let existing = semget(sysvKey, 1, 0)
            if existing >= 0 { return (existing, false) }
            guard errno == ENOENT else { throw Errno(rawValue: errno) }
        }
    }

    /// The existing set for `sysvKey`, never creating one.
    static func lookup(sysvKey: key_t) throws(Errno) -> Int32 {
        let id = semget(sysvKey, 0, 0)
        if id < 0 { throw Errno(rawValue: errno) }
        return id
    }

    static func setValue(id: Int32, _ value: Int32) throws(Errno) {
        if csysv_sem_setval(id, value) != 0 { throw Errno(rawValue: errno) }
    }

    static func status(id: Int32) throws(Errno) -> SemaphoreStatus {
        var ds = semid_ds()
        if csysv_sem_stat(id, &ds) != 0 { throw Errno(rawValue: errno) }
        let value = csysv_sem_getval(id)
        if value < 0 { throw Errno(rawValue: errno) }
        let pid = csysv_sem_getpid(id)
        if pid < 0 { throw Errno(rawValue: errno) }
        return SemaphoreStatus(
            id: id, sysvKey: ds.sem_perm.__key, value: Int(value), lastPID: pid,
            permissions: mode_t(ds.sem_perm.mode) & 0o777, ownerUID: ds.sem_perm.uid,
            changeTime: Int(ds.sem_ctime))
    }

    static func remove(id: Int32) throws(Errno) {
        if csysv_sem_remove(id) != 0 { throw Errno(rawValue: errno) }
    }

    /// The lock's fast path: one blocking semop(delta, SEM_UNDO), true when it worked. Any
    /// failure (EINTR, a removed set) is left to `change(id:by:timeout:)`, which knows what to do.
    @inline(__always)
    static func change(id: Int32, by delta: Int16) -> Bool {
        var operation = sembuf(sem_num: 0, sem_op: delta, sem_flg: Int16(SEM_UNDO))
        return semop(id, &operation, 1) == 0
    }

    /// One semop with SEM_UNDO (so the kernel undoes it if we die). `timeout` nil blocks,
    /// zero does not wait. Throws the errno; EAGAIN means the wait timed out.
    /// Without a timeout EINTR is retried here; with one it goes to the caller, which knows the
    /// deadline (a relative timeout restarted after a signal would wait too long).
    static func change(id: Int32, by delta: Int16, timeout: Duration?) throws(Errno) {
        var flags = Int16(SEM_UNDO)
        if let timeout, timeout <= .zero { flags |= Int16(IPC_NOWAIT) }
        if let timeout, timeout > .zero {
            var ts = timeout.timespec
            if csysv_sem_op(id, delta, flags, &ts) != 0 { throw Errno(rawValue: errno) }
        } else {
            try SystemCall.check { csysv_sem_op(id, delta, flags, nil) }
        }
    }
}
