import Foundation
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

/// A seeded random walk over the public API: three instances of one key (System V and POSIX)
/// and the static calls, in any order, with any arguments. After every step the instance must be
/// in a consistent state; at the end, once everybody detached, nothing is left.
///
/// `SHAREDMEMORY_API_FUZZ_STEPS` and `SHAREDMEMORY_API_FUZZ_SEED` set the length and the seed
/// (the reliability suite runs it longer, Tests/reliability/process_faults.py).
@Suite("Public API fuzzing")
struct APIFuzzTests {
    static var steps: Int { Int(ProcessInfo.processInfo.environment["SHAREDMEMORY_API_FUZZ_STEPS"] ?? "") ?? 1_500 }
    static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["SHAREDMEMORY_API_FUZZ_SEED"] ?? "") ?? 20_261_207 }

    @Test(arguments: [false, true])
    func randomSequencesKeepEveryPromise(posix: Bool) throws {
        let name = uniqueKey("apifuzz")
        let key: NativeIpcKey = posix ? .platformSafe(name) : .legacy(name)
        defer { try? SharedMemory.remove(key, force: true) }
        var random = SplitMix64(seed: Self.seed &+ (posix ? 1 : 0))
        let instances = (0..<3).map { _ in SharedMemory(nativeKey: key) }
        for instance in instances { instance.setupLockTimeout = .milliseconds(50) }
        var trace: [String] = []
        let sizes = [-1, 0, 1, 7, 4096, 65_537, Int.max, Int.min]
        let timeouts: [Duration] = [.zero, .milliseconds(-3), .milliseconds(1), .milliseconds(20)]
        for step in 0..<Self.steps {
            let index = Int(random.next() % UInt64(instances.count))
            let memory = instances[index]
            let choice = random.next() % 15
            var failure: SharedMemoryError?
            do throws(SharedMemoryError) {
                switch choice {
                case 0: try memory.create(size: sizes[Int(random.next() % UInt64(sizes.count))])
                case 1: try memory.attach(access: random.next() % 2 == 0 ? .readOnly : .readWrite)
                case 2: memory.detach()
                case 3: _ = try memory.tryLock()
                case 4: _ = try memory.lock(timeout: timeouts[Int(random.next() % UInt64(timeouts.count))])
                case 5: try memory.unlock()
                case 6:
                    let write = memory.accessMode == .readWrite
                    _ = try memory.withLock(timeout: .milliseconds(20)) { bytes in
                        if write, !bytes.isEmpty { bytes[Int(random.next() % UInt64(bytes.count))] &+= 1 }
                        return bytes.count
                    }
                case 7: _ = memory.prefault(byteCount: Int(truncatingIfNeeded: random.next()))
                case 8: _ = memory.unreachableReason(); _ = memory.abandonment()
                case 9: _ = memory.otherInstancesOfThisProgram()
                case 10: _ = posix ? try SharedMemory.posixInfo(key) as Any : try SharedMemory.info(key) as Any
                case 11: memory.setupLockTimeout = timeouts[Int(random.next() % UInt64(timeouts.count))]
                case 13:
                    // Key strings: Qt's string form and native-key rules on arbitrary text.
                    let text = Self.randomKeyText(&random)
                    if let parsed = NativeIpcKey(string: text) { _ = parsed.problem; _ = parsed.description; _ = parsed.semaphoreKey }
                    _ = SharedMemory.nativeKey(for: text)
                    _ = try? NativeIpcKey.fromOptions(key: text, typeName: nil, nativeKey: text)
                case 12: if !instances.contains(where: { $0.isAttached }) { _ = try? SharedMemory.repairLock(key, force: false) }
                default: if memory.isAttached, memory.data?.isEmpty == false { _ = memory.data![0] }
                }
            } catch {
                failure = error
                #expect(!error.message.isEmpty)
            }
            trace.append("\(step): #\(index) op \(choice) -> \(failure.map { "\($0.code)" } ?? "ok")")
            // The state a caller can see is always consistent.
            let consistent = memory.isAttached == (memory.data != nil) && memory.isAttached == (memory.size > 0)
                && memory.isAttached == (memory.accessMode != nil)
            #expect(consistent, "after \(trace.suffix(5))")
            if !consistent { break }
        }
        for memory in instances {
            if (try? memory.unlock()) == nil {}  // a held lock goes with detach anyway
            memory.detach()
        }
        // Everybody is gone: so is everything made for the key.
        let leftover: Bool
        if posix {
            leftover = (try? SharedMemory.posixInfo(key))?.segment != nil
        } else {
            leftover = (try? SharedMemory.info(key))?.segment != nil
        }
        #expect(!leftover, "a segment outlived its last user after \(trace.suffix(8))")
    }

    /// Text that looks like a key now and then: schemes, slashes, percent escapes, queries, NULs, non-ASCII.
    static func randomKeyText(_ random: inout SplitMix64) -> String {
        let pieces = ["posix:", "systemv:", "systemv-7:", "windows:", "/", "//", "%", "%2F", "%zz", "?legacyKey=",
                      "&", "=", "#", "\0", "é", "😀", "a", "key", " ", "..", String(repeating: "x", count: 300)]
        return (0..<random.below(8)).map { _ in pieces[random.below(pieces.count)] }.joined()
    }
}
