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
        /// Mapped for reading and writing.
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

    /// The mapping and whether this instance holds the lock: the one state both backends share.
    private(set) var address: UnsafeMutableRawPointer?
    private(set) var mappedSize = 0
    /// This instance holds the lock (Qt's lockedByMe).
    var lockedByMe = false
    /// The System V or POSIX objects behind the key, chosen once from its type.
    let backend: any SegmentBackend
    /// Why the key cannot be used (checked before anything is created), nil when it can.
    let keyProblem: String?
    /// Neither empty nor with a problem: the lock's one test before its semop.
    let keyIsUsable: Bool

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
        // An empty key keeps its own message ("the key is empty"), as before native keys.
        keyProblem = ipcKey.nativeKey.isEmpty ? nil : ipcKey.problem
        keyIsUsable = !ipcKey.nativeKey.isEmpty && keyProblem == nil
        backend = ipcKey.type == .posixRealtime
            ? PosixBackend(segmentName: ipcKey.nativeKey, semaphoreName: ipcKey.semaphoreKey.nativeKey)
            : SystemVBackend(ftokID: ipcKey.type.isSystemV ? Int32(ipcKey.type.rawValue) : KeyFile.projectID)
    }

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

    /// The mapped bytes, nil when detached. Touch them only under the lock.
    ///
    /// With ``AccessMode/readOnly`` the pages are mapped read-only: writing through them is a
    /// segmentation fault, as in C and in Qt. Check ``accessMode`` before writing.
    public var data: UnsafeMutableRawBufferPointer? {
        address.map { UnsafeMutableRawBufferPointer(start: $0, count: mappedSize) }
    }

    /// Creates a segment of `size` bytes (mode 0600) and attaches to it, under the lock.
    ///
    /// A segment that nobody is attached to and whose creator process is gone (a crashed
    /// viewer) is removed and replaced; a segment that a live process holds never is, and
    /// gives `alreadyExists`.
    public func create(size: Int, access: AccessMode = .readWrite) throws(SharedMemoryError) {
        guard !nativeKey.isEmpty else { throw emptyKey("create") }
        guard size > 0 else {
            throw SharedMemoryError(.invalidSize,
                tr("create: size {size} for key \"{key}\" is not allowed; the size must be at least 1 byte")
                    .filling(["size": size.localizedDigits, "key": key]))
        }
        guard !isAttached else { throw alreadyAttached("create") }
        try checkKey("create")
        try backend.create(self, size: size, access: access)
    }

    /// Attaches to the segment that another process (or instance) created for this key.
    /// Fails with `notFound` when there is none, leaving nothing behind.
    public func attach(access: AccessMode = .readWrite) throws(SharedMemoryError) {
        guard !nativeKey.isEmpty else { throw emptyKey("attach") }
        guard !isAttached else { throw alreadyAttached("attach") }
        try checkKey("attach")
        try backend.attach(self, access: access)
    }

    /// Detaches; idempotent. The last process out (no attachment left) removes the segment,
    /// its key file, the semaphore and its key file. Releases the lock if this instance holds it.
    ///
    /// The attachment count is checked under the lock so it cannot race a concurrent attach.
    /// If the lock cannot be had within ``setupLockTimeout`` the mapping is still dropped, but
    /// the segment is left for `create`'s stale recovery or `sharedmemory-ctl remove`.
    public func detach() {
        backend.detach(self)
    }

    // MARK: - Internals

    /// Keeps the mapping a backend made.
    func adoptMapping(_ address: UnsafeMutableRawPointer, size: Int, access: AccessMode) {
        self.address = address
        mappedSize = size
        accessMode = access
    }

    /// Forgets the mapping a backend has just unmapped.
    func forgetMapping() {
        address = nil
        mappedSize = 0
        accessMode = nil
    }

    /// Stale: nobody attached, creator gone, and it looks like ours (same owner, mode 0600), so
    /// an unrelated application's persistent segment that happens to share the key is spared.
    static func isStale(_ status: SegmentStatus) -> Bool {
        status.attachedCount == 0 && !ProcessState.isAlive(status.creatorPID)
            && status.ownerUID == geteuid() && status.permissions == mode_t(SystemVSegment.creationMode)
    }

    /// keyError for a key that cannot work, before anything is created.
    func checkKey(_ call: String) throws(SharedMemoryError) {
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

    func emptyKey(_ call: String) -> SharedMemoryError {
        SharedMemoryError(.keyError, tr("{call}: the key is empty; give a non-empty key").filling(["call": call]))
    }

    private func alreadyAttached(_ call: String) -> SharedMemoryError {
        SharedMemoryError(.alreadyExists,
            tr("{call}: this SharedMemory for key \"{key}\" is already attached; detach first").filling(["call": call, "key": key]))
    }
}
