import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// What exists in the system for a key: key files, the segment and the lock's semaphore.
/// Read without creating anything (for `sharedmemory-ctl info`).
public struct SegmentInfo: Sendable, Equatable {
    /// The segment, as IPC_STAT reports it.
    public struct Segment: Sendable, Equatable {
        /// The segment's shmid.
        public var id: Int32
        /// The System V key (`ftok` of the key file) it was made with.
        public var sysvKey: Int32
        /// Its size in bytes.
        public var size: Int
        /// How many attachments it has (shm_nattch), in every process.
        public var attachedCount: Int
        /// Pid of the process that made it.
        public var creatorPID: Int32
        /// Whether that process still runs.
        public var creatorIsAlive: Bool
        /// Pid of the last shmat/shmdt.
        public var lastPID: Int32
        /// Permission bits, 0o600 when made by Qt or this library.
        public var permissions: UInt32
        /// The user that owns it.
        public var ownerUID: UInt32
        /// Nobody attached and the creator gone: `create` would replace it.
        public var isStale: Bool
    }

    /// The one-semaphore set used as the lock.
    public struct Semaphore: Sendable, Equatable {
        /// The semaphore set's semid.
        public var id: Int32
        /// The System V key (`ftok` of the semaphore's key file) it was made with.
        public var sysvKey: Int32
        /// 1 free, 0 held.
        public var value: Int
        /// Pid of the last process that changed the value: the holder while `value` is 0.
        public var lastPID: Int32
        /// Whether that process still runs.
        public var lastPIDIsAlive: Bool
        /// Permission bits, 0o600 when made by Qt or this library.
        public var permissions: UInt32
        /// The user that owns it.
        public var ownerUID: UInt32
    }

    /// The key as given (the legacy key, else the native key's string form).
    public var key: String
    /// The native key's string form, ready for `QNativeIpcKey::fromString`.
    public var keyString: String
    /// The segment's key file.
    public var nativeKey: String
    /// The semaphore's key file.
    public var semaphoreNativeKey: String
    /// Permission bits of the key files, nil when a file is missing.
    public var keyFilePermissions: UInt32?
    /// Permission bits of the semaphore's key file, nil when it is missing.
    public var semaphoreKeyFilePermissions: UInt32?
    /// nil when no segment exists for the key.
    public var segment: Segment?
    /// nil when no semaphore exists for the key.
    public var semaphore: Semaphore?
}

extension SharedMemory {
    /// What exists for `key`; `notFound` when there is nothing at all (no key file, segment or
    /// semaphore). Never creates anything.
    public static func info(key: String) throws(SharedMemoryError) -> SegmentInfo {
        guard !key.isEmpty else { throw SharedMemoryError(.keyError, tr("info: the key is empty; give a non-empty key")) }
        return try info(NativeIpcKey.legacy(key))
    }

    /// ``info(key:)`` for a System V native key (legacy or Qt 6's `systemv:` keys); POSIX keys
    /// have ``posixInfo(_:)``.
    public static func info(_ ipcKey: NativeIpcKey) throws(SharedMemoryError) -> SegmentInfo {
        guard !ipcKey.nativeKey.isEmpty else {
            throw SharedMemoryError(.keyError, tr("info: the key is empty; give a non-empty key"))
        }
        guard ipcKey.type.isSystemV else {
            throw SharedMemoryError(.keyError, tr("info: {key} is not a System V key").filling(["key": "\(ipcKey)"]))
        }
        let key = ipcKey.legacyKey ?? ipcKey.description
        let ftokID = Int32(ipcKey.type.rawValue)
        let native = ipcKey.nativeKey
        let semaphoreNative = ipcKey.semaphoreKey.nativeKey
        var info = SegmentInfo(
            key: key, keyString: ipcKey.description, nativeKey: native, semaphoreNativeKey: semaphoreNative,
            keyFilePermissions: KeyFile.permissions(native),
            semaphoreKeyFilePermissions: KeyFile.permissions(semaphoreNative),
            segment: nil, semaphore: nil)
        if let file = try KeyFile.resolve(native, create: false, ftokID: ftokID),
           let id = try? SystemVSegment.lookup(sysvKey: file.sysvKey),
           let status = try? SystemVSegment.status(id: id) {
            info.segment = SegmentInfo.Segment(
                id: id, sysvKey: status.sysvKey, size: status.size, attachedCount: status.attachedCount,
                creatorPID: status.creatorPID, creatorIsAlive: ProcessState.isAlive(status.creatorPID),
                lastPID: status.lastPID, permissions: UInt32(status.permissions),
                ownerUID: status.ownerUID, isStale: isStale(status))
        }
        if let file = try KeyFile.resolve(semaphoreNative, create: false, ftokID: ftokID),
           let id = try? SystemVSemaphore.lookup(sysvKey: file.sysvKey),
           let status = try? SystemVSemaphore.status(id: id) {
            info.semaphore = SegmentInfo.Semaphore(
                id: id, sysvKey: status.sysvKey, value: status.value, lastPID: status.lastPID,
                lastPIDIsAlive: ProcessState.isAlive(status.lastPID),
                permissions: UInt32(status.permissions), ownerUID: status.ownerUID)
        }
        if info.segment == nil && info.semaphore == nil
            && info.keyFilePermissions == nil && info.semaphoreKeyFilePermissions == nil {
            throw SharedMemoryError(.notFound,
                tr("info: nothing exists for key \"{key}\": no segment, no semaphore, no key file ({path})")
                    .filling(["key": key, "path": native]))
        }
        return info
    }

