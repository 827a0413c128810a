import Foundation
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

@Suite("Stale segments, cleanup and permissions")
struct StaleAndCleanupTests {
    @Test func creatorKilledLeavesAStaleSegmentThatCreateReplaces() throws {
        let key = uniqueKey("stale")
        defer { removeLeftovers(key) }
        let creator = try Spawned(["create", "--key", key, "--size", "256"])
        let live = try SharedMemory.info(key: key)
        let oldID = try #require(live.segment?.id)
        #expect(live.segment?.creatorPID == creator.pid)
        #expect(live.segment?.isStale == false)

        creator.stop(SIGKILL)
        let stale = try SharedMemory.info(key: key)
        #expect(stale.segment?.id == oldID)
        #expect(stale.segment?.attachedCount == 0)
        #expect(stale.segment?.creatorIsAlive == false)
        #expect(stale.segment?.isStale == true)

        let memory = SharedMemory(key: key)
        try memory.create(size: 512)
        #expect(memory.size == 512)
        #expect(!segmentExists(oldID))
        let fresh = try SharedMemory.info(key: key)
        #expect(fresh.segment?.id != oldID)
        #expect(fresh.segment?.creatorPID == getpid())
        #expect(try memory.tryLock())  // the old semaphore was left free by SEM_UNDO
        try memory.unlock()
        memory.detach()
        #expect(throws: SharedMemoryError.self) { try SharedMemory.info(key: key) }
    }

    @Test func aLiveSegmentIsNeverReplaced() throws {
        let key = uniqueKey("live")
        defer { removeLeftovers(key) }
        let creator = try Spawned(["create", "--key", key, "--size", "256"])
        let id = try #require(try SharedMemory.info(key: key).segment?.id)
        let memory = SharedMemory(key: key)
        let error = #expect(throws: SharedMemoryError.self) { try memory.create(size: 256) }
        #expect(error?.code == .alreadyExists)
        #expect(error?.message.contains("\(creator.pid)") == true)
        #expect(!memory.isAttached)
        #expect(try SharedMemory.info(key: key).segment?.id == id)
        #expect(try SharedMemory.info(key: key).segment?.attachedCount == 1)

        // ctl remove refuses too, unless forced.
        let refused = try ctl(["remove", "--key", key])
        #expect(refused.status == 1)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(segmentExists(id))
        #expect(creator.stop() == 0)
        #expect(!segmentExists(id))
    }

    @Test func ctlRemoveClearsWhatACrashLeft() throws {
        let key = uniqueKey("remove")
        defer { removeLeftovers(key) }
        let creator = try Spawned(["create", "--key", key, "--size", "256"])
        let info = try SharedMemory.info(key: key)
        creator.stop(SIGKILL)
        let removed = try ctl(["remove", "--key", key])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(!segmentExists(try #require(info.segment?.id)))
        #expect(!semaphoreExists(try #require(info.semaphore?.id)))
        #expect(!fileExists(info.nativeKey))
        #expect(!fileExists(info.semaphoreNativeKey))
        #expect(try ctl(["info", "--key", key]).status == 1)
    }

    @Test func nothingIsLeftAfterCleanExits() throws {
        let key = uniqueKey("clean")
        defer { removeLeftovers(key) }
        let creator = try Spawned(["create", "--key", key, "--size", "4096", "--stamp"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("smtest-clean-\(getpid())-\(UUID())")
        try Data("some text".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try ctl(["load", "--key", key, file.path]).status == 0)
        #expect(try ctl(["dump", "--key", key]).text == "some text")
        #expect(try ctl(["hold-lock", "--key", key, "--seconds", "0"]).status == 0)
        #expect(try ctl(["info", "--key", key]).status == 0)
        let info = try SharedMemory.info(key: key)
        let shmid = try #require(info.segment?.id)
        let semid = try #require(info.semaphore?.id)
        #expect(ipcsIDs("-m").contains(shmid))
        #expect(ipcsIDs("-s").contains(semid))

        #expect(creator.stop(SIGTERM) == 0)
        #expect(!segmentExists(shmid))
        #expect(!semaphoreExists(semid))
        #expect(!ipcsIDs("-m").contains(shmid))
        #expect(!ipcsIDs("-s").contains(semid))
        #expect(!fileExists(info.nativeKey))
        #expect(!fileExists(info.semaphoreNativeKey))
    }

    @Test func theLastOneOutRemovesEverything() throws {
        let key = uniqueKey("lastout")
        defer { removeLeftovers(key) }
        let creator = SharedMemory(key: key)
        try creator.create(size: 64)
        let user = SharedMemory(key: key)
        try user.attach()
        let info = try SharedMemory.info(key: key)
        let shmid = try #require(info.segment?.id)
        let semid = try #require(info.semaphore?.id)
        #expect(info.segment?.attachedCount == 2)

        creator.detach()
        creator.detach()  // idempotent
        #expect(segmentExists(shmid))
        #expect(semaphoreExists(semid))  // still guards the segment the other one uses
        #expect(try SharedMemory.info(key: key).segment?.attachedCount == 1)
        user.detach()
        #expect(!segmentExists(shmid))
        #expect(!semaphoreExists(semid))
        #expect(!fileExists(info.nativeKey))
        #expect(!fileExists(info.semaphoreNativeKey))
    }

    /// Segment and semaphore 0600, key files 0640 even under a restrictive umask.
    @Test func permissions() throws {
        let key = uniqueKey("perms")
        defer { removeLeftovers(key) }
        let creator = try Spawned(["create", "--key", key, "--size", "64"], shell: "umask 077; exec")
        let info = try SharedMemory.info(key: key)
        #expect(info.segment?.permissions == 0o600)
        #expect(info.semaphore?.permissions == 0o600)
        #expect(info.keyFilePermissions == 0o640)
        #expect(info.semaphoreKeyFilePermissions == 0o640)
        var st = stat()
        #expect(lstat(info.nativeKey, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && st.st_mode & 0o777 == 0o640)
        #expect(ipcsOutput("-m").contains(" \(try #require(info.segment?.id)) "))
        #expect(creator.stop() == 0)
    }
}
