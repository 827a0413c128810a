import Foundation
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

/// The POSIX backend on its own (the Qt 6 side is in InteropTests): names, cleanup, stale
/// segments, bounded waits, repair.
@Suite("POSIX backend")
struct PosixBackendTests {
    /// A unique POSIX key and its files in /dev/shm.
    static func key(_ name: String) -> NativeIpcKey { .platformSafe(uniqueKey(name)) }

    static func files(_ key: NativeIpcKey) -> [String] {
        ["/dev/shm" + key.nativeKey, "/dev/shm/sem." + key.semaphoreKey.nativeKey.dropFirst()].filter(fileExists)
    }

    static func cleanUp(_ key: NativeIpcKey) { try? SharedMemory.removePosix(key, force: true) }

    @Test(arguments: [
        ("/a/b", "no \"/\" after the first character"),
        ("/", "empty"),
        ("/" + String(repeating: "x", count: 252), "at most 251"),
        ("/..", "not a file name"),
        ("noslash", "starts with \"/\""),
    ])
    func badNamesAreRefusedBeforeAnythingIsMade(name: String, reason: String) {
        let key = NativeIpcKey(name, type: .posixRealtime)
        let memory = SharedMemory(nativeKey: key)
        do {
            try memory.create(size: 64)
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.code == .keyError)
            #expect(error.message.contains(reason), "\(error.message)")
        }
        #expect(throws: SharedMemoryError.self) { try NativeIpcKey.fromOptions(key: "k", type: .legacy, nativeKey: "posix:" + name) }
    }

    @Test func optionsMakeQtsKeys() throws {
        #expect(try NativeIpcKey.fromOptions(key: "k", type: .legacy, nativeKey: nil) == .legacy("k"))
        #expect(try NativeIpcKey.fromOptions(key: "k", type: .posix, nativeKey: nil).description == "posix:/k")
        #expect(try NativeIpcKey.fromOptions(key: "ignored", type: .legacy, nativeKey: "posix:/a%25b").nativeKey == "/a%b")
        #expect(throws: SharedMemoryError.self) { try NativeIpcKey.fromOptions(key: "", type: .posix, nativeKey: nil) }
        #expect(throws: SharedMemoryError.self) { try NativeIpcKey.fromOptions(key: "k", type: .legacy, nativeKey: "windows:x") }
        #expect(throws: SharedMemoryError.self) { try NativeIpcKey.fromOptions(key: "k", type: .legacy, nativeKey: "posix://h/x") }
    }

    @Test func twoInstancesShareTheSegmentAndTheLastOneOutCleansUp() throws {
        let key = Self.key("posix share")
        defer { Self.cleanUp(key) }
        let creator = SharedMemory(nativeKey: key)
        try creator.create(size: 5000)
        #expect(creator.size == 5000)
        #expect(Self.files(key).count == 2)
        let reader = SharedMemory(nativeKey: key)
        try reader.attach(access: .readOnly)
        #expect(reader.accessMode == .readOnly && reader.size == 5000)
        try creator.withLock(timeout: .seconds(1)) { $0.copyBytes(from: Array("posix\0".utf8)) }
        #expect(try reader.withLock(timeout: .seconds(1)) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } == "posix")
        creator.detach()
        #expect(Self.files(key).count == 2, "the reader still maps it: it must stay")
        #expect(reader.unreachableReason() == nil)
        reader.detach()
        #expect(Self.files(key) == [], "the last one out must unlink segment and semaphore")
    }

    @Test func aSegmentNobodyMapsIsReplacedOneInUseIsNot() throws {
        let key = Self.key("posix stale")
        defer { Self.cleanUp(key) }
        // A leftover as Qt leaves it: made, sized, closed, never unlinked.
        let fd = shm_open(key.nativeKey, O_RDWR | O_CREAT | O_EXCL, 0o600)
        #expect(fd >= 0)
        #expect(ftruncate(fd, 77) == 0)
        close(fd)
        #expect(try SharedMemory.posixInfo(key).isStale)
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 1234)
        #expect(memory.size == 1234)
        #expect(try SharedMemory.posixInfo(key).isStale == false)

        let second = SharedMemory(nativeKey: key)
        #expect { try second.create(size: 10) } throws: { error in
            let error = error as? SharedMemoryError
            return error?.code == .alreadyExists && error?.message.contains("mapped by pid \(getpid())") == true
        }
        #expect(throws: SharedMemoryError.self) { try SharedMemory.removePosix(key, force: false) }
        memory.detach()
        #expect(Self.files(key) == [])
    }

    @Test func lockExcludesAndWaitsAreBounded() throws {
        let key = Self.key("posix lock")
        defer { Self.cleanUp(key) }
        let a = SharedMemory(nativeKey: key), b = SharedMemory(nativeKey: key)
        try a.create(size: 64)
        defer { a.detach() }
        b.setupLockTimeout = .milliseconds(200)
        try a.lock()
        #expect(try b.tryLock() == false)
        let start = ContinuousClock.now
        #expect(try b.lock(timeout: .milliseconds(150)) == false)
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(140))
        #expect { try b.attach() } throws: { ($0 as? SharedMemoryError)?.code == .lockError }
        try a.unlock()
        try b.attach()
        #expect(try b.tryLock())
        try b.unlock()
        b.detach()
        #expect(throws: SharedMemoryError.self) { try a.unlock() }
    }

    /// Our own holder SIGKILLed: nothing gives a POSIX lock back, so every wait must end within its
    /// bound and name the repair; the repair refuses while the segment is mapped unless forced.
    @Test func killedHolderFailsWithinTheBoundAndRepairWorks() throws {
        let key = Self.key("posix killed")
        defer { Self.cleanUp(key) }
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 64)
        defer { memory.detach() }
        let holder = try Spawned(["hold-lock", "--native-key", key.description, "--seconds", "60"])
        #expect(holder.firstLine == "locked by pid \(holder.pid)")
        holder.stop(SIGKILL)
        #expect(try SharedMemory.posixInfo(key).semaphoreValue == 0)

        let reader = SharedMemory(nativeKey: key)
        reader.setupLockTimeout = .milliseconds(300)
        let took = elapsed {
            #expect { try reader.attach() } throws: { error in
                (error as? SharedMemoryError)?.message.contains("sharedmemory-ctl repair --native-key '\(key)'") == true
            }
        }
        #expect(took < .seconds(2))
        let refused = try ctl(["repair", "--native-key", key.description])
        #expect(refused.status == 1 && refused.stderr.contains("pid \(getpid())"), "\(refused.stderr)")
        let repaired = try ctl(["repair", "--native-key", key.description, "--force"])
        #expect(repaired.status == 0 && repaired.text.contains("released"), "\(repaired.stderr)")
        #expect(try SharedMemory.repairLock(key, force: true) == .wasFree)
        try reader.attach()
        reader.detach()
    }

    @Test func repairWithoutASemaphoreSaysSo() throws {
        #expect(try SharedMemory.repairLock(Self.key("posix none"), force: false) == .noSemaphore)
    }

    @Test func unlinkedUnderUsIsSeen() throws {
        let key = Self.key("posix unlinked")
        defer { Self.cleanUp(key) }
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 64)
        defer { memory.detach() }
        #expect(memory.unreachableReason() == nil)
        try SharedMemory.removePosix(key, force: true)
        #expect(memory.unreachableReason()?.contains("unlinked") == true)
    }
}

