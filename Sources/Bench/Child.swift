import SystemSupport
import Foundation
import Glibc
import SharedMemory
import SystemPackage

/// A spawned process whose stderr we read line by line (the viewer's `--trace` goes there);
/// its stdout goes to /dev/null.
final class Child {
    let pid: pid_t
    let path: String
    private let stderrFD: Int32
    private var pending: [UInt8] = []
    private var reaped = false
    /// Every stderr line read so far, for error messages.
    private(set) var lines: [String] = []

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Spawns `path` with `arguments`; the environment is ours.
    init(_ path: String, _ arguments: [String]) throws {
        self.path = path
        var fds: [Int32] = [-1, -1]
        guard makePipe(&fds) else { throw Failure(description: "pipe: \(Errno(rawValue: errno).explanation)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)   // dup2 clears O_CLOEXEC on fd 2
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, path, &actions, nil, argv, environ)
        close(fds[1])
        guard status == 0 else {
            close(fds[0])
            throw Failure(description: "cannot start \(path): \(Errno(rawValue: status).explanation)")
        }
        pid = child
        stderrFD = fds[0]
    }

    deinit {
        _ = terminate()
        close(stderrFD)
    }

    /// The next stderr line, or nil when `timeout` seconds passed or the child closed stderr.
    func readLine(timeout: Double) -> String? {
        let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                lines.append(line)
                return line
            }
            let left = deadline - monotonicNanoseconds()
            guard left > 0 else { return nil }
            var entry = pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)
            // EINTR: poll again with the time left.
            let ready = (try? SystemCall.retrying { poll(&entry, 1, Int32(min(left / 1_000_000 + 1, 1000))) }.get()) ?? 0
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = (try? SystemCall.retrying { chunk.withUnsafeMutableBytes { read(stderrFD, $0.baseAddress, 4096) } }.get()) ?? 0
            guard count > 0 else { return nil }  // EOF (the child closed stderr: it exited) or an error
            pending += chunk[0..<count]
        }
    }

    /// Reads lines until one satisfies `match`; nil on timeout or EOF.
    func waitForLine(timeout: Double, _ match: (String) -> Bool) -> String? {
        let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            let left = Double(deadline - monotonicNanoseconds()) / 1e9
            guard left > 0, let line = readLine(timeout: left) else { return nil }
            if match(line) { return line }
        }
    }

    /// Reads whatever is buffered now so a chatty child never blocks on a full pipe.
    func drain() {
        while readLine(timeout: 0.001) != nil {}
    }

    /// True once the child has exited (reaps it).
    var hasExited: Bool {
        if reaped { return true }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { reaped = true }
        return reaped
    }

    /// Waits for the child to exit on its own; false after `timeout` seconds.
    func waitForExit(timeout: Double) -> Bool {
        let deadline = monotonicNanoseconds() + Int64(timeout * 1e9)
        while !hasExited {
            if monotonicNanoseconds() > deadline { return false }
            sleepMilliseconds(0.2)
        }
        return true
    }

    /// SIGTERM (the apps detach on it), then SIGKILL after 3 s. Returns true when it had to kill.
    @discardableResult
    func terminate() -> Bool {
        guard !hasExited else { return false }
        kill(pid, SIGTERM)
        if waitForExit(timeout: 3) { return false }
        kill(pid, SIGKILL)
        _ = waitForExit(timeout: 3)
        return true
    }

    /// The last few stderr lines, for error messages.
    var tail: String { lines.suffix(5).joined(separator: "\n") }
}

/// pipe() with both ends close-on-exec (pipe2 needs _GNU_SOURCE, which Glibc's module lacks);
/// posix_spawn's dup2 gives the child its end without the flag.
func makePipe(_ fds: inout [Int32]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
}

/// Runs `path` to completion and returns its exit status and stdout (for xwininfo).
func runCapturing(_ path: String, _ arguments: [String]) -> (status: Int32, output: String) {
    var fds: [Int32] = [-1, -1]
    guard makePipe(&fds) else { return (-1, "") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    close(fds[1])
    defer { close(fds[0]) }
    guard spawned == 0 else { return (-1, "") }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = (try? SystemCall.retrying { chunk.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, 4096) } }.get()) ?? 0
        if count <= 0 { break }
        output += chunk[0..<count]
    }
    var status: Int32 = 0
    _ = SystemCall.retrying { waitpid(pid, &status, 0) }
    return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : -1, String(decoding: output, as: UTF8.self))
}

/// Figures about a live process from /proc.
enum ProcessStats {
    /// CPU time of all threads of `pid` in nanoseconds, from /proc/PID/task/*/schedstat
    /// (nanosecond precision); falls back to utime+stime from /proc/PID/stat (clock ticks).
    static func cpuNanoseconds(_ pid: pid_t) -> Int64? {
        if let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") {
            var total: Int64 = 0
            var found = false
            for task in tasks {
                guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/schedstat", encoding: .utf8),
                      let first = text.split(separator: " ").first, let value = Int64(first) else { continue }
                total += value
                found = true
            }
            if found { return total }
        }
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after "comm)": state is field 3, utime 14, stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        return (user + system) * 1_000_000_000 / Int64(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A `kB` field of /proc/PID/status (VmHWM, VmRSS, RssAnon, RssShmem...) in bytes.
    static func statusBytes(_ pid: pid_t, _ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kib = Int(parts[1]) else { return nil }
            return kib * 1024
        }
        return nil
    }
}
