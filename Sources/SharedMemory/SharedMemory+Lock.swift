import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

extension SharedMemory {
    /// Takes the lock, waiting as long as it takes. The lock is not recursive: locking twice
    /// from the same instance throws `lockError`. If this process dies holding a System V lock,
    /// the kernel releases it (SEM_UNDO); a POSIX lock stays taken, so with a POSIX key this
    /// throws `lockError` once the lock is taken and no other process has it open.
    public func lock() throws {
        try checkNotLocked("lock")
        _ = try semaphoreAcquire(timeout: nil)
        lockedByMe = true
    }

    /// Takes the lock if it is free right now; false when another holder has it.
    public func tryLock() throws -> Bool {
        try lock(timeout: .zero)
    }

    /// Takes the lock, waiting at most `timeout`; false when the timeout passed.
    public func lock(timeout: Duration) throws -> Bool {
        try checkNotLocked("lock")
        guard try semaphoreAcquire(timeout: timeout) else { return false }
        lockedByMe = true
        return true
    }

    /// Releases the lock taken by this instance; `lockError` when it does not hold it.
    public func unlock() throws {
        guard lockedByMe else {
            throw SharedMemoryError(.lockError, tr("unlock: this SharedMemory for key \"{key}\" does not hold the lock").filling(["key": key]))
        }
        lockedByMe = false
        try semaphoreRelease()
    }