@Suite("Key strings in sharedmemory-ctl")
struct CtlKeyOptionTests {
    @Test func infoShowsTheStringFormForEveryKeyType() throws {
        let name = uniqueKey("ctl keys")
        for (arguments, expected) in [
            (["--key", name, "--key-type", "posix"], "key: " + NativeIpcKey.platformSafe(name).description),
            (["--key", name], "native key string: " + NativeIpcKey.legacy(name).description),
        ] {
            let creator = try Spawned(["create"] + arguments + ["--size", "64"])
            defer { creator.stop() }
            let info = try ctl(["info"] + arguments)
            #expect(info.status == 0 && info.text.contains(expected), "\(info.text) \(info.stderr)")
            // What info prints is what --native-key takes.
            let string = expected.components(separatedBy: ": ").last!
            #expect(try ctl(["info", "--native-key", string]).status == 0)
        }
    }

    @Test func badKeysAreUsageErrorsAndMakeNothing() throws {
        for arguments in [["--native-key", "posix:/a/b"], ["--native-key", "nope:/x"],
                          ["--key", String(repeating: "k", count: 300), "--key-type", "posix"],
                          ["--key", "k", "--key-type", "sysv"]] {
            let result = try ctl(["create", "--size", "64"] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
    }
}

extension PosixBackendTests {
    /// lock() without a timeout waits as long as a live process holds the lock, but ends with
    /// lockError once nobody can ever give it back (the holder was killed, no other process has
    /// the semaphore open).
    @Test func anUnboundedLockEndsOnlyWhenTheLockIsAbandoned() throws {
        let key = Self.key("posix abandoned")
        defer { Self.cleanUp(key) }
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 64)
        defer { memory.detach() }

        let live = try Spawned(["hold-lock", "--native-key", key.description, "--seconds", "1.5"])
        #expect(live.firstLine == "locked by pid \(live.pid)")
        let start = ContinuousClock.now
        try memory.lock()   // waits for the live holder, more than one 1 s slice
        #expect(ContinuousClock.now - start > .seconds(1))
        try memory.unlock()
        live.stop()

        let killed = try Spawned(["hold-lock", "--native-key", key.description, "--seconds", "60"])
        killed.stop(SIGKILL)
        #expect { try memory.lock() } throws: { error in
            (error as? SharedMemoryError)?.message.contains("a process was killed holding it") == true
        }
        #expect(try SharedMemory.repairLock(key, force: true) == .released)
        try memory.lock()
        try memory.unlock()
    }
}

