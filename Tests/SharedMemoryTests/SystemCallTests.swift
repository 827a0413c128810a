import SystemSupport
import Testing
import SystemPackage
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

@Suite("SystemCall: one EINTR loop and one errno text")
struct SystemCallTests {
    @Test func retriesOnlyOnInterrupt() throws {
        var calls = 0
        let result = SystemCall.retrying { () -> Int32 in
            calls += 1
            if calls < 3 { errno = EINTR; return -1 }
            return 7
        }
        #expect(calls == 3)
        #expect(try result.get() == 7)

        calls = 0
        let failure = SystemCall.retrying { () -> Int32 in calls += 1; errno = ENOENT; return -1 }
        #expect(calls == 1)
        #expect(throws: SystemPackage.Errno.noSuchFileOrDirectory) { try failure.get() }
    }

    @Test func explanationNamesTheCode() {
        #expect(SystemPackage.Errno.noSuchFileOrDirectory.explanation == "No such file or directory (ENOENT)")
        #expect(SystemPackage.Errno(rawValue: 4095).explanation.hasSuffix("(errno 4095)"))
    }
}
