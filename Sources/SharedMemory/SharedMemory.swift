import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A shared memory segment guarded by a semaphore, wire-compatible with Qt's `QSharedMemory` on
/// Linux: a Qt program and this type given the same key meet in the same segment and take the
/// same lock. `init(key:)` is the legacy System V key (Qt 5, Qt 6's `QSharedMemory(QString)`);
/// `init(nativeKey:)` takes any Qt 6 `QNativeIpcKey`, System V or POSIX (Qt 6.6's default).
///
/// Better than Qt: `create` replaces a stale segment left by a crashed creator, locking can
/// time out, key files are never followed through symlinks, and errors say what to do. With
/// POSIX keys the last one out unlinks what Qt leaks, and a lock left taken by a killed process
/// ends every wait with an error naming `sharedmemory-ctl repair` (docs/PROTOCOL.md).
///
/// ## Threads
/// An instance is not `Sendable`: use it from one thread or actor (for instance the main
/// actor), which Swift 6 enforces. Separate instances, in the same process or in others,
/// coordinate through the semaphore: the lock excludes every other instance, including one in
/// this process, and it is not recursive. The bytes of ``data`` are shared with other processes:
/// touch them only between ``lock()`` and ``unlock()`` (or inside ``withLock(timeout:_:)``).
public final class SharedMemory {
    /// How the segment is mapped.
    public enum AccessMode: Sendable {
        /// Mapped with `SHM_RDONLY`: a write faults (the page is read-only, not just a flag).
        case readOnly
        case readWrite
    }

    /// The key given at creation, as in Qt (the legacy key), else the native key's string form.
    public let key: String
    /// The backend and name of the segment, as Qt 6's `QNativeIpcKey`.
    public let ipcKey: NativeIpcKey
    /// The name of the segment: for System V the path whose inode names it, for POSIX `/name`.
    public let nativeKey: String
    /// The name of the lock's semaphore (a path for System V, `/name` for POSIX).
    public let semaphoreNativeKey: String
    /// How long create, attach and detach wait for the lock that Qt also takes around them,
    /// so that a stuck lock holder cannot hang them forever.
    public var setupLockTimeout: Duration = .seconds(5)

    /// How the segment is mapped, nil when detached.
    public internal(set) var accessMode: AccessMode?

    var address: UnsafeMutableRawPointer?
    var mappedSize = 0
    var segmentID: Int32 = -1
    /// The semaphore set id, -1 until first needed or after it was removed.
    var semaphoreID: Int32 = -1
    /// This instance made the semaphore; it removes it when it is done and no segment is left.
    var createdSemaphore = false
    /// This instance holds the lock (Qt's lockedByMe).
    var lockedByMe = false
    /// The POSIX backend's state; nil for System V keys.
    let posix: PosixState?
    /// Why the key cannot be used (checked before anything is created), nil when it can.
    let keyProblem: String?

    /// A handle for the legacy key `key` (`QSharedMemory(QString)`, Qt 5, the seed): System V,
    /// native keys in `$TMPDIR` (else /tmp) as Qt does. Nothing is created or attached until
    /// ``create(size:access:)`` or ``attach(access:)``.
    public convenience init(key: String) {
        self.init(nativeKey: NativeIpcKey.legacy(key), displayKey: key)
    }

    /// A handle for a Qt 6 native key (`QSharedMemory(QNativeIpcKey)`): System V (any ftok id)
    /// or POSIX. A key that cannot work (a POSIX name with a second "/", too long...) makes
    /// create and attach throw `keyError` before anything is created.
    public convenience init(nativeKey: NativeIpcKey) {
        self.init(nativeKey: nativeKey, displayKey: nativeKey.legacyKey ?? nativeKey.description)
    }