/// /dev/shm is shared by every user: another user's object under our name is refused, and
/// another user cannot use ours (mode 0600).
@Suite(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
                "needs root and runuser to act as nobody"))
struct PosixCrossUserTests {
    @Test func objectsOfAnotherUserAreRefusedAndOursAreClosedToThem() throws {
        let key = PosixBackendTests.key("posix planted")
        defer { PosixBackendTests.cleanUp(key) }
        let path = "/dev/shm" + key.nativeKey
        let plant = try run("/usr/sbin/runuser", ["-u", "nobody", "--", "/usr/bin/python3", "-c",
            "import os, sys; fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR, 0o666); os.fchmod(fd, 0o666); os.ftruncate(fd, 64)",
            path])
        #expect(plant.status == 0, "\(plant.output)")
        let memory = SharedMemory(nativeKey: key)
        #expect { try memory.attach() } throws: { error in
            let error = error as? SharedMemoryError
            return error?.code == .permissionDenied && error?.message.contains("owned by uid") == true
        }
        #expect { try memory.create(size: 64) } throws: { ($0 as? SharedMemoryError)?.code == .alreadyExists }
        unlink(path)

        try memory.create(size: 64)
        defer { memory.detach() }
        let dump = try run("/usr/sbin/runuser", ["-u", "nobody", "--", ctlPath, "dump", "--native-key", key.description])
        #expect(dump.status == 1 && dump.output.contains("EACCES"), "\(dump.output)")
        let remove = try run("/usr/sbin/runuser", ["-u", "nobody", "--", ctlPath, "remove", "--force", "--native-key", key.description])
        #expect(remove.status == 1, "\(remove.output)")
        #expect(PosixBackendTests.files(key).count == 2)
    }
}

extension PosixBackendTests {
    /// Qt's `create` unlinks an existing semaphore and makes a new one (and its creator unlinks it
    /// on exit): the next lock follows the name instead of waiting on the orphan.
    @Test func aReplacedSemaphoreIsFollowed() throws {
        let key = Self.key("posix replaced sem")
        defer { Self.cleanUp(key) }
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 64)
        defer { memory.detach() }
        sem_unlink(key.semaphoreKey.nativeKey)
        try memory.withLock(timeout: .seconds(1)) { _ in }
        // The name leads to the semaphore we use now: another instance excludes us through it.
        let other = SharedMemory(nativeKey: key)
        try other.attach()
        try other.lock()
        #expect(try memory.tryLock() == false)
        try other.unlock()
        other.detach()
    }
}
