import SystemSupport
import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The System V lock: Qt's QSystemSemaphore for the key, a one-semaphore set taken with SEM_UNDO.
extension SystemVBackend {
    /// The semaphore id, made on first use as Qt does: key file, ftok, semget, and SETVAL 1
    /// by whoever created it.
    func semaphoreHandle(_ memory: SharedMemory) throws(SharedMemoryError) -> Int32 {
        if semaphoreID >= 0 { return semaphoreID }
        guard !memory.key.isEmpty else { throw SharedMemoryError(.keyError, tr("lock: the key is empty; give a non-empty key")) }
        let file = try KeyFile.make(memory.semaphoreNativeKey, ftokID: ftokID)
        do throws(Errno) {
            let (id, created) = try SystemVSemaphore.open(sysvKey: file.sysvKey)
            if created {
                do throws(Errno) {
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
            if file.created { KeyFile.remove(memory.semaphoreNativeKey) }
            throw SharedMemoryError.fromErrno(error.rawValue, call: "semget/semctl(SETVAL)",
                tr("lock: cannot get the semaphore for key \"{key}\" ({path})").filling(["key": memory.key, "path": memory.semaphoreNativeKey]))
        }
    }

    /// Qt's creator forces the value to 1 in case a crash left it at 0. We only do that when
    /// no live process can hold it: value 0 and the last operator gone (with SEM_UNDO a dead
    /// holder is undone, so this is a creator that died between semget and SETVAL).
    func repairStaleSemaphore() {
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
    func acquire(_ memory: SharedMemory, timeout: Duration?) throws(SharedMemoryError) -> Bool {
        // The uncontended lock is one semop; the clock and the retries live out of line, so that
        // this path sets up nothing for them (Qt's lock is one semop too).
        if timeout == nil, semaphoreID >= 0, SystemVSemaphore.change(id: semaphoreID, by: -1) { return true }
        return try acquireWaiting(memory, timeout: timeout)
    }

    @inline(never)
    private func acquireWaiting(_ memory: SharedMemory, timeout: Duration?) throws(SharedMemoryError) -> Bool {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        var recreated = 0
        while true {
            let id = try semaphoreHandle(memory)
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
                    if recreated > 8 { throw lockFailure(memory, error.rawValue) }
                    semaphoreID = -1
                    createdSemaphore = false
                default:
                    throw lockFailure(memory, error.rawValue)
                }
            }
        }
    }

    private func lockFailure(_ memory: SharedMemory, _ err: Int32) -> SharedMemoryError {
        SharedMemoryError(.lockError,
            tr("lock: semop on the semaphore for key \"{key}\" ({path}) failed: {error}")
                .filling(["key": memory.key, "path": memory.semaphoreNativeKey, "error": SharedMemoryError.errnoText(err)]))
    }

    /// semop(+1, SEM_UNDO) (EINTR retried by `SystemCall`). A semaphore removed meanwhile has nothing left
    /// to release (Qt would re-create it and raise it to 2).
    func release(_ memory: SharedMemory) throws(SharedMemoryError) {
        guard semaphoreID >= 0 else { return }
        if SystemVSemaphore.change(id: semaphoreID, by: 1) { return }
        try releaseAgain(memory)
    }

    /// The release that failed once (EINTR, a removed set), with `SystemCall`'s EINTR loop.
    @inline(never)
    private func releaseAgain(_ memory: SharedMemory) throws(SharedMemoryError) {
        do {
            try SystemVSemaphore.change(id: semaphoreID, by: 1, timeout: nil)
        } catch where error == .invalidArgument || error == .identifierRemoved {
            semaphoreID = -1
            createdSemaphore = false
        } catch {
            throw SharedMemoryError(.lockError,
                tr("unlock: semop on the semaphore for key \"{key}\" ({path}) failed: {error}")
                    .filling(["key": memory.key, "path": memory.semaphoreNativeKey, "error": error.explanation]))
        }
    }

    /// Only while holding it, as `detach` does: a process inside its own create under this lock
    /// (no segment yet) must not lose it. Held by someone else, it stays for them.
    func releaseSemaphoreIfUnused(_ memory: SharedMemory) {
        guard createdSemaphore, semaphoreID >= 0, !memory.lockedByMe, !memory.isAttached,
              (try? SystemVSemaphore.change(id: semaphoreID, by: -1, timeout: .zero)) != nil else { return }
        if let file = try? KeyFile.resolve(memory.nativeKey, create: false, ftokID: ftokID),
           (try? SystemVSegment.lookup(sysvKey: file.sysvKey)) != nil {
            try? release(memory)
            return  // a segment uses this lock; whoever detaches last removes it
        }
        // Removing it while we hold it wakes any waiter with EIDRM; it makes the lock again.
        KeyFile.remove(memory.semaphoreNativeKey)
        try? SystemVSemaphore.remove(id: semaphoreID)
        semaphoreID = -1
        createdSemaphore = false
    }

    /// Who holds the lock, from GETPID (the last process that changed the value).
    func holderDescription(_ memory: SharedMemory) -> String {
        guard semaphoreID >= 0, let status = try? SystemVSemaphore.status(id: semaphoreID) else {
            return tr("the holder is unknown")
        }
        guard status.value == 0, status.lastPID > 0 else { return tr("the holder is unknown") }
        let message = ProcessState.isAlive(status.lastPID)
            ? tr("it is held by pid {pid} (running); stop that process if it is stuck")
            : tr("it is held by pid {pid} (gone)")
        return message.filling(["pid": "\(status.lastPID)"])
    }

    /// The kernel undoes a dead holder's count (SEM_UNDO); a taken lock whose last operator is
    /// gone (a creator that died before SETVAL) is set free likewise.
    func repairLock(_ memory: SharedMemory, force: Bool) throws(SharedMemoryError) -> SharedMemory.LockRepair {
        guard let file = try KeyFile.resolve(memory.semaphoreNativeKey, create: false, ftokID: ftokID),
              let id = try? SystemVSemaphore.lookup(sysvKey: file.sysvKey),
              let status = try? SystemVSemaphore.status(id: id) else { return .noSemaphore }
        guard status.value == 0 else { return .wasFree }
        if !force && ProcessState.isAlive(status.lastPID) {
            throw SharedMemoryError(.lockError,
                tr("repair: the lock of key {key} is held by pid {pid}, which is running; stop it, or use --force")
                    .filling(["key": "\(memory.ipcKey)", "pid": "\(status.lastPID)"]))
        }
        do {
            try SystemVSemaphore.setValue(id: id, 1)
        } catch {
            throw SharedMemoryError.fromErrno(error.rawValue, call: "semctl(SETVAL)",
                tr("repair: cannot release the semaphore of key {key}").filling(["key": "\(memory.ipcKey)"]))
        }
        return .released
    }
}
