import ArgumentParser
import SharedMemory

struct Repair: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give back a lock that a killed process left taken (POSIX keys: Qt 6's default).",
        discussion: """
            A POSIX semaphore never gets back the count of a process killed while holding it: Qt 6 programs \
            then hang for ever, ours time out naming this command. It first makes sure that no process maps \
            the segment (one of them could hold the lock rightly); --force skips that check.
            """)
    @OptionGroup var options: KeyOption
    @Flag(help: "Release the lock even while processes map the segment.") var force = false

    func run() throws {
        let key = options.ipcKey
        switch try SharedMemory.repairLock(key, force: force) {
        case .wasFree: print("the lock of \(key) was free: nothing to repair")
        case .released: print("released the lock of \(key), which a gone process had left taken")
        case .noSemaphore: print("no lock exists for \(key): nothing to repair")
        }
    }
}

/// `sharedmemory-ctl info` for a POSIX key.
enum PosixInfoText {
    static func lines(_ info: PosixSegmentInfo) -> [String] {
        var lines = ["key: \(info.key) (QNativeIpcKey::fromString form)"]
        if let segment = info.segment {
            lines += [
                "segment: \(segment.path), permissions \(octal(segment.permissions)), owner uid \(segment.ownerUID)",
                "size: \(segment.size) bytes",
                "mapped by: \(pids(segment.mappedBy))",
                "state: \(info.isStale ? "stale (nobody maps it); `create` or `remove` clears it" : "live")",
            ]
        } else {
            lines.append("segment: none")
        }
        if let semaphore = info.semaphore {
            let state: String
            switch info.semaphoreValue {
            case 1?: state = "free"
            case 0?: state = info.lockIsAbandoned
                ? "taken, and no process has it open: run `sharedmemory-ctl repair`" : "taken"
            case let value?: state = "value \(value)"
            case nil: state = "value unknown"
            }
            lines.append("semaphore: \(semaphore.path), permissions \(octal(semaphore.permissions)), "
                + "owner uid \(semaphore.ownerUID), open in: \(pids(semaphore.mappedBy)), \(state)")
        } else {
            lines.append("semaphore: none")
        }
        lines.append("(processes of other users are not seen unless run as root)")
        return lines
    }

    private static func pids(_ list: [Int32]) -> String {
        list.isEmpty ? "no process" : "pid " + list.map(String.init).joined(separator: ", ")
    }

    private static func octal(_ value: UInt32) -> String { "0" + String(value, radix: 8) }
}
