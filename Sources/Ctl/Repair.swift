import ArgumentParser
import Localization
import SharedFile
import SharedMemory

struct Repair: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: tr("Give back a lock that a killed process left taken (POSIX keys: Qt 6's default)."),
        discussion: tr("A POSIX semaphore never gets back the count of a process killed while holding it: Qt 6 programs then hang for ever, ours time out naming this command. It first makes sure that no process maps the segment (one of them could hold the lock rightly); --force skips that check."))
    @OptionGroup var options: KeyOption
    @Flag(help: ArgumentHelp(tr("Release the lock even while processes map the segment."))) var force = false

    func run() throws {
        let key = options.ipcKey
        switch try SharedMemory.repairLock(key, force: force) {
        case .wasFree: try printLine(tr("the lock of {key} was free: nothing to repair").filling(["key": "\(key)"]))
        case .released: try printLine(tr("released the lock of {key}, which a gone process had left taken").filling(["key": "\(key)"]))
        case .noSemaphore: try printLine(tr("no lock exists for {key}: nothing to repair").filling(["key": "\(key)"]))
        }
    }
}

/// `sharedmemory-ctl info` for a POSIX key.
enum PosixInfoText {
    static func lines(_ info: PosixSegmentInfo) -> [String] {
        var lines = [tr("key: {key} (QNativeIpcKey::fromString form)").filling(["key": DisplayName.shown("\(info.key)")])]
        if let segment = info.segment {
            lines += [
                tr("segment: {path}, permissions {mode}, owner uid {owner}")
                    .filling(["path": segment.path, "mode": octal(segment.permissions), "owner": "\(segment.ownerUID)"]),
                trn("size: {size} byte", "size: {size} bytes", segment.size).filling(["size": segment.size.localizedDigits]),
                tr("mapped by: {pids}").filling(["pids": pids(segment.mappedBy)]),
                info.isStale ? tr("state: stale (nobody maps it); `create` or `remove` clears it") : tr("state: live"),
            ]
        } else {
            lines.append(tr("segment: none"))
        }
        if let semaphore = info.semaphore {
            let state: String
            switch info.semaphoreValue {
            // TRANSLATORS: the state of a lock's semaphore at the end of the "semaphore:" line.
            case 1?: state = tr("free")
            case 0?: state = info.lockIsAbandoned
                ? tr("taken, and no process has it open: run `sharedmemory-ctl repair`") : tr("taken")
            case let value?: state = tr("value {value}").filling(["value": "\(value)"])
            case nil: state = tr("value unknown")
            }
            lines.append(tr("semaphore: {path}, permissions {mode}, owner uid {owner}, open in: {pids}, {state}").filling([
                "path": semaphore.path, "mode": octal(semaphore.permissions), "owner": "\(semaphore.ownerUID)",
                "pids": pids(semaphore.mappedBy), "state": state]))
        } else {
            lines.append(tr("semaphore: none"))
        }
        lines.append(tr("(processes of other users are not seen unless run as root)"))
        return lines
    }

    private static func pids(_ list: [Int32]) -> String {
        list.isEmpty ? tr("no process") : tr("pid {pids}").filling(["pids": list.map(String.init).joined(separator: ", ")])
    }

    private static func octal(_ value: UInt32) -> String { "0" + String(value, radix: 8) }
}