    private init(nativeKey ipcKey: NativeIpcKey, displayKey: String) {
        self.ipcKey = ipcKey
        key = displayKey
        nativeKey = ipcKey.nativeKey
        semaphoreNativeKey = ipcKey.semaphoreKey.nativeKey
        ftokID = ipcKey.type.isSystemV ? Int32(ipcKey.type.rawValue) : KeyFile.projectID
        // An empty key keeps its own message ("the key is empty"), as before native keys.
        keyProblem = ipcKey.nativeKey.isEmpty ? nil : ipcKey.problem
        posix = ipcKey.type == .posixRealtime
            ? PosixState(segmentName: ipcKey.nativeKey, semaphoreName: ipcKey.semaphoreKey.nativeKey) : nil
    }

    /// The ftok project id of System V keys ('Q', or N for `systemv-N:` keys).
    let ftokID: Int32

    deinit {
        detach()
    }

    /// Qt's native key for `key`: temp dir + "/" + prefix + the ASCII letters of the key +
    /// the lowercase hex SHA-1 of its UTF-8 bytes; "" for an empty key. `tempDirectory` nil
    /// means `$TMPDIR`, or /tmp when that is unset or empty.
    public static func nativeKey(for key: String, prefix: String = "qipc_sharedmemory_",
                                 tempDirectory: String? = nil) -> String {
        NativeKey.make(for: key, prefix: prefix, tempDirectory: tempDirectory)
    }

    /// Whether a segment is mapped.
    public var isAttached: Bool { address != nil }

    /// The segment size from IPC_STAT (at least the size asked for); 0 when detached.
    public var size: Int { mappedSize }

    /// The mapped bytes, nil when detached. Writing through a read-only mapping crashes.
    public var data: UnsafeMutableRawBufferPointer? {
        address.map { UnsafeMutableRawBufferPointer(start: $0, count: mappedSize) }
    }

    /// Creates a segment of `size` bytes (mode 0600) and attaches to it, under the lock.
    ///
    /// A segment that nobody is attached to and whose creator process is gone (a crashed
    /// viewer) is removed and replaced; a segment that a live process holds never is, and
    /// gives `alreadyExists`.
    public func create(size: Int, access: AccessMode = .readWrite) throws {
        guard !nativeKey.isEmpty else { throw emptyKey("create") }
        guard size > 0 else {
            throw SharedMemoryError(.invalidSize,
                tr("create: size {size} for key \"{key}\" is not allowed; the size must be at least 1 byte")
                    .filling(["size": size.localizedDigits, "key": key]))
        }
        guard !isAttached else { throw alreadyAttached("create") }
        try checkKey("create")
        if let posix { return try posixCreate(posix, size: size, access: access) }
        makeRuntimeDirectoryIfNeeded()
        _ = try semaphoreHandle()
        try repairStaleSemaphore()
        do {
            try withSetupLock("create") {
                let file = try KeyFile.make(nativeKey, ftokID: ftokID)
                let id: Int32
                do {
                    id = try createSegment(sysvKey: file.sysvKey, size: size)
                } catch let error as SharedMemoryError {
                    if file.created && error.code != .alreadyExists { KeyFile.remove(nativeKey) }
                    throw error
                }
                do {
                    try map(id: id, access: access, call: "create")
                } catch {
                    // Nobody else can know the fresh segment yet: take it back.
                    try? SystemVSegment.remove(id: id)
                    KeyFile.remove(nativeKey)
                    throw error
                }
            }
        } catch {
            releaseOwnedSemaphoreIfUnused()
            throw error
        }
    }

    /// Attaches to the segment that another process (or instance) created for this key.
    /// Fails with `notFound` when there is none, leaving nothing behind.
    public func attach(access: AccessMode = .readWrite) throws {
        guard !nativeKey.isEmpty else { throw emptyKey("attach") }
        guard !isAttached else { throw alreadyAttached("attach") }
        try checkKey("attach")
        if let posix { return try posixAttach(posix, access: access) }
        // Look first without side effects, so that a missing segment creates no semaphore.
        _ = try existingSegmentKey(call: "attach")
        _ = try semaphoreHandle()
        do {
            try withSetupLock("attach") {
                let sysvKey = try existingSegmentKey(call: "attach")
                let id: Int32
                do throws(Errno) {
                    id = try SystemVSegment.lookup(sysvKey: sysvKey, mode: access == .readOnly ? 0o400 : 0o600)
                } catch {
                    if error.rawValue == ENOENT { throw notFound("attach") }
                    throw SharedMemoryError.fromErrno(error.rawValue, call: "shmget",
                        tr("attach: cannot open the segment for key \"{key}\" ({path})").filling(["key": key, "path": nativeKey]))
                }
                try map(id: id, access: access, call: "attach")
            }
        } catch {
            releaseOwnedSemaphoreIfUnused()
            throw error
        }
    }

