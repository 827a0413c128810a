import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 23: what `sharedmemory-ctl` prints says what is true, and an output it cannot write fails.
@Suite struct CtlOutputTests {
    /// `info >&-` exited 0 having printed nothing, while `dump >&-` exited 1.
    @Test func aClosedOutputFailsEveryCommand() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let viewer = try CtlProcess(["create", "--key", key, "--size", "4096", "--stamp"])
        defer { viewer.kill9() }
        for command in ["info", "repair"] {
            let result = try run("/bin/sh", ["-c", "exec \"$0\" \(command) --key \"$1\" >&-", ctlPath, key])
            #expect(result.status == 1, "\(command) >&- exited \(result.status): \(result.output)")
            #expect(result.output.contains("cannot write to standard output: Bad file descriptor (EBADF)"), "\(result.output)")
        }
    }

    /// `state: live` beside `creator: pid … (gone)` read as a contradiction.
    @Test func aLiveSegmentWhoseCreatorIsGoneSaysSo() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let creator = try CtlProcess(["create", "--key", key, "--size", "4096", "--stamp"])
        let holder = try CtlProcess(["hold-lock", "--key", key, "--seconds", "60"])
        defer { holder.kill9() }
        creator.kill9()
        let info = try run(ctlPath, ["info", "--key", key])
        #expect(info.output.contains("creator: pid \(creator.pid) (gone)\n"), "\(info.output)")
        #expect(info.output.contains("state: live, attached by 1 process; its creator is gone\n"), "\(info.output)")
    }
}
