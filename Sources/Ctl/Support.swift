import SystemSupport
import Localization
import SharedFile
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

/// Writes `text` and a newline to standard output at once, unbuffered: a closed or full output
/// fails the command (exit 1), as `dump` does, where `print` would lose it silently and exit 0.
func printLine(_ text: String) throws {
    try writeAll(Array((text + "\n").utf8))
}

/// Writes every byte to `fd` (stdout unless told), nothing added.
func writeAll(_ bytes: [UInt8], to fd: Int32 = 1) throws {
    do {
        _ = try FileDescriptor(rawValue: fd).writeAll(bytes)
    } catch {
        let message = fd == 1 ? tr("cannot write to standard output: {error}") : tr("cannot write to file descriptor {fd}: {error}")
        throw RuntimeFailure(message.filling(["fd": "\(fd)", "error": (error as? Errno)?.explanation ?? "\(error)"]))
    }
}

enum InfoText {
    static func lines(_ info: SegmentInfo) -> [String] {
        var lines = [
            // Keys as any name is shown: a newline or a U+202E in one must not split or reverse a line.
            tr("key: {key}").filling(["key": DisplayName.shown(info.key)]),
            tr("native key string: {key}").filling(["key": DisplayName.shown(info.keyString)]),
            tr("native key: {path} ({file})").filling(["path": info.nativeKey, "file": fileState(info.keyFilePermissions)]),
            tr("semaphore native key: {path} ({file})")
                .filling(["path": info.semaphoreNativeKey, "file": fileState(info.semaphoreKeyFilePermissions)]),
        ]
        if let segment = info.segment {
            lines += [
                tr("segment: shmid {id}, SysV key {sysvKey}, permissions {mode}, owner uid {owner}").filling([
                    "id": "\(segment.id)", "sysvKey": hex(segment.sysvKey), "mode": octal(segment.permissions),
                    "owner": "\(segment.ownerUID)"]),
                trn("size: {size} byte", "size: {size} bytes", segment.size).filling(["size": segment.size.localizedDigits]),
                tr("attached: {count}").filling(["count": "\(segment.attachedCount)"]),
                (segment.creatorIsAlive ? tr("creator: pid {pid} (alive)") : tr("creator: pid {pid} (gone)"))
                    .filling(["pid": "\(segment.creatorPID)"]),
                tr("last attach/detach: pid {pid}").filling(["pid": "\(segment.lastPID)"]),
                state(segment),
            ]
        } else {
            lines.append(tr("segment: none"))
        }
        if let semaphore = info.semaphore {
            let holder = semaphore.value == 0
                ? (semaphore.lastPIDIsAlive ? tr("held by pid {pid} (alive)") : tr("held by pid {pid} (gone)"))
                    .filling(["pid": "\(semaphore.lastPID)"])
                : tr("free")
            lines.append(tr("semaphore: semid {id}, SysV key {sysvKey}, permissions {mode}, owner uid {owner}, value {value}, {holder}").filling([
                "id": "\(semaphore.id)", "sysvKey": hex(semaphore.sysvKey), "mode": octal(semaphore.permissions),
                "owner": "\(semaphore.ownerUID)", "value": "\(semaphore.value)", "holder": holder]))
        } else {
            lines.append(tr("semaphore: none"))
        }
        return lines
    }

    /// Live, stale, or live though its creator is gone (`state: live` beside `creator: … (gone)` read
    /// as a contradiction).
    private static func state(_ segment: SegmentInfo.Segment) -> String {
        if segment.isStale { return tr("state: stale (nobody attached, creator gone); `create` or `remove` clears it") }
        if segment.creatorIsAlive { return tr("state: live") }
        return trn("state: live, attached by {count} process; its creator is gone",
                   "state: live, attached by {count} processes; its creator is gone", segment.attachedCount)
    }

    private static func fileState(_ permissions: UInt32?) -> String {
        permissions.map { tr("key file {mode}").filling(["mode": octal($0)]) } ?? tr("no key file")
    }

    private static func octal(_ value: UInt32) -> String { "0" + String(value, radix: 8) }

    private static func hex(_ value: Int32) -> String {
        "0x" + String(UInt32(bitPattern: value), radix: 16)
    }
}