    /// Locks (waiting at most `timeout` when given; a timeout throws `lockError` naming the
    /// holder), runs `body` on the mapped bytes and unlocks, also when `body` throws.
    /// Throws `notFound` when not attached.
    public func withLock<R>(timeout: Duration? = nil,
                            _ body: (UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
        guard isAttached else {
            throw SharedMemoryError(.notFound,
                tr("withLock: this SharedMemory for key \"{key}\" is not attached; create or attach first").filling(["key": key]))
        }
        if let timeout {
            guard try lock(timeout: timeout) else { throw lockTimedOut("withLock", timeout) }
        } else {
            try lock()
        }
        let result: R
        do {
            result = try body(data!)
        } catch {
            if lockedByMe { try? unlock() }
            throw error
        }
        try unlock()
        return result
    }

    // MARK: - The semaphore, Qt's QSystemSemaphore for the key

    /// The semaphore id, made on first use as Qt does: key file, ftok, semget, and SETVAL 1
    /// by whoever created it.
    func semaphoreHandle() throws -> Int32 {
        if semaphoreID >= 0 { return semaphoreID }
        guard !key.isEmpty else { throw SharedMemoryError(.keyError, tr("lock: the key is empty; give a non-empty key")) }
        let file = try KeyFile.make(semaphoreNativeKey, ftokID: ftokID)
        do throws(Errno) {
            let (id, created) = try SystemVSemaphore.open(sysvKey: file.sysvKey)
            if created {
                do {
                    try SystemVSemaphore.setValue(id: id, 1)
                } catch {
                    try? SystemVSemaphore.remove(id: id)
                    throw error
                }
            }
            semaphoreID = id
            createdSemaphore = created
            return id
        } catch {
            if file.created { KeyFile.remove(semaphoreNativeKey) }
            throw SharedMemoryError.fromErrno(error.rawValue, call: "semget/semctl(SETVAL)",
                tr("lock: cannot get the semaphore for key \"{key}\" ({path})").filling(["key": key, "path": semaphoreNativeKey]))
        }
    }

    /// Qt's creator forces the value to 1 in case a crash left it at 0. We only do that when
    /// no live process can hold it: value 0 and the last operator gone (with SEM_UNDO a dead
    /// holder is undone, so this is a creator that died between semget and SETVAL).
    func repairStaleSemaphore() throws {
        guard !createdSemaphore, semaphoreID >= 0,
              let status = try? SystemVSemaphore.status(id: semaphoreID), status.value == 0 else { return }
        let stale: Bool
        if status.lastPID == 0 {
            // Never operated on: stale unless its creator may still be about to SETVAL.
            stale = Int(time(nil)) - status.changeTime > 2
        } else {
            stale = !ProcessState.isAlive(status.lastPID)
        }
        if stale { try? SystemVSemaphore.setValue(id: semaphoreID, 1) }
    }

    /// semop(-1, SEM_UNDO) with an optional timeout; retried on EINTR, and on EINVAL/EIDRM
    /// (removed under us) the semaphore is looked up or made again, as Qt does.
    func semaphoreAcquire(timeout: Duration?) throws -> Bool {
        if let posix {
            do {
                try posix.semaphore.open()
                try posix.semaphore.reopenIfReplaced()
                guard timeout == nil else { return try posix.semaphore.wait(timeout: timeout) }
                // Even "as long as it takes" must end when nobody can ever give the lock back.
                while try !posix.semaphore.wait(timeout: .seconds(1)) {
                    if posix.semaphore.isAbandoned {
                        throw SharedMemoryError(.lockError,
                            tr("lock: the lock of key \"{key}\" ({path}) is taken and no process has it open: a process was killed holding it. {holder}")
                                .filling(["key": key, "path": posix.semaphore.filePath, "holder": posixHolderDescription(posix)]))
                    }
                }
                return true
            } catch let error as SystemPackage.Errno {
                throw SharedMemoryError.fromErrno(error.rawValue, call: "sem_open/sem_clockwait",
                    tr("lock: the semaphore for key \"{key}\" ({path})").filling(["key": key, "path": posix.semaphore.filePath]))
            }
        }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        var recreated = 0
        while true {
            let id = try semaphoreHandle()
            let remaining = deadline.map { max(.zero, $0 - clock.now) }
            do {
                try SystemVSemaphore.change(id: id, by: -1, timeout: remaining)
                return true
            } catch {
                switch error.rawValue {
                case EINTR:
                    continue
                case EAGAIN:
                    return false
                case EINVAL, EIDRM:
                    recreated += 1
                    if recreated > 8 { throw lockFailure(error.rawValue) }
                    semaphoreID = -1
                    createdSemaphore = false
                default:
                    throw lockFailure(error.rawValue)
                }
            }
        }
    }

    private func lockFailure(_ err: Int32) -> SharedMemoryError {
        SharedMemoryError(.lockError,
            tr("lock: semop on the semaphore for key \"{key}\" ({path}) failed: {error}")
                .filling(["key": key, "path": semaphoreNativeKey, "error": SharedMemoryError.errnoText(err)]))
    }

    /// semop(+1, SEM_UNDO) (EINTR retried by `SystemCall`). A semaphore removed meanwhile has nothing left
    /// to release (Qt would re-create it and raise it to 2).
    func semaphoreRelease() throws {
        if let posix {
            do {
                try posix.semaphore.post()
            } catch {
                throw SharedMemoryError.fromErrno(error.rawValue, call: "sem_post",
                    tr("unlock: the semaphore for key \"{key}\" ({path})").filling(["key": key, "path": posix.semaphore.filePath]))
            }
            return
        }
        guard semaphoreID >= 0 else { return }
        do {
            try SystemVSemaphore.change(id: semaphoreID, by: 1, timeout: nil)
        } catch where error == .invalidArgument || error == .identifierRemoved {
            semaphoreID = -1
            createdSemaphore = false
        } catch {
            throw SharedMemoryError(.lockError,
                tr("unlock: semop on the semaphore for key \"{key}\" ({path}) failed: {error}")
                    .filling(["key": key, "path": semaphoreNativeKey, "error": error.explanation]))
        }
    }

    /// Runs `body` holding the lock, as Qt does around create/attach/detach, waiting at most
    /// ``setupLockTimeout``. When this instance already holds the lock it is used as is.
    func withSetupLock<R>(_ call: String, _ body: () throws -> R) throws -> R {
        if lockedByMe { return try body() }
        guard try semaphoreAcquire(timeout: setupLockTimeout) else { throw lockTimedOut(call, setupLockTimeout) }
        do {
            let result = try body()
            try semaphoreRelease()
            return result
        } catch {
            try? semaphoreRelease()
            throw error
        }
    }

    /// A semaphore this instance made goes away with it when no segment is left for the key
    /// (e.g. after a failed attach or a lock without a segment), so nothing is leaked.
    /// Only while holding it, as `detach` does: a process inside its own create under this lock
    /// (no segment yet) must not lose it. Held by someone else, it stays for them.
    func releaseOwnedSemaphoreIfUnused() {
        if let posix { return posixReleaseSemaphoreIfUnused(posix) }
        guard createdSemaphore, semaphoreID >= 0, !lockedByMe, !isAttached,
              (try? SystemVSemaphore.change(id: semaphoreID, by: -1, timeout: .zero)) != nil else { return }
        if let file = try? KeyFile.resolve(nativeKey, create: false, ftokID: ftokID),
           (try? SystemVSegment.lookup(sysvKey: file.sysvKey)) != nil {
            try? semaphoreRelease()
            return  // a segment uses this lock; whoever detaches last removes it
        }
        // Removing it while we hold it wakes any waiter with EIDRM; it makes the lock again.
        KeyFile.remove(semaphoreNativeKey)
        try? SystemVSemaphore.remove(id: semaphoreID)
        semaphoreID = -1
        createdSemaphore = false
    }

    func lockTimedOut(_ call: String, _ timeout: Duration) -> SharedMemoryError {
        SharedMemoryError(.lockError,
            // No "{call}:" first: the lock is what timed out, whichever call took it ("Unable to lock
            // shared memory: attach: timed out" read wrong).
            tr("timed out after {time} waiting for the lock of key \"{key}\" ({path}); {holder}")
                .filling(["time": Self.describe(timeout), "key": key, "path": semaphoreNativeKey,
                          "holder": holderDescription()]))
    }

    /// Who holds the lock, from GETPID (the last process that changed the value).
    func holderDescription() -> String {
        if let posix { return posixHolderDescription(posix) }
        guard semaphoreID >= 0, let status = try? SystemVSemaphore.status(id: semaphoreID) else {
            return tr("the holder is unknown")
        }
        guard status.value == 0, status.lastPID > 0 else { return tr("the holder is unknown") }
        let message = ProcessState.isAlive(status.lastPID)
            ? tr("it is held by pid {pid} (running); stop that process if it is stuck")
            : tr("it is held by pid {pid} (gone)")
        return message.filling(["pid": "\(status.lastPID)"])
    }

    static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0
            ? tr("{seconds} s").filling(["seconds": (milliseconds / 1000).localizedDigits])
            : tr("{milliseconds} ms").filling(["milliseconds": milliseconds.localizedDigits])
    }

    private func checkNotLocked(_ call: String) throws {
        if lockedByMe {
            throw SharedMemoryError(.lockError,
                tr("{call}: this SharedMemory for key \"{key}\" already holds the lock (it is not recursive)")
                    .filling(["call": call, "key": key]))
        }
    }
}