    /// Detaches; idempotent. The last process out (no attachment left) removes the segment,
    /// its key file, the semaphore and its key file. Releases the lock if this instance holds it.
    ///
    /// The attachment count is checked under the lock so it cannot race a concurrent attach.
    /// If the lock cannot be had within ``setupLockTimeout`` the mapping is still dropped, but
    /// the segment is left for `create`'s stale recovery or `sharedmemory-ctl remove`.
    public func detach() {
        if let posix { return posixDetach(posix) }
        guard let address else {
            if lockedByMe { lockedByMe = false; try? semaphoreRelease() }
            releaseOwnedSemaphoreIfUnused()
            return
        }
        let id = segmentID
        var holding = lockedByMe
        if !holding { holding = (try? semaphoreAcquire(timeout: setupLockTimeout)) ?? false }
        try? SystemVSegment.detach(address)
        self.address = nil
        mappedSize = 0
        segmentID = -1
        accessMode = nil

        var removedSegment = false
        if holding, let status = try? SystemVSegment.status(id: id), status.attachedCount == 0 {
            if (try? SystemVSegment.remove(id: id)) != nil {
                // A key file replaced meanwhile names a newer segment (a viewer that recovered):
                // it is that segment's, not ours to delete.
                if (try? KeyFile.resolve(nativeKey, create: false, ftokID: ftokID))??.sysvKey == status.sysvKey {
                    KeyFile.remove(nativeKey)
                }
                removedSegment = true
            }
        }
        lockedByMe = false
        if removedSegment && semaphoreID >= 0 {
            // Last one out: the lock goes too. Removing it while we hold it wakes any waiter
            // with EIDRM, and the waiter re-creates it through the key file (as Qt does).
            KeyFile.remove(semaphoreNativeKey)
            try? SystemVSemaphore.remove(id: semaphoreID)
            semaphoreID = -1
            createdSemaphore = false
        } else {
            if holding { try? semaphoreRelease() }
            releaseOwnedSemaphoreIfUnused()
        }
    }

    // MARK: - Internals

    /// shmget(IPC_CREAT|IPC_EXCL), replacing a stale segment once.
    private func createSegment(sysvKey: key_t, size: Int) throws -> Int32 {
        for _ in 0..<3 {
            do {
                return try SystemVSegment.create(sysvKey: sysvKey, size: size)
            } catch {
                guard error.rawValue == EEXIST else { throw createFailure(error.rawValue, size: size) }
            }
            let existing: SegmentStatus
            do {
                existing = try SystemVSegment.status(id: SystemVSegment.lookup(sysvKey: sysvKey))
            } catch {
                continue  // removed in between: try again
            }
            guard Self.isStale(existing) else {
                throw SharedMemoryError(.alreadyExists,
                    trn("create: a segment for key \"{key}\" already exists ({path}, shmid {id}, {count} process attached, creator pid {pid} {state}); attach to it instead, or stop the process that holds it",
                        "create: a segment for key \"{key}\" already exists ({path}, shmid {id}, {count} processes attached, creator pid {pid} {state}); attach to it instead, or stop the process that holds it",
                        Int(existing.attachedCount))
                        .filling(["key": key, "path": nativeKey, "id": "\(existing.id)", "pid": "\(existing.creatorPID)",
                                  "state": ProcessState.word(alive: ProcessState.isAlive(existing.creatorPID))]))
            }
            // A crashed creator's leftover: nobody attached, nobody to come back for it.
            try? SystemVSegment.remove(id: existing.id)
        }
        throw SharedMemoryError(.alreadyExists,
            tr("create: the segment for key \"{key}\" ({path}) keeps reappearing; another process is creating it")
                .filling(["key": key, "path": nativeKey]))
    }

