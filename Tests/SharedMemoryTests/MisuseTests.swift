import Foundation
import Synchronization
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

/// Every public entry point given bad arguments or called out of order: a typed error with the
/// right code (or the documented harmless result), never a crash, a hang or a leak. Each case
/// runs with a legacy (System V) key and a POSIX key.
@Suite("Safe to misuse")
struct MisuseTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case systemV, posix
        var testDescription: String { rawValue }
        func key(_ name: String) -> NativeIpcKey {
            let unique = uniqueKey(name)
            return self == .systemV ? .legacy(unique) : .platformSafe(unique)
        }
    }

    /// Removes everything left for `key`, whatever its kind.
    static func cleanUp(_ key: NativeIpcKey) { try? SharedMemory.remove(key, force: true) }

    static func lockAndUnlock(_ memory: SharedMemory) throws(SharedMemoryError) {
        try memory.lock()
        try memory.unlock()
    }

    /// The code of the error `body` throws, nil when it throws none.
    static func code<T>(_ body: @autoclosure () throws(SharedMemoryError) -> T) -> SharedMemoryError.Code? {
        do throws(SharedMemoryError) { _ = try body() } catch { return error.code }
        return nil
    }

    @Test(arguments: Kind.allCases, [0, -1, -4096, Int.min])
    func sizesBelowOneAreRefused(kind: Kind, size: Int) {
        let key = kind.key("size")
        defer { Self.cleanUp(key) }
        let memory = SharedMemory(nativeKey: key)
        #expect(Self.code(try memory.create(size: size)) == .invalidSize)
        #expect(!memory.isAttached)
        #expect(Self.code(try SharedMemory.info(key)) == .notFound || key.type == .posixRealtime)
    }

    @Test(arguments: Kind.allCases)
    func sizesBeyondTheSystemAreRefused(kind: Kind) {
        let key = kind.key("huge")
        defer { Self.cleanUp(key) }
        let memory = SharedMemory(nativeKey: key)
        // Int.max bytes: the kernel says ENOMEM (shmget) or ENOSPC/EFBIG (ftruncate) depending on
        // its limits: a size error or an out-of-memory one, in one line.
        let code = Self.code(try memory.create(size: Int.max))
        #expect(code == .invalidSize || code == .outOfResources, "\(String(describing: code))")
        #expect(!memory.isAttached)
        #expect(memory.size == 0)
    }

    @Test(arguments: Kind.allCases)
    func anEmptyKeyIsAKeyErrorEverywhere(kind: Kind) {
        let memory = kind == .systemV ? SharedMemory(key: "") : SharedMemory(nativeKey: NativeIpcKey("", type: .posixRealtime))
        #expect(Self.code(try memory.create(size: 64)) == .keyError)
        #expect(Self.code(try memory.attach()) == .keyError)
        #expect(Self.code(try memory.lock()) == .keyError)
        #expect(Self.code(try memory.tryLock()) == .keyError)
        #expect(Self.code(try memory.lock(timeout: .seconds(1))) == .keyError)
        #expect(Self.code(try memory.unlock()) == .lockError)
        #expect(Self.code(try memory.withLock { _ in 0 }) == .notFound)
        memory.detach()
        #expect(Self.code(try SharedMemory.info(NativeIpcKey("", type: kind == .systemV ? .systemV : .posixRealtime))) == .keyError)
    }

    /// 10,000 bytes: ASCII, and two-byte characters (whose native key keeps no letters).
    enum LongName: String, CaseIterable, CustomTestStringConvertible {
        case ascii, twoByteCharacters
        var testDescription: String { rawValue }
        var text: String { self == .ascii ? String(repeating: "k", count: 10_000) : String(repeating: "é", count: 5_000) }
    }

    @Test(arguments: Kind.allCases, LongName.allCases)
    func aTenThousandByteKeyIsAKeyError(kind: Kind, longName: LongName) {
        let name = longName.text
        let key: NativeIpcKey = kind == .systemV ? .legacy(name) : .platformSafe(name)
        let memory = kind == .systemV ? SharedMemory(key: name) : SharedMemory(nativeKey: key)
        defer { Self.cleanUp(key) }
        // A legacy key hashes into a short native key (Qt's rule); its letters may still be too many.
        let created = Self.code(try memory.create(size: 64))
        if created == nil {
            #expect(memory.isAttached)
            memory.detach()
        } else {
            #expect(created == .keyError)
            #expect(Self.code(try memory.attach()) == .keyError)
        }
        #expect(Self.code(try Self.lockAndUnlock(memory)) == created)
        memory.detach()
    }

    @Test(arguments: Kind.allCases)
    func detachTwiceAndWithoutAttachIsHarmless(kind: Kind) throws {
        let key = kind.key("detach")
        defer { Self.cleanUp(key) }
        let never = SharedMemory(nativeKey: key)
        never.detach()
        never.detach()
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 64)
        memory.detach()
        memory.detach()
        #expect(!memory.isAttached && memory.size == 0 && memory.data == nil && memory.accessMode == nil)
        // Detached means gone: the last one out removed it, so it can be made again.
        try memory.create(size: 64)
        memory.detach()
    }

    @Test(arguments: Kind.allCases)
    func attachOrCreateTwiceIsAlreadyExists(kind: Kind) throws {
        let key = kind.key("twice")
        defer { Self.cleanUp(key) }
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 64)
        defer { memory.detach() }
        #expect(Self.code(try memory.create(size: 64)) == .alreadyExists)
        #expect(Self.code(try memory.attach()) == .alreadyExists)
        let other = SharedMemory(nativeKey: key)
        #expect(Self.code(try other.create(size: 64)) == .alreadyExists)
        #expect(!other.isAttached)
    }

    /// As in Qt, the lock works without a segment; withLock needs one. Nothing is left behind.
    @Test(arguments: Kind.allCases)
    func lockWithoutAttachWorksAndLeavesNothing(kind: Kind) throws {
        let key = kind.key("lockonly")
        defer { Self.cleanUp(key) }
        let memory = SharedMemory(nativeKey: key)
        try memory.lock()
        #expect(Self.code(try memory.lock()) == .lockError)   // not recursive
        try memory.unlock()
        #expect(Self.code(try memory.unlock()) == .lockError)  // not held
        #expect(Self.code(try memory.withLock { _ in 0 }) == .notFound)
        #expect(try memory.tryLock())
        memory.detach()   // gives the lock back
        let other = SharedMemory(nativeKey: key)
        #expect(try other.lock(timeout: .zero))
        try other.unlock()
        other.detach()
        memory.detach()
        #expect(Self.code(try SharedMemory.info(key)) == .notFound || kind == .posix)
        if kind == .posix { #expect(Self.code(try SharedMemory.posixInfo(key)) == .notFound) }
    }

    /// Zero, negative and absurdly long timeouts: a try, a try, and a wait that ends at once on a free lock.
    @Test(arguments: Kind.allCases, [Duration.zero, .seconds(-5), .seconds(Int64.max), .nanoseconds(1)])
    func anyTimeoutIsSafe(kind: Kind, timeout: Duration) throws {
        let key = kind.key("timeout")
        defer { Self.cleanUp(key) }
        let memory = SharedMemory(nativeKey: key)
        memory.setupLockTimeout = timeout
        let created = Self.code(try memory.create(size: 64))
        #expect(created == nil || (timeout <= .zero && created == .lockError))
        #expect(try memory.lock(timeout: timeout))
        let other = SharedMemory(nativeKey: key)
        if timeout < .seconds(1) { #expect(try other.lock(timeout: timeout) == false) }
        try memory.unlock()
        memory.detach()
        other.detach()
    }

    /// `ipcrm -m`/`ipcrm -s` while attached (System V): the mapping stays usable, the lock is made
    /// again, the loss is reported, and detach and a new create work.
    @Test func useAfterIpcrm() throws {
        let key = uniqueKey("ipcrm")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        try memory.create(size: 4096)
        let info = try SharedMemory.info(key: key)
        let segment = try #require(info.segment), semaphore = try #require(info.semaphore)
        try SystemVSegment.remove(id: segment.id)       // ipcrm -m
        try SystemVSemaphore.remove(id: semaphore.id)   // ipcrm -s
        #expect(memory.unreachableReason() != nil)
        #expect(try memory.withLock(timeout: .seconds(1)) { bytes in bytes[0] = 7; return bytes[0] } == 7)
        #expect(try memory.tryLock())
        try memory.unlock()
        memory.detach()
        let again = SharedMemory(key: key)
        try again.create(size: 4096)
        again.detach()
    }

    /// `shm_unlink`/`sem_unlink` while attached (POSIX): the same promises.
    @Test func useAfterShmUnlink() throws {
        let key = NativeIpcKey.platformSafe(uniqueKey("unlink"))
        defer { Self.cleanUp(key) }
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 4096)
        #expect(shm_unlink(key.nativeKey) == 0)
        #expect(sem_unlink(key.semaphoreKey.nativeKey) == 0)
        #expect(memory.unreachableReason() != nil)
        #expect(try memory.withLock(timeout: .seconds(1)) { bytes in bytes[0] = 7; return bytes[0] } == 7)
        memory.detach()
        memory.detach()
        let again = SharedMemory(nativeKey: key)
        try again.create(size: 4096)
        again.detach()
    }

    /// A futex word must be 4-byte aligned: a misaligned address is refused, not a crash.
    @Test func aMisalignedWakeWordIsRefused() {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
        defer { buffer.deallocate() }
        #expect(SharedWord(buffer + 1) == nil)
        #expect(SharedWord(buffer + 4) != nil)
    }

    /// Reading through a read-only attachment works; the mode is reported so a caller can tell.
    @Test(arguments: Kind.allCases)
    func readOnlyIsReported(kind: Kind) throws {
        let key = kind.key("readonly")
        defer { Self.cleanUp(key) }
        let creator = SharedMemory(nativeKey: key)
        try creator.create(size: 64)
        defer { creator.detach() }
        let reader = SharedMemory(nativeKey: key)
        try reader.attach(access: .readOnly)
        defer { reader.detach() }
        #expect(reader.accessMode == .readOnly)
        #expect(reader.prefault(byteCount: 64) == false)   // never writes through a read-only mapping
        #expect(creator.prefault(byteCount: -5))            // a negative count does nothing
        #expect(try reader.withLock { $0[0] } == 0)
    }

    /// Many threads, one instance each, on one key: every increment under the lock survives, and
    /// attach/detach/create races end in a typed error at worst.
    @Test(arguments: Kind.allCases)
    func manyThreadsAtOnce(kind: Kind) throws {
        let key = kind.key("threads")
        defer { Self.cleanUp(key) }
        let owner = SharedMemory(nativeKey: key)
        try owner.create(size: 64)
        defer { owner.detach() }
        let threads = 8, rounds = 200
        // Real threads (not the cooperative pool, as wide as the cores): all eight at once.
        let found = Mutex<[String]>([])
        let done = DispatchGroup()
        for index in 0..<threads {
            done.enter()
            Thread.detachNewThread {
                let problems = Self.hammer(key, index: index, rounds: rounds)
                found.withLock { $0 += problems }
                done.leave()
            }
        }
        done.wait()
        let unexpected = found.withLock { $0 }
        #expect(unexpected.isEmpty, "\(unexpected)")
        #expect(try owner.withLock { $0.load(as: UInt32.self) } == UInt32(threads * rounds))
    }

    /// One thread of `manyThreadsAtOnce`: increments under the lock, then races attach/detach.
    static func hammer(_ key: NativeIpcKey, index: Int, rounds: Int) -> [String] {
        var problems: [String] = []
        let memory = SharedMemory(nativeKey: key)
        do throws(SharedMemoryError) {
            try memory.attach()
            for _ in 0..<rounds {
                try memory.withLock(timeout: .seconds(10)) { bytes in
                    bytes.storeBytes(of: bytes.load(as: UInt32.self) + 1, as: UInt32.self)
                }
            }
        } catch {
            problems.append("thread \(index): \(error.code): \(error.message)")
        }
        memory.detach()
        // Racing create/attach/detach on a second instance: typed errors only.
        let racer = SharedMemory(nativeKey: key)
        for _ in 0..<20 {
            if let code = Self.code(try racer.attach()), code != .notFound, code != .lockError {
                problems.append("racer \(index): \(code)")
            }
            racer.detach()
        }
        return problems
    }
}
