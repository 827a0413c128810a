import Testing
@testable import SharedMemory

/// Issue 14: a key the system cannot hold (a 5,000-character `--key`) is refused before anything is
/// made, with one short line naming the limit, for every key type.
@Suite struct LongKeyTests {
    @Test(arguments: KeyChoice.allCases)
    func aFiveThousandCharacterKeyIsRefusedInOneShortLine(type: KeyChoice) {
        let key = String(repeating: "k", count: 5000)
        do {
            _ = try NativeIpcKey.fromOptions(key: key, type: type, nativeKey: nil)
            Issue.record("a 5,000-character key was accepted")
        } catch {
            #expect(error.code == .keyError)
            #expect(!error.message.contains("\n"))
            #expect(error.message.count < 500, "\(error.message.count) characters: \(error.message)")
            #expect(error.message.contains("NAME_MAX"))
            #expect(error.message.contains("5000 characters") || error.message.contains("5,000 characters"))
        }
    }

    @Test func theLongestKeysThatFitAreAccepted() throws {
        // Legacy: "qipc_sharedmemory_" (18) + letters + 40 hex digits <= 255.
        _ = try NativeIpcKey.fromOptions(key: String(repeating: "k", count: 197), type: .legacy, nativeKey: nil)
        #expect(throws: SharedMemoryError.self) {
            try NativeIpcKey.fromOptions(key: String(repeating: "k", count: 198), type: .legacy, nativeKey: nil)
        }
        // Digits are not letters: they add nothing to the key file's name.
        _ = try NativeIpcKey.fromOptions(key: String(repeating: "7", count: 5000), type: .legacy, nativeKey: nil)
    }
}
