import SharedMemory
import SystemPackage
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
        // Interrupted: wait again for what is left. EAGAIN: the time is up.
        let signal = SystemCall.retrying { () -> Int32 in
            let remaining = max(0, deadline - monotonicNow())
            var ts = timespec(tv_sec: Int(remaining), tv_nsec: Int((remaining - remaining.rounded(.down)) * 1e9))
            return sigtimedwait(&set, nil, &ts)
        }
        return try? signal.get()
    }

    private func monotonicNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Writes every byte to `fd` (stdout unless told), nothing added.
func writeAll(_ bytes: [UInt8], to fd: Int32 = 1) throws {
    do {
        _ = try FileDescriptor(rawValue: fd).writeAll(bytes)
    } catch {
        let name = fd == 1 ? "standard output" : "file descriptor \(fd)"
        throw RuntimeFailure("cannot write to \(name): \((error as? Errno)?.explanation ?? "\(error)")")
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
