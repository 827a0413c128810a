import Foundation
import SharedMemory
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A started `sharedmemory-ctl` that printed its first line (create, hold-lock).
final class CtlProcess {
    let process = Process()
    private let out = Pipe()

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: ctlPath)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = out
        try process.run()
        let fd = out.fileHandleForReading.fileDescriptor
        var waiter = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&waiter, 1, 10_000) > 0 else { throw CtlProcessError("no output from \(arguments)") }
    }

    var pid: pid_t { process.processIdentifier }

    /// Waits at most `seconds` for the process to end; false when it still runs.
    func ended(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return !process.isRunning
    }

    func kill9() {
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { kill9() }
}

struct CtlProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` on a fresh thread whose filesystem uid is `uid`: the kernel then drops root's
/// file capabilities for that thread only, so a file root could read becomes unreadable, as
/// it is for a real user. Other threads of the test process are not affected.
func asFilesystemUser<R>(_ uid: uid_t, _ body: @escaping () -> R) -> R {
    typealias SetFSUID = @convention(c) (uid_t) -> Int32
    guard let symbol = dlsym(nil, "setfsuid") else { fatalError("setfsuid not found") }  // nil: RTLD_DEFAULT
    let setfsuid = unsafeBitCast(symbol, to: SetFSUID.self)
    // The caller waits for the thread, so nothing is shared concurrently.
    nonisolated(unsafe) let body = body
    nonisolated(unsafe) var result: R?
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        _ = setfsuid(uid)
        result = body()
        _ = setfsuid(0)
        done.signal()
    }
    thread.start()
    done.wait()
    return result!
}
