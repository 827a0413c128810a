import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM, blocked and then awaited with sigwait, so that the process leaves
/// through its normal path (detach, unlock) instead of dying in a handler.
struct TerminationSignals {
    private var set = sigset_t()

    static func block() -> TerminationSignals {
        var signals = TerminationSignals()
        sigemptyset(&signals.set)
        sigaddset(&signals.set, SIGINT)
        sigaddset(&signals.set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals.set, nil)
        return signals
    }

    /// Waits for SIGINT/SIGTERM, at most `seconds` when given. Returns the signal, nil on timeout.
    func wait(seconds: Double?) -> Int32? {
        var set = self.set
        guard let seconds else {
            var signal: Int32 = 0
            while sigwait(&set, &signal) != 0 {}
            return signal
        }
        let deadline = monotonicNow() + seconds
        while true {
            let remaining = max(0, deadline - monotonicNow())
            var ts = timespec(tv_sec: Int(remaining), tv_nsec: Int((remaining - remaining.rounded(.down)) * 1e9))
            let signal = sigtimedwait(&set, nil, &ts)
            if signal > 0 { return signal }
            if errno == EAGAIN { return nil }  // timeout; EINTR: wait again
        }
    }

    private func monotonicNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// The whole file, read with plain read(2) so errors carry errno text.
func readFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw RuntimeFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count == 0 { return bytes }
        if count < 0 {
            if errno == EINTR { continue }
            throw RuntimeFailure("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        bytes.append(contentsOf: chunk[0..<count])
    }
}

/// Writes every byte to `fd` (stdout unless told), nothing added.
func writeAll(_ bytes: [UInt8], to fd: Int32 = 1) throws {
    var offset = 0
    while offset < bytes.count {
        let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if count < 0 {
            if errno == EINTR { continue }
            let name = fd == 1 ? "standard output" : "file descriptor \(fd)"
            throw RuntimeFailure("cannot write to \(name): \(String(cString: strerror(errno)))")
        }
        offset += count
    }
}

enum InfoText {
    static func lines(_ info: SegmentInfo) -> [String] {
        var lines = [
            "key: \(info.key)",
            "native key string: \(info.keyString)",
            "native key: \(info.nativeKey) (\(fileState(info.keyFilePermissions)))",
            "semaphore native key: \(info.semaphoreNativeKey) (\(fileState(info.semaphoreKeyFilePermissions)))",
        ]
        if let segment = info.segment {
            lines += [
                "segment: shmid \(segment.id), SysV key \(hex(segment.sysvKey)), permissions \(octal(segment.permissions)), owner uid \(segment.ownerUID)",
                "size: \(segment.size) bytes",
                "attached: \(segment.attachedCount)",
                "creator: pid \(segment.creatorPID) (\(segment.creatorIsAlive ? "alive" : "gone"))",
                "last attach/detach: pid \(segment.lastPID)",
                "state: \(segment.isStale ? "stale (nobody attached, creator gone); `create` or `remove` clears it" : "live")",
            ]
        } else {
            lines.append("segment: none")
        }
        if let semaphore = info.semaphore {
            let holder = semaphore.value == 0
                ? "held by pid \(semaphore.lastPID) (\(semaphore.lastPIDIsAlive ? "alive" : "gone"))" : "free"
            lines.append("semaphore: semid \(semaphore.id), SysV key \(hex(semaphore.sysvKey)), permissions \(octal(semaphore.permissions)), owner uid \(semaphore.ownerUID), value \(semaphore.value), \(holder)")
        } else {
            lines.append("semaphore: none")
        }
        return lines
    }

    private static func fileState(_ permissions: UInt32?) -> String {
        permissions.map { "key file \(octal($0))" } ?? "no key file"
    }

    private static func octal(_ value: UInt32) -> String { "0" + String(value, radix: 8) }

    private static func hex(_ value: Int32) -> String {
        "0x" + String(UInt32(bitPattern: value), radix: 16)
    }
}
