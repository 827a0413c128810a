import Localization
#if canImport(Glibc)
import Glibc
#endif

/// How a program's `--key` becomes a native key (`--key-type`), shared by the two windows and
/// `sharedmemory-ctl` so that they parse and check keys the same way, before creating anything.
public enum KeyChoice: String, CaseIterable, Sendable {
    /// `QSharedMemory(QString)`: System V, Qt 5 and the seed (the default).
    case legacy
    /// Qt 6's `QSharedMemory::platformSafeKey(key)`: POSIX, `/key`.
    case posix
    /// Qt 6's `platformSafeKey(key, QNativeIpcKey::Type::SystemV)`: a key file in the runtime directory.
    case systemv

    /// The native key for `key` with this choice.
    public func nativeKey(for key: String) -> NativeIpcKey {
        switch self {
        case .legacy: return .legacy(key)
        case .posix: return .platformSafe(key, type: .posixRealtime)
        case .systemv: return .platformSafe(key, type: .systemV)
        }
    }
}

extension NativeIpcKey {
    /// The key the options `--key KEY --key-type TYPE` or `--native-key STRING` name (the native
    /// key wins), checked: `keyError` with a readable message for an empty key, an unparsable
    /// string, a key type Linux lacks or a POSIX name Linux refuses.
    /// The windows' key options as GLib parsed them: `--key-type` as typed (nil is legacy).
    public static func fromOptions(key: String, typeName: String?, nativeKey: String?) throws(SharedMemoryError) -> NativeIpcKey {
        guard let type = KeyChoice(rawValue: typeName ?? "legacy") else {
            throw SharedMemoryError(.keyError, tr("--key-type must be legacy, posix or systemv, got \"{choice}\"")
                .filling(["choice": typeName ?? ""]))
        }
        return try fromOptions(key: key, type: type, nativeKey: nativeKey)
    }

    /// How a window or a message names this key: `key` itself for its legacy key (as the seed did),
    /// else the string form a Qt 6 program takes.
    public func shownName(for key: String) -> String { self == .legacy(key) ? key : description }

    /// The key the options `--key KEY --key-type TYPE` or `--native-key STRING` name (the native
    /// key wins), checked as ``fromOptions(key:typeName:nativeKey:)`` does.
    public static func fromOptions(key: String, type: KeyChoice, nativeKey: String?) throws(SharedMemoryError) -> NativeIpcKey {
        let result: NativeIpcKey
        if let nativeKey {
            do {
                result = try parse(nativeKey)
            } catch {
                throw SharedMemoryError(.keyError, tr("--native-key: {problem}").filling(["problem": "\(error)"]))
            }
        } else {
            guard !key.isEmpty else { throw SharedMemoryError(.keyError, tr("--key: the key is empty; give a non-empty key")) }
            result = type.nativeKey(for: key)
        }
        if let problem = result.problem {
            // A key of thousands of characters is shortened, so that the reason fits on one line.
            let option = nativeKey == nil ? "--key \"\(abbreviated(key))\" --key-type \(type.rawValue)" : "--native-key"  // notr: options
            throw SharedMemoryError(.keyError, tr("{option}: the native key {key} cannot be used: {problem}")
                .filling(["option": option, "key": abbreviated("\(result)"), "problem": problem]))
        }
        return result
    }

    /// `text` itself up to 80 characters; a longer one as its first 60, "…" and its length.
    static func abbreviated(_ text: String) -> String {
        guard text.count > 80 else { return text }
        return trn("{start}… ({count} character)", "{start}… ({count} characters)", text.count)
            .filling(["start": String(text.prefix(60))])
    }

    /// Why this key cannot name a segment on Linux, nil when it can.
    public var problem: String? {
        if type == .posixRealtime {
            return PosixSegment.problem(with: nativeKey) ?? PosixSegment.problem(with: semaphoreKey.nativeKey)
        }
        guard type.isSystemV else { return tr("the key type {type} does not exist on Linux; use posix or systemv").filling(["type": "\(type)"]) }
        if nativeKey.isEmpty { return tr("the native key is empty") }
        if nativeKey.utf8.contains(0) { return tr("the path contains a NUL character") }
        return Self.pathProblem(nativeKey) ?? Self.pathProblem(semaphoreKey.nativeKey)
    }

    /// Why the system cannot make a file at `path`: its name longer than NAME_MAX (of its folder:
    /// `pathconf`, 255 on Linux file systems) or the path not shorter than PATH_MAX. Checked before
    /// anything is created, so a long key is refused at start-up with this one reason.
    static func pathProblem(_ path: String) -> String? {
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let limit = pathconf(folder.isEmpty ? "/" : folder, CInt(_PC_NAME_MAX))
        let nameMax = limit > 0 ? Int(limit) : Int(NAME_MAX)
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        if name.utf8.count > nameMax {
            return tr("its key file name is {count} bytes long, more than the {limit} a file name may have (NAME_MAX); use a shorter key")
                .filling(["count": name.utf8.count.localizedDigits, "limit": "\(nameMax)"])
        }
        if path.utf8.count >= Int(PATH_MAX) {
            return tr("its key file path is {count} bytes long, more than the {limit} a path may have (PATH_MAX); use a shorter key or TMPDIR")
                .filling(["count": path.utf8.count.localizedDigits, "limit": "\(Int(PATH_MAX) - 1)"])
        }
        return nil
    }
}
