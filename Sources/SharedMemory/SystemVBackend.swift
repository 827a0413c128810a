import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The System V backend (Qt 5, Qt 6's legacy keys and `systemv:` keys): a key file whose inode
/// names the segment (`ftok`), `shmget`/`shmat`, and a one-semaphore set taken with `SEM_UNDO`,
/// so the kernel gives the lock back when its holder dies.
final class SystemVBackend: SegmentBackend {
    /// The ftok project id ('Q', or N for `systemv-N:` keys).
    let ftokID: Int32
    /// The attached segment's id, -1 when detached.
    var segmentID: Int32 = -1
    /// The semaphore set id, -1 until first needed or after it was removed.
    var semaphoreID: Int32 = -1
    /// This instance made the semaphore; it removes it when it is done and no segment is left.
    var createdSemaphore = false

    init(ftokID: Int32) { self.ftokID = ftokID }

    func create(_ memory: SharedMemory, size: Int, access: SharedMemory.AccessMode) throws(SharedMemoryError) {
        makeRuntimeDirectoryIfNeeded(memory)
        _ = try semaphoreHandle(memory)
        repairStaleSemaphore()
        do throws(SharedMemoryError) {
            try memory.withSetupLock("create") { () throws(SharedMemoryError) in
                let file = try KeyFile.make(memory.nativeKey, ftokID: ftokID)
                let id: Int32
                do throws(SharedMemoryError) {
                    id = try createSegment(memory, sysvKey: file.sysvKey, size: size)
                } catch {
                    if file.created && error.code != .alreadyExists { KeyFile.remove(memory.nativeKey) }
                    throw error
                }
                do throws(SharedMemoryError) {
                    try map(memory, id: id, access: access, call: "create")
                } catch {
                    // Nobody else can know the fresh segment yet: take it back.
                    try? SystemVSegment.remove(id: id)
                    KeyFile.remove(memory.nativeKey)
                    throw error
                }
            }
        } catch {
            releaseSemaphoreIfUnused(memory)
            throw error
        }
    }

    func attach(_ memory: SharedMemory, access: SharedMemory.AccessMode) throws(SharedMemoryError) {
        // Look first without side effects, so that a missing segment creates no semaphore.
        _ = try existingSegmentKey(memory, call: "attach")
        _ = try semaphoreHandle(memory)
        do throws(SharedMemoryError) {
            try memory.withSetupLock("attach") { () throws(SharedMemoryError) in
                let sysvKey = try existingSegmentKey(memory, call: "attach")
                let id: Int32
                do throws(Errno) {
                    id = try SystemVSegment.lookup(sysvKey: sysvKey, mode: access == .readOnly ? 0o400 : 0o600)
                } catch {
                    if error.rawValue == ENOENT { throw memory.notFound("attach") }
                    throw SharedMemoryError.fromErrno(error.rawValue, call: "shmget",
                        tr("attach: cannot open the segment for key \"{key}\" ({path})").filling(["key": memory.key, "path": memory.nativeKey]))
                }
                try map(memory, id: id, access: access, call: "attach")
            }
        } catch {
            releaseSemaphoreIfUnused(memory)
            throw error
        }
    }

    func detach(_ memory: SharedMemory) {
        guard let address = memory.address else {
            if memory.lockedByMe { memory.lockedByMe = false; try? release(memory) }
            releaseSemaphoreIfUnused(memory)
            return
        }
        let id = segmentID
        var holding = memory.lockedByMe
        if !holding { holding = (try? acquire(memory, timeout: memory.setupLockTimeout)) ?? false }
        try? SystemVSegment.detach(address)
        memory.forgetMapping()
        segmentID = -1

        var removedSegment = false
        if holding, let status = try? SystemVSegment.status(id: id), status.attachedCount == 0 {
            if (try? SystemVSegment.remove(id: id)) != nil {
                // A key file replaced meanwhile names a newer segment (a viewer that recovered):
                // it is that segment's, not ours to delete.
                if (try? KeyFile.resolve(memory.nativeKey, create: false, ftokID: ftokID))??.sysvKey == status.sysvKey {
                    KeyFile.remove(memory.nativeKey)
                }
                removedSegment = true
            }
        }
        memory.lockedByMe = false
        if removedSegment && semaphoreID >= 0 {
            // Last one out: the lock goes too. Removing it while we hold it wakes any waiter
            // with EIDRM, and the waiter re-creates it through the key file (as Qt does).
            KeyFile.remove(memory.semaphoreNativeKey)
            try? SystemVSemaphore.remove(id: semaphoreID)
            semaphoreID = -1
            createdSemaphore = false
        } else {
            if holding { try? release(memory) }
            releaseSemaphoreIfUnused(memory)
        }
    }

    // MARK: - The segment

    /// shmget(IPC_CREAT|IPC_EXCL), replacing a stale segment once.
    private func createSegment(_ memory: SharedMemory, sysvKey: key_t, size: Int) throws(SharedMemoryError) -> Int32 {
        for _ in 0..<3 {
            do {
                return try SystemVSegment.create(sysvKey: sysvKey, size: size)
            } catch {
                guard error.rawValue == EEXIST else { throw createFailure(memory, error.rawValue, size: size) }
            }
            let existing: SegmentStatus
            do {
                existing = try SystemVSegment.status(id: SystemVSegment.lookup(sysvKey: sysvKey))
            } catch {
                continue  // removed in between: try again
            }
            guard SharedMemory.isStale(existing) else {
                throw SharedMemoryError(.alreadyExists,
                    trn("create: a segment for key \"{key}\" already exists ({path}, shmid {id}, {count} process attached, creator pid {pid} {state}); attach to it instead, or stop the process that holds it",
                        "create: a segment for key \"{key}\" already exists ({path}, shmid {id}, {count} processes attached, creator pid {pid} {state}); attach to it instead, or stop the process that holds it",
                        Int(existing.attachedCount))
                        .filling(["key": memory.key, "path": memory.nativeKey, "id": "\(existing.id)", "pid": "\(existing.creatorPID)",
                                  "state": ProcessState.word(alive: ProcessState.isAlive(existing.creatorPID))]))
            }
            // A crashed creator's leftover: nobody attached, nobody to come back for it.
            try? SystemVSegment.remove(id: existing.id)
        }
        throw SharedMemoryError(.alreadyExists,
            tr("create: the segment for key \"{key}\" ({path}) keeps reappearing; another process is creating it")
                .filling(["key": memory.key, "path": memory.nativeKey]))
    }

    private func map(_ memory: SharedMemory, id: Int32, access: SharedMemory.AccessMode, call: String) throws(SharedMemoryError) {
        let pointer: UnsafeMutableRawPointer
        do {
            pointer = try SystemVSegment.attach(id: id, readOnly: access == .readOnly)
        } catch {
            if error.rawValue == EINVAL || error.rawValue == EIDRM { throw memory.notFound(call) }
            throw SharedMemoryError.fromErrno(error.rawValue, call: "shmat",
                tr("{call}: cannot map the segment for key \"{key}\" ({path})").filling(["call": call, "key": memory.key, "path": memory.nativeKey]))
        }
        let size: Int
        do {
            size = try SystemVSegment.status(id: id).size
        } catch {
            try? SystemVSegment.detach(pointer)
            throw SharedMemoryError.fromErrno(error.rawValue, call: "shmctl(IPC_STAT)",
                tr("{call}: cannot read the size of the segment for key \"{key}\" ({path})")
                    .filling(["call": call, "key": memory.key, "path": memory.nativeKey]))
        }
        memory.adoptMapping(pointer, size: size, access: access)
        segmentID = id
    }

    /// The SysV key of the existing segment, or notFound (nothing is created).
    private func existingSegmentKey(_ memory: SharedMemory, call: String) throws(SharedMemoryError) -> key_t {
        guard let file = try KeyFile.resolve(memory.nativeKey, create: false, ftokID: ftokID) else { throw memory.notFound(call) }
        do {
            _ = try SystemVSegment.lookup(sysvKey: file.sysvKey)
        } catch {
            if error.rawValue == ENOENT { throw memory.notFound(call) }
            // EACCES and friends: the real attach reports them with the access mode asked for.
        }
        return file.sysvKey
    }

    private func createFailure(_ memory: SharedMemory, _ err: Int32, size: Int) -> SharedMemoryError {
        let values: KeyValuePairs = ["size": size.localizedDigits, "key": memory.key, "path": memory.nativeKey,
                                     "error": SharedMemoryError.errnoText(err),
                                     "limit": SystemVSegment.maximumSize()?.localizedDigits ?? ""]
        if err == EINVAL {
            let message = SystemVSegment.maximumSize() == nil
                ? trn("create: cannot create a segment of {size} byte for key \"{key}\" ({path}): shmget failed: {error}; the size is outside the system limits",
                      "create: cannot create a segment of {size} bytes for key \"{key}\" ({path}): shmget failed: {error}; the size is outside the system limits", size)
                : trn("create: cannot create a segment of {size} byte for key \"{key}\" ({path}): shmget failed: {error}; the size is outside the system limits (kernel.shmmax is {limit})",
                      "create: cannot create a segment of {size} bytes for key \"{key}\" ({path}): shmget failed: {error}; the size is outside the system limits (kernel.shmmax is {limit})", size)
            return SharedMemoryError(.invalidSize, message.filling(values))
        }
        return SharedMemoryError.fromErrno(err, call: "shmget",
            trn("create: cannot create a segment of {size} byte for key \"{key}\" ({path})",
                "create: cannot create a segment of {size} bytes for key \"{key}\" ({path})", size).filling(values))
    }

    /// Qt 6's System V `platformSafeKey` puts the key file in the runtime directory, which Qt makes
    /// (mode 0700) when it is missing (/tmp/runtime-$USER without $XDG_RUNTIME_DIR): so do we.
    private func makeRuntimeDirectoryIfNeeded(_ memory: SharedMemory) {
        guard memory.ipcKey.legacyKey == nil, let slash = memory.nativeKey.lastIndex(of: "/") else { return }
        let directory = String(memory.nativeKey[..<slash])
        if directory == NativeIpcKey.runtimeDirectory() { _ = mkdir(directory, 0o700) }
    }

    // MARK: - The segment after the fact

    func unreachableReason(_ memory: SharedMemory) -> String? {
        guard segmentID >= 0 else { return nil }
        let status: SegmentStatus
        do {
            status = try SystemVSegment.status(id: segmentID)
        } catch {
            return tr("the segment (shmid {id}) is gone: {error}")
                .filling(["id": "\(segmentID)", "error": SharedMemoryError.errnoText(error.rawValue)])
        }
        if status.isMarkedForRemoval {
            return tr("the segment (shmid {id}) was removed by another process (ipcrm or IPC_RMID)").filling(["id": "\(segmentID)"])
        }
        let file: KeyFile.Resolved?
        do {
            file = try KeyFile.resolve(memory.nativeKey, create: false, ftokID: ftokID)
        } catch {
            return tr("its key file {path} is no longer usable: {problem}").filling(["path": memory.nativeKey, "problem": "\(error)"])
        }
        guard let file else { return tr("its key file {path} was deleted").filling(["path": memory.nativeKey]) }
        guard file.sysvKey == status.sysvKey else {
            return tr("its key file {path} was replaced (it now names another SysV key)").filling(["path": memory.nativeKey])
        }
        return nil
    }

    func abandonment(_ memory: SharedMemory) -> SharedMemory.Abandonment? {
        guard segmentID >= 0, let status = try? SystemVSegment.status(id: segmentID),
              status.attachedCount <= 1, !ProcessState.isAlive(status.creatorPID) else { return nil }
        return .creatorGone(status.creatorPID)
    }

    /// The segment's creator: one IPC_STAT, no lock.
    func peerCandidates(_ memory: SharedMemory) -> [pid_t] {
        guard segmentID >= 0, let status = try? SystemVSegment.status(id: segmentID) else { return [] }
        return [status.creatorPID]
    }
}