    /// Stale: nobody attached, creator gone, and it looks like ours (same owner, mode 0600), so
    /// an unrelated application's persistent segment that happens to share the key is spared.
    static func isStale(_ status: SegmentStatus) -> Bool {
        status.attachedCount == 0 && !ProcessState.isAlive(status.creatorPID)
            && status.ownerUID == geteuid() && status.permissions == mode_t(SystemVSegment.creationMode)
    }

    private func map(id: Int32, access: AccessMode, call: String) throws {
        let pointer: UnsafeMutableRawPointer
        do {
            pointer = try SystemVSegment.attach(id: id, readOnly: access == .readOnly)
        } catch {
            if error.rawValue == EINVAL || error.rawValue == EIDRM { throw notFound(call) }
            throw SharedMemoryError.fromErrno(error.rawValue, call: "shmat",
                tr("{call}: cannot map the segment for key \"{key}\" ({path})").filling(["call": call, "key": key, "path": nativeKey]))
        }
        do {
            mappedSize = try SystemVSegment.status(id: id).size
        } catch {
            try? SystemVSegment.detach(pointer)
            throw SharedMemoryError.fromErrno(error.rawValue, call: "shmctl(IPC_STAT)",
                tr("{call}: cannot read the size of the segment for key \"{key}\" ({path})")
                    .filling(["call": call, "key": key, "path": nativeKey]))
        }
        address = pointer
        segmentID = id
        accessMode = access
    }

    /// The SysV key of the existing segment, or notFound (nothing is created).
    private func existingSegmentKey(call: String) throws -> key_t {
        guard let file = try KeyFile.resolve(nativeKey, create: false, ftokID: ftokID) else { throw notFound(call) }
        do {
            _ = try SystemVSegment.lookup(sysvKey: file.sysvKey)
        } catch {
            if error.rawValue == ENOENT { throw notFound(call) }
            // EACCES and friends: the real attach reports them with the access mode asked for.
        }
        return file.sysvKey
    }

    private func createFailure(_ err: Int32, size: Int) -> SharedMemoryError {
        let values: KeyValuePairs = ["size": size.localizedDigits, "key": key, "path": nativeKey,
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
    private func makeRuntimeDirectoryIfNeeded() {
        guard ipcKey.legacyKey == nil, let slash = nativeKey.lastIndex(of: "/") else { return }
        let directory = String(nativeKey[..<slash])
        if directory == NativeIpcKey.runtimeDirectory() { _ = mkdir(directory, 0o700) }
    }

    /// keyError for a key that cannot work, before anything is created.
    private func checkKey(_ call: String) throws {
        if let keyProblem {
            throw SharedMemoryError(.keyError, tr("{call}: the key {key} cannot be used: {problem}")
                .filling(["call": call, "key": "\(ipcKey)", "problem": keyProblem]))
        }
    }

    func notFound(_ call: String) -> SharedMemoryError {
        SharedMemoryError(.notFound,
            tr("{call}: the shared memory segment for key \"{key}\" ({path}) does not exist; the process that creates it (e.g. the `sharedmemory` viewer) must be started first")
                .filling(["call": call, "key": key, "path": nativeKey]))
    }

    private func emptyKey(_ call: String) -> SharedMemoryError {
        SharedMemoryError(.keyError, tr("{call}: the key is empty; give a non-empty key").filling(["call": call]))
    }

    private func alreadyAttached(_ call: String) -> SharedMemoryError {
        SharedMemoryError(.alreadyExists,
            tr("{call}: this SharedMemory for key \"{key}\" is already attached; detach first").filling(["call": call, "key": key]))
    }
}
