import Foundation
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

@Suite("Errors are clear and leave nothing behind")
struct ErrorTests {
    @Test func attachToAMissingKey() throws {
        let key = uniqueKey("missing")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        let error = #expect(throws: SharedMemoryError.self) { try memory.attach() }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains(memory.nativeKey) == true)
        #expect(error?.message.contains("must be started first") == true)
        #expect(!fileExists(memory.nativeKey))
        #expect(!fileExists(memory.semaphoreNativeKey))

        let result = try ctl(["dump", "--key", key])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("does not exist"))
    }

    @Test(arguments: [0, -1, Int.min])
    func invalidSizes(size: Int) throws {
        let key = uniqueKey("size")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        let error = #expect(throws: SharedMemoryError.self) { try memory.create(size: size) }
        #expect(error?.code == .invalidSize)
        #expect(!memory.isAttached)
        #expect(!fileExists(memory.nativeKey))
        #expect(!fileExists(memory.semaphoreNativeKey))
    }

    @Test func ctlRejectsASizeOfZero() throws {
        let result = try ctl(["create", "--key", uniqueKey("ctlsize"), "--size", "0"])
        #expect(result.status == 2)   // a usage error, as for every refused option value (issue 14)
        #expect(result.stderr.contains("--size 0 is too small"))
    }

    @Test func emptyKey() throws {
        let memory = SharedMemory(key: "")
        #expect(memory.nativeKey == "")
        #expect((#expect(throws: SharedMemoryError.self) { try memory.create(size: 10) })?.code == .keyError)
        #expect((#expect(throws: SharedMemoryError.self) { try memory.attach() })?.code == .keyError)
        #expect((#expect(throws: SharedMemoryError.self) { try memory.lock() })?.code == .keyError)
    }

    @Test func createTwiceInOneInstance() throws {
        let key = uniqueKey("twice")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        try memory.create(size: 10)
        defer { memory.detach() }
        #expect((#expect(throws: SharedMemoryError.self) { try memory.create(size: 10) })?.code == .alreadyExists)
        #expect((#expect(throws: SharedMemoryError.self) { try memory.attach() })?.code == .alreadyExists)
    }

    @Test func aSymlinkAtTheKeyPathIsNeverFollowed() throws {
        let key = uniqueKey("symlink")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        let target = memory.nativeKey + ".target"
        #expect(symlink(target, memory.nativeKey) == 0)
        defer { unlink(memory.nativeKey); unlink(target) }
        let error = #expect(throws: SharedMemoryError.self) { try memory.create(size: 10) }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("symbolic link") == true)
        #expect(!fileExists(target))
        #expect((#expect(throws: SharedMemoryError.self) { try memory.attach() })?.code == .permissionDenied)
    }

    @Test func aKeyFileThatIsNotOursIsRefused() throws {
        let key = uniqueKey("notours")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        let fd = open(memory.nativeKey, O_CREAT | O_EXCL | O_WRONLY, 0o640)
        #expect(fd >= 0)
        close(fd)
        defer { unlink(memory.nativeKey) }
        // Owned by someone else (chown needs root; otherwise the check cannot be staged).
        try #require(geteuid() == 0 || chown(memory.nativeKey, 65534, 65534) == 0,
                     "needs root to give the file to another user")
        #expect(chown(memory.nativeKey, 65534, 65534) == 0)
        let error = #expect(throws: SharedMemoryError.self) { try memory.create(size: 10) }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message.contains("owned by uid 65534") == true)
    }

    @Test func aDirectoryAtTheKeyPathIsRefused() throws {
        let key = uniqueKey("dir")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        #expect(mkdir(memory.nativeKey, 0o700) == 0)
        defer { rmdir(memory.nativeKey) }
        let error = #expect(throws: SharedMemoryError.self) { try memory.create(size: 10) }
        #expect(error?.code == .keyError)
        #expect(error?.message.contains("not a regular file") == true)
    }

    @Test func ctlExitCodes() throws {
        #expect(try ctl(["--help"]).status == 0)
        #expect(try ctl(["info", "--help"]).status == 0)
        #expect(try ctl([]).status == 2)
        #expect(try ctl(["frobnicate"]).status == 2)
        #expect(try ctl(["create", "--size", "many"]).status == 2)
        #expect(try ctl(["hold-lock", "--key", uniqueKey("usage")]).status == 2)
        let missing = try ctl(["info", "--key", uniqueKey("none")])
        #expect(missing.status == 1)
        #expect(missing.stderr.split(separator: "\n").count == 1)
    }
}
