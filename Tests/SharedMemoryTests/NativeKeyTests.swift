import Foundation
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

@Suite("Native keys follow Qt's rule")
struct NativeKeyTests {
    @Test func fileLoaderKeyMatchesQt() {
        #expect(SharedMemory.nativeKey(for: "fileloader_shm_key", tempDirectory: "/tmp")
            == "/tmp/qipc_sharedmemory_fileloadershmkey658171388a82c64a7bdb0649b7ed43e3ee651a6d")
        #expect(SharedMemory.nativeKey(for: "fileloader_shm_key", prefix: "qipc_systemsem_", tempDirectory: "/tmp")
            == "/tmp/qipc_systemsem_fileloadershmkey658171388a82c64a7bdb0649b7ed43e3ee651a6d")
    }

    // Expected digests from `printf '%s' KEY | sha1sum`; letters are the key's ASCII [A-Za-z] only.
    @Test(arguments: [
        ("my key 42", "mykey", "0bc7ee864f28b7c010761d48c509e076aa2171f4"),
        ("a/b/c 007", "abc", "c5ff59b11994e9cebecf66866f4696394f666758"),
        ("Ünïcödé ключ x", "ncdx", "d8e57368558cffd9a7fe8789f96b032ecdce1f94"),
        ("日本語", "", "c12140a0ffb4e56481b4fe0a7a25040c2eafa9ca"),
        ("ABC xyz-_.Z", "ABCxyzZ", "3ec37155cdefd8b50864fe7c84e810779fb6cf8f"),
    ])
    func specialKeys(key: String, letters: String, sha1: String) {
        #expect(SharedMemory.nativeKey(for: key, tempDirectory: "/tmp") == "/tmp/qipc_sharedmemory_\(letters)\(sha1)")
    }

    @Test func emptyKeyHasEmptyNativeKey() {
        #expect(SharedMemory.nativeKey(for: "") == "")
    }

    @Test func tempDirectoryIsCleanedLikeQDir() {
        #expect(SharedMemory.nativeKey(for: "k", tempDirectory: "/var//tmp/./x/../")
            == "/var/tmp/qipc_sharedmemory_k13fbd79c3d390e5d6585a21e11ff5ec1970cff0c")
        #expect(SharedMemory.nativeKey(for: "k", tempDirectory: "")
            == "/tmp/qipc_sharedmemory_k13fbd79c3d390e5d6585a21e11ff5ec1970cff0c")
    }

    @Test func tmpdirIsHonouredByARealProcess() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("smtest-tmpdir-\(getpid())-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = uniqueKey("tmpdir")
        let expected = SharedMemory.nativeKey(for: key, tempDirectory: directory)
        #expect(expected.hasPrefix(directory + "/qipc_sharedmemory_"))

        // A trailing slash is cleaned away, as QDir::tempPath does.
        let creator = try Spawned(["create", "--key", key, "--size", "64"], environment: ["TMPDIR": directory + "/"])
        #expect(creator.firstLine == expected)
        #expect(fileExists(expected))
        #expect(fileExists(SharedMemory.nativeKey(for: key, prefix: "qipc_systemsem_", tempDirectory: directory)))
        #expect(!fileExists(SharedMemory.nativeKey(for: key, tempDirectory: "/tmp")))
        #expect(creator.stop(SIGTERM) == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func sysvKeyIsFtokOfTheKeyFile() throws {
        let key = uniqueKey("ftok")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        try memory.create(size: 100)
        defer { memory.detach() }
        let info = try SharedMemory.info(key: key)
        #expect(info.segment?.sysvKey == ftok(memory.nativeKey, 0x51))
        #expect(info.semaphore?.sysvKey == ftok(memory.semaphoreNativeKey, 0x51))
    }
}
