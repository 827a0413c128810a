import Foundation
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

@Suite("The System V semaphore lock")
struct LockTests {
    /// A segment made by a `sharedmemory-ctl create` process, attached here, and locked by a
    /// `sharedmemory-ctl hold-lock` process. Attached first: attach itself waits for the lock, as in Qt.
    private func segmentLockedByAnotherProcess(_ key: String) throws -> (creator: Spawned, memory: SharedMemory, holder: Spawned) {
        let creator = try Spawned(["create", "--key", key, "--size", "128"])
        let memory = SharedMemory(key: key)
        try memory.attach()
        let holder = try Spawned(["hold-lock", "--key", key, "--seconds", "120"])
        return (creator, memory, holder)
    }

    @Test func holderKilledWithSIGKILLDoesNotBlockTheNextLocker() throws {
        let key = uniqueKey("killholder")
        defer { removeLeftovers(key) }
        let (creator, memory, holder) = try segmentLockedByAnotherProcess(key)
        defer { memory.detach() }
        #expect(holder.firstLine == "locked by pid \(holder.pid)")

        #expect(try memory.tryLock() == false)
        let info = try SharedMemory.info(key: key)
        #expect(info.semaphore?.value == 0)
        #expect(info.semaphore?.lastPID == holder.pid)

        holder.stop(SIGKILL)
        #expect(holder.process.terminationReason == .uncaughtSignal)
        #expect(try memory.lock(timeout: .seconds(5)) == true)
        try memory.unlock()
        memory.detach()
        #expect(creator.stop() == 0)
    }

    @Test func timeoutsAndTheHolderPid() throws {
        let key = uniqueKey("timeout")
        defer { removeLeftovers(key) }
        let (creator, memory, holder) = try segmentLockedByAnotherProcess(key)
        defer { memory.detach() }

        var locked = true
        let waited = try elapsed { locked = try memory.lock(timeout: .milliseconds(300)) }
        #expect(!locked)
        #expect(waited >= .milliseconds(300) && waited < .seconds(3))

        let error = #expect(throws: SharedMemoryError.self) {
            try memory.withLock(timeout: .milliseconds(100)) { _ in }
        }
        #expect(error?.code == .lockError)
        #expect(error?.message.contains("held by pid \(holder.pid)") == true)

        // attach waits for the same lock, but not forever.
        let other = SharedMemory(key: key)
        other.setupLockTimeout = .milliseconds(300)
        let attachError = #expect(throws: SharedMemoryError.self) { try other.attach() }
        #expect(attachError?.code == .lockError)
        #expect(attachError?.message.contains("\(holder.pid)") == true)
        #expect(!other.isAttached)

        #expect(holder.stop(SIGTERM) == 0)  // unlocks on the way out
        #expect(try memory.lock(timeout: .seconds(5)))
        try memory.unlock()
        #expect(creator.stop() == 0)
    }

    @Test func instancesInOneProcessExcludeEachOther() throws {
        let key = uniqueKey("inproc")
        defer { removeLeftovers(key) }
        let first = SharedMemory(key: key)
        try first.create(size: 32)
        defer { first.detach() }
        let second = SharedMemory(key: key)
        try second.attach()
        defer { second.detach() }

        try first.lock()
        #expect(try second.tryLock() == false)
        #expect(throws: SharedMemoryError.self) { try first.lock() }  // not recursive
        try first.unlock()
        #expect(try second.tryLock() == true)
        try second.unlock()
        let error = #expect(throws: SharedMemoryError.self) { try second.unlock() }
        #expect(error?.code == .lockError)
    }

    /// The body cannot throw (withLock's errors are the lock's); a failure it carries out as a
    /// `Result` still leaves the lock free.
    @Test func withLockUnlocksWhenTheBodyFails() throws {
        let key = uniqueKey("withlock")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        try memory.create(size: 16)
        defer { memory.detach() }
        struct Boom: Error {}
        let outcome = try memory.withLock { _ in Result<Void, Boom>.failure(Boom()) }
        #expect(throws: Boom.self) { try outcome.get() }
        #expect(try memory.tryLock())
        try memory.unlock()
        let value = try memory.withLock(timeout: .seconds(1)) { bytes -> UInt8 in
            bytes[0] = 42
            return bytes[0]
        }
        #expect(value == 42)
    }
}

/// The types are used from the main actor (the GTK programs do) without any warning.
@MainActor
@Test func usableFromTheMainActor() throws {
    let key = uniqueKey("mainactor")
    defer { removeLeftovers(key) }
    let memory = SharedMemory(key: key)
    try memory.create(size: 8)
    let first = try memory.withLock { $0[0] }
    #expect(first == 0)
    memory.detach()
}

/// Four instances on four threads increment a counter with a deliberately slow
/// read-yield-write; only real mutual exclusion gives the exact total.
@Test func theLockExcludesConcurrentWriters() throws {
    let key = uniqueKey("counter")
    defer { removeLeftovers(key) }
    let owner = SharedMemory(key: key)
    try owner.create(size: 8)
    defer { owner.detach() }
    let rounds = 300
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
        let memory = SharedMemory(key: key)
        guard (try? memory.attach()) != nil else { return }
        for _ in 0..<rounds {
            _ = try? memory.withLock(timeout: .seconds(10)) { bytes in
                let value = bytes.load(as: UInt64.self)
                sched_yield()
                bytes.storeBytes(of: value + 1, as: UInt64.self)
            }
        }
        memory.detach()
    }
    let total = try owner.withLock { $0.load(as: UInt64.self) }
    #expect(total == UInt64(4 * rounds))
}
