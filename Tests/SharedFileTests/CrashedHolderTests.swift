import Foundation
import SharedMemory
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A POSIX semaphore has no SEM_UNDO: a process of ours that crashes while it holds the lock must
/// give the lock back itself, or every other process waits for good (issue 23: `hold-lock --seconds
/// inf` trapped after "locked by pid N" and left the lock taken while a viewer kept it mapped).
@Suite struct CrashedHolderTests {
    /// A creator that keeps the segment and its semaphore mapped (as a viewer does), so the
    /// "nobody has it open" repair cannot help, and a holder that dies by a crash signal, with the
    /// Swift runtime's backtracer (which returns from a signal sent by kill) and without it.
    // (Not SIGABRT: the test process passes it on blocked, so a kill would not be delivered; a
    // real abort() unblocks it first.)
    @Test(arguments: [SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGTRAP], ["yes", "no"])
    func aCrashWhileHoldingAPosixLockGivesItBack(signal: Int32, backtracer: String) throws {
        let key = "posix:/" + uniqueKey().replacingOccurrences(of: " ", with: "_")
        defer { _ = try? run(ctlPath, ["remove", "--native-key", key, "--force"]) }
        let viewer = try CtlProcess(["create", "--native-key", key, "--size", "4096", "--stamp"])
        defer { viewer.kill9() }
        let holder = try CtlProcess(["hold-lock", "--native-key", key, "--seconds", "60"],
                                    environment: ["SWIFT_BACKTRACE": "enable=\(backtracer)"])
        defer { holder.kill9() }
        kill(holder.pid, signal)
        // Given back, the lock must not be held on by a process that goes on as if it had it.
        #expect(holder.ended(within: 10), "the holder survived its \(signal)")
        guard !holder.process.isRunning else { return }
        #expect(holder.process.terminationReason == .uncaughtSignal)
        #expect(holder.process.terminationStatus == signal)
        let dump = try run(ctlPath, ["dump", "--native-key", key, "--timeout", "2"])
        #expect(dump.status == 0, "the lock stayed taken after the holder's \(signal): \(dump.output)")
    }

    /// Numbers that no wait can use are refused before anything is attached or locked.
    @Test(arguments: ["inf", "-inf", "nan", "1e300", "-1", "-0.5", "31536001", "", "5s"])
    func unusableSecondsAreUsageErrors(value: String) throws {
        let key = "posix:/" + uniqueKey().replacingOccurrences(of: " ", with: "_")
        defer { _ = try? run(ctlPath, ["remove", "--native-key", key, "--force"]) }
        let viewer = try CtlProcess(["create", "--native-key", key, "--size", "4096", "--stamp"])
        defer { viewer.kill9() }
        for arguments in [["hold-lock", "--seconds", value], ["hold-lock", "--seconds", "1", "--timeout", value],
                          ["dump", "--timeout", value], ["load", "--timeout", value, "/dev/null"]] {
            let result = try run(ctlPath, arguments + ["--native-key", key])
            #expect(result.status == 2, "\(arguments): \(result.output)")
            #expect(result.output.contains("give a number of seconds from 0 to 31536000") || value.isEmpty,
                    "\(arguments): \(result.output)")
            #expect(!result.output.contains("locked by pid"))
        }
        // Nothing was left taken: a dump gets the lock at once.
        #expect(try run(ctlPath, ["dump", "--native-key", key, "--timeout", "0.5"]).status == 0)
    }

    /// The range's ends are accepted: a zero hold and a zero wait.
    @Test func theRangesEndsAreAccepted() throws {
        let key = "posix:/" + uniqueKey().replacingOccurrences(of: " ", with: "_")
        defer { _ = try? run(ctlPath, ["remove", "--native-key", key, "--force"]) }
        let viewer = try CtlProcess(["create", "--native-key", key, "--size", "4096", "--stamp"])
        defer { viewer.kill9() }
        let result = try run(ctlPath, ["hold-lock", "--native-key", key, "--seconds", "0", "--timeout", "0"])
        #expect(result.status == 0 && result.output.hasPrefix("locked by pid"), "\(result.output)")
    }
}