    /// Removes what is left for `key`: the segment, its key file, the semaphore and its key
    /// file. Refuses (`permissionDenied`) while processes are attached, unless `force`: then the
    /// segment is marked for removal and disappears when they detach. Waits up to `lockTimeout`
    /// for the lock so as not to pull the segment from under a writer; `force` goes on without it.
    public static func remove(key: String, force: Bool, lockTimeout: Duration = .seconds(2)) throws(SharedMemoryError) {
        guard !key.isEmpty else { throw SharedMemoryError(.keyError, tr("info: the key is empty; give a non-empty key")) }
        try remove(NativeIpcKey.legacy(key), force: force, lockTimeout: lockTimeout)
    }

    /// ``remove(key:force:lockTimeout:)`` for any native key (POSIX: ``removePosix(_:force:)``).
    public static func remove(_ ipcKey: NativeIpcKey, force: Bool, lockTimeout: Duration = .seconds(2)) throws(SharedMemoryError) {
        if ipcKey.type == .posixRealtime { return try removePosix(ipcKey, force: force) }
        let info = try info(ipcKey)
        let key = info.key
        if let segment = info.segment, segment.attachedCount > 0, !force {
            throw SharedMemoryError(.permissionDenied,
                trn("remove: {count} process is attached to the segment for key \"{key}\" (shmid {id}, creator pid {pid} {state}); it is in use, not stale. Stop that process, or use --force",
                    "remove: {count} processes are attached to the segment for key \"{key}\" (shmid {id}, creator pid {pid} {state}); it is in use, not stale. Stop those processes, or use --force",
                    segment.attachedCount)
                    .filling(["key": key, "id": "\(segment.id)", "pid": "\(segment.creatorPID)",
                              "state": ProcessState.word(alive: segment.creatorIsAlive)]))
        }
        var holding = false
        if let semaphore = info.semaphore {
            holding = (try? SystemVSemaphore.change(id: semaphore.id, by: -1, timeout: lockTimeout)) != nil
            if !holding && !force {
                let message = semaphore.value == 0 && semaphore.lastPID > 0
                    ? tr("remove: the lock of key \"{key}\" is held by pid {pid} ({state}); wait for it, or use --force")
                    : tr("remove: the lock of key \"{key}\" is held by an unknown process; wait for it, or use --force")
                throw SharedMemoryError(.lockError, message.filling([
                    "key": key, "pid": "\(semaphore.lastPID)", "state": ProcessState.word(alive: semaphore.lastPIDIsAlive)]))
            }
        }
        var failures: [String] = []
        if let segment = info.segment {
            do {
                try SystemVSegment.remove(id: segment.id)
            } catch where error.rawValue != EINVAL && error.rawValue != EIDRM {
                failures.append("shmctl(IPC_RMID) on shmid \(segment.id): \(SharedMemoryError.errnoText(error.rawValue))")  // notr: call and system text
            } catch {}
        }
        if info.keyFilePermissions != nil && !KeyFile.remove(info.nativeKey) {
            failures.append(tr("unlink {path}: not a regular file of ours, or {error}")
                .filling(["path": info.nativeKey, "error": SharedMemoryError.errnoText(errno)]))
        }
        // Removing the semaphore while holding it: waiters wake with EIDRM and start afresh.
        if info.semaphoreKeyFilePermissions != nil && !KeyFile.remove(info.semaphoreNativeKey) {
            failures.append(tr("unlink {path}: not a regular file of ours, or {error}")
                .filling(["path": info.semaphoreNativeKey, "error": SharedMemoryError.errnoText(errno)]))
        }
        if let semaphore = info.semaphore {
            do {
                try SystemVSemaphore.remove(id: semaphore.id)
            } catch where error.rawValue != EINVAL && error.rawValue != EIDRM {
                if holding { try? SystemVSemaphore.change(id: semaphore.id, by: 1, timeout: nil) }
                failures.append("semctl(IPC_RMID) on semid \(semaphore.id): \(SharedMemoryError.errnoText(error.rawValue))")  // notr: call and system text
            } catch {}
        }
        if !failures.isEmpty {
            let code: SharedMemoryError.Code = failures.contains { $0.contains("EPERM") || $0.contains("EACCES") }
                ? .permissionDenied : .unknown
            throw SharedMemoryError(code, tr("remove: key \"{key}\": {failures}").filling(["key": key, "failures": failures.joined(separator: "; ")]))
        }
    }
}
