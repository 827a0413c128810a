import Testing
@testable import SharedMemory

/// The string form against what a real Qt 6 printed (QtKeyVectors.swift, from PyQt6).
@Suite("NativeIpcKey speaks QNativeIpcKey's string form")
struct NativeIpcKeyTests {
    @Test func toStringMatchesQt() {
        for (native, type, legacy, expected) in QtKeyVectors.toString {
            let key = NativeIpcKey(native, type: type, legacyKey: legacy)
            #expect(key.description == expected, "native \(native.debugDescription), legacy \(String(describing: legacy))")
            // And back: Qt's fromString of its own toString gives the same key.
            #expect(NativeIpcKey(string: expected) == key, "\(expected.debugDescription)")
        }
    }

    @Test func fromStringMatchesQt() {
        for (text, expected) in QtKeyVectors.fromString {
            let key = NativeIpcKey(string: text)
            guard let expected else {
                #expect(key == nil, "Qt refuses \(text.debugDescription), we gave \(String(describing: key))")
                continue
            }
            guard let key else { Issue.record("Qt accepts \(text.debugDescription), we refused it"); continue }
            #expect(key.type.rawValue == expected.0, "\(text.debugDescription)")
            #expect(key.nativeKey == expected.1, "\(text.debugDescription)")
            #expect(key.legacyKey == expected.2, "\(text.debugDescription)")
            #expect(key.description == expected.3, "\(text.debugDescription)")
        }
    }

    @Test func posixKeysMatchQt() {
        for (key, platformSafe, legacy) in QtKeyVectors.posixKeys {
            #expect(NativeIpcKey.platformSafe(key).description == platformSafe)
            #expect(NativeIpcKey.legacy(key, type: .posixRealtime).description == legacy)
        }
    }

    @Test func refusalsSayWhy() {
        #expect(throws: NativeIpcKey.ParseError.self) { try NativeIpcKey.parse("posix://host/x") }
        do {
            _ = try NativeIpcKey.parse("shm:/x")
            Issue.record("shm:/x was accepted")
        } catch {
            #expect(error.description.contains("unknown key type \"shm\""))
        }
    }

    /// Qt's lock name: the native key itself, or for a legacy key qipc_systemsem_ + letters + SHA-1.
    @Test func semaphoreKeys() {
        #expect(NativeIpcKey.platformSafe("k").semaphoreKey.nativeKey == "/k")
        #expect(NativeIpcKey.legacy("k", type: .posixRealtime).semaphoreKey.nativeKey
            == "/qipc_systemsem_k13fbd79c3d390e5d6585a21e11ff5ec1970cff0c")
    }
}
