#if canImport(Glibc)
import Glibc
#endif

/// Qt 6.6's `QNativeIpcKey`: which IPC backend names a segment, and its name there.
///
/// The string form (``description``, ``init(string:)``) is the one of `QNativeIpcKey::toString()`
/// and `fromString()`, checked against a real Qt 6.11: it is what Qt 6 programs print and pass
/// around, e.g. `posix:/fileloader_shm_key` or `systemv:/tmp/qipc_sharedmemory_...?legacyKey=...`.
public struct NativeIpcKey: Sendable, Hashable, CustomStringConvertible {
    /// Qt's `QNativeIpcKey::Type`, with Qt's raw values: 0x51 ('Q', the ftok project id) is
    /// System V, other values 1...255 are System V with that ftok id (`systemv-N:`), 0x100 POSIX.
    public struct KeyType: Sendable, Hashable, CustomStringConvertible {
        /// Qt's value of `QNativeIpcKey::Type`.
        public let rawValue: Int
        /// `ftok(file, 'Q')` + shmget/semget: Qt 5, and Qt 6 before 6.6 (`--key-type legacy`).
        public static let systemV = KeyType(rawValue: 0x51)
        /// shm_open + sem_open: Qt 6.6's default on Linux (`QNativeIpcKey::DefaultTypeForOs`).
        public static let posixRealtime = KeyType(rawValue: 0x100)
        /// Parsed as Qt does, never usable on Linux.
        public static let windows = KeyType(rawValue: 0x101)

        /// System V with another ftok project id (1...255).
        public static func systemV(ftokID: UInt8) -> KeyType? { ftokID == 0 ? nil : KeyType(rawValue: Int(ftokID)) }

        /// System V, with any ftok project id.
        public var isSystemV: Bool { (1...0xff).contains(rawValue) }

        /// The scheme of the string form: "posix", "systemv", "systemv-N", "windows".
        public var description: String {
            switch rawValue {
            case Self.posixRealtime.rawValue: return "posix"
            case Self.windows.rawValue: return "windows"
            case Self.systemV.rawValue: return "systemv"
            default: return "systemv-\(rawValue)"
            }
        }
    }

    /// The backend.
    public var type: KeyType
    /// The name the system knows: `/name` for POSIX, a file path for System V.
    public var nativeKey: String
    /// The Qt 5-style key this native key was derived from (`QSharedMemory(QString)`), nil when none.
    /// Qt then derives the lock's name from it rather than from the native key.
    public var legacyKey: String?

    /// A native key as Qt's `QNativeIpcKey(nativeKey, type)`; an empty `legacyKey` is none.
    public init(_ nativeKey: String, type: KeyType, legacyKey: String? = nil) {
        self.type = type
        self.nativeKey = nativeKey
        self.legacyKey = (legacyKey?.isEmpty ?? true) ? nil : legacyKey
    }

    /// `QSharedMemory::platformSafeKey(key, type)`, Qt 6.6+: POSIX is "/" + key verbatim;
    /// System V is the key itself when it starts with "/", else the runtime directory + "/" + key.
    public static func platformSafe(_ key: String, type: KeyType = .posixRealtime) -> NativeIpcKey {
        guard !key.isEmpty else { return NativeIpcKey("", type: type) }
        if type == .posixRealtime { return NativeIpcKey("/" + key, type: type) }
        if key.hasPrefix("/") { return NativeIpcKey(key, type: type) }
        return NativeIpcKey(runtimeDirectory() + "/" + key, type: type)
    }

    /// `QSharedMemory::legacyNativeKey(key, type)`: the name Qt 4.4 to 6.5 derived from a key
    /// (`qipc_sharedmemory_` + its letters + SHA-1), in the temp directory for System V.
    /// `legacy(key)` is what `QSharedMemory(QString)` and ``SharedMemory/init(key:)`` use.
    public static func legacy(_ key: String, type: KeyType = .systemV,
                              prefix: String = "qipc_sharedmemory_") -> NativeIpcKey {
        guard !key.isEmpty else { return NativeIpcKey("", type: type) }
        let name = "/" + NativeKey.name(for: key, prefix: prefix)
        if type == .posixRealtime { return NativeIpcKey(name, type: type, legacyKey: key) }
        return NativeIpcKey(NativeKey.tempPath(nil) + name, type: type, legacyKey: key)
    }

    /// The lock's key, as `QSharedMemoryPrivate::initKey` makes it: the same native key (System V
    /// and POSIX semaphores live in namespaces of their own), or for a legacy key Qt's
    /// `QSystemSemaphore::legacyNativeKey` (`qipc_systemsem_` + letters + SHA-1).
    public var semaphoreKey: NativeIpcKey {
        guard let legacyKey else { return self }
        var key = Self.legacy(legacyKey, type: type, prefix: NativeKey.semaphorePrefix)
        key.legacyKey = nil
        return key
    }

    /// QStandardPaths::RuntimeLocation on Linux: $XDG_RUNTIME_DIR, else /tmp/runtime-$USER.
    static func runtimeDirectory() -> String {
        if let env = getenv("XDG_RUNTIME_DIR"), env.pointee != 0 { return NativeKey.cleanPath(String(cString: env)) }
        var name = "\(geteuid())"
        if let entry = getpwuid(geteuid()), let login = entry.pointee.pw_name { name = String(cString: login) }
        return "/tmp/runtime-" + name
    }
}
