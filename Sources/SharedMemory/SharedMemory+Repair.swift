import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

extension SharedMemory {
    /// What ``repairLock(_:force:)`` found and did, in words for the user.
    public enum LockRepair: Sendable, Equatable {
        /// The lock was free: nothing to do.
        case wasFree
        /// The lock was taken and has been given back (value 0 -> 1).
        case released
        /// No semaphore exists for the key (nothing to repair).
        case noSemaphore
    }

    /// Gives back a lock that a killed process left taken. A POSIX semaphore never returns the
    /// count of a process killed while holding it (Qt 6's default backend), so every Qt program
    /// then blocks for ever; ours time out and name this repair.
    ///
    /// Refuses (`lockError`) while any process maps the segment, since one of them may hold the
    /// lock legitimately; `force` skips that check. System V locks are given back by the kernel
    /// (SEM_UNDO); for them a taken lock whose last operator is gone is set free likewise.
    public static func repairLock(_ key: NativeIpcKey, force: Bool) throws -> LockRepair {
        let memory = SharedMemory(nativeKey: key)
        if let problem = memory.keyProblem {
            throw SharedMemoryError(.keyError, tr("repair: the key {key} cannot be used: {problem}").filling(["key": "\(key)", "problem": problem]))
        }
        guard let posix = memory.posix else { return try repairSystemVLock(memory, force: force) }
        let semaphorePath = posix.semaphore.filePath
        guard MappingScan.identity(ofFile: semaphorePath) != nil else { return .noSemaphore }
        if !force, let segment = MappingScan.identity(ofFile: PosixSegment.filePath(posix.segmentName)) {
            let users = MappingScan.mappers(of: segment, excluding: nil)
            if !users.isEmpty {
                throw SharedMemoryError(.lockError,
                    trn("repair: pid {pids} maps the segment of key {key}; it may hold the lock. Stop it first, or use --force if you are sure it does not hold it",
                        "repair: pid {pids} map the segment of key {key}; one of them may hold the lock. Stop them first, or use --force if you are sure none holds it",
                        users.count).filling(["pids": users.map(String.init).joined(separator: ", "), "key": "\(key)"]))
            }
        }
        // Opened without creating: sem_open(name, 0).
        do {
            try posix.semaphore.openExisting()
        } catch {
            if error == .noSuchFileOrDirectory { return .noSemaphore }
            throw memory.posixFailure(error, call: "sem_open", tr("repair: cannot open the semaphore {path} for key \"{key}\" ({native})")
                .filling(["path": semaphorePath, "key": memory.key, "native": memory.nativeKey]))
        }
        defer { posix.semaphore.close() }
        // Taking it proves it was free; give it straight back.
        if (try? posix.semaphore.wait(timeout: .zero)) == true {
            try? posix.semaphore.post()
            return .wasFree
        }
        do {
            try posix.semaphore.post()
        } catch {
            throw memory.posixFailure(error, call: "sem_post", tr("repair: cannot release the semaphore {path} for key \"{key}\" ({native})")
                .filling(["path": semaphorePath, "key": memory.key, "native": memory.nativeKey]))
        }
        return .released
    }

    private static func repairSystemVLock(_ memory: SharedMemory, force: Bool) throws -> LockRepair {
        guard let file = try KeyFile.resolve(memory.semaphoreNativeKey, create: false, ftokID: memory.ftokID),
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
