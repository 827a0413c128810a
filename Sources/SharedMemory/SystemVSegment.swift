import SystemPackage
import Localization
#if canImport(Glibc)
import Glibc
#endif

/// What IPC_STAT says about a segment.
struct SegmentStatus: Equatable {
    var id: Int32
    var sysvKey: key_t
    var size: Int
    var attachedCount: Int
    var creatorPID: pid_t
    var lastPID: pid_t
    var permissions: mode_t
    var ownerUID: uid_t
    /// IPC_RMID was done (ipcrm): the kernel freed the key, the segment lives on only for those
    /// still attached, and nobody can find it any more (SHM_DEST in shm_perm.mode).
    var isMarkedForRemoval = false
}

/// The raw shmget/shmat/shmdt/shmctl calls, nothing else.
enum SystemVSegment {
    /// Qt's creation mode for segments.
    static let creationMode: Int32 = 0o600
    /// SHM_DEST from <linux/shm.h> (not exported by Swift's Glibc module).
    static let shmDestFlag: Int32 = 0o1000

    static func create(sysvKey: key_t, size: Int) throws(Errno) -> Int32 {
        let id = shmget(sysvKey, size, creationMode | IPC_CREAT | IPC_EXCL)
        if id < 0 { throw Errno(rawValue: errno) }
        return id
    }

    /// The id of the existing segment for `sysvKey`; `mode` is the access asked for (0400 / 0600).
    static func lookup(sysvKey: key_t, mode: Int32 = 0) throws(Errno) -> Int32 {
        let id = shmget(sysvKey, 0, mode)
        if id < 0 { throw Errno(rawValue: errno) }
        return id
    }

    static func attach(id: Int32, readOnly: Bool) throws(Errno) -> UnsafeMutableRawPointer {
        guard let address = shmat(id, nil, readOnly ? SHM_RDONLY : 0),
              address != UnsafeMutableRawPointer(bitPattern: -1) else { throw Errno(rawValue: errno) }
        return address
    }

    static func detach(_ address: UnsafeMutableRawPointer) throws(Errno) {
        if shmdt(address) != 0 { throw Errno(rawValue: errno) }
    }

    static func status(id: Int32) throws(Errno) -> SegmentStatus {
        var ds = shmid_ds()
        if shmctl(id, IPC_STAT, &ds) != 0 { throw Errno(rawValue: errno) }
        return SegmentStatus(
            id: id, sysvKey: ds.shm_perm.__key, size: Int(ds.shm_segsz),
            attachedCount: Int(ds.shm_nattch), creatorPID: ds.shm_cpid, lastPID: ds.shm_lpid,
            permissions: mode_t(ds.shm_perm.mode) & 0o777, ownerUID: ds.shm_perm.uid,
            isMarkedForRemoval: Int32(ds.shm_perm.mode) & shmDestFlag != 0)
    }

    /// IPC_RMID: destroyed at once when nobody is attached, else when the last one detaches.
    static func remove(id: Int32) throws(Errno) {
        if shmctl(id, IPC_RMID, nil) != 0 { throw Errno(rawValue: errno) }
    }

    /// kernel.shmmax, for a readable invalidSize message.
    static func maximumSize() -> Int? {
        guard let file = fopen("/proc/sys/kernel/shmmax", "r") else { return nil }
        defer { fclose(file) }
        var value: UInt64 = 0
        return withUnsafeMutablePointer(to: &value) { pointer in
            withVaList([pointer]) { vfscanf(file, "%llu", $0) } == 1 ? Int(clamping: pointer.pointee) : nil
        }
    }
}

/// Whether a process exists (a zombie counts as gone: it will never detach or unlock again).
enum ProcessState {
    static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno != EPERM { return false }
        // /proc/PID/stat: "pid (comm) S ..."; the state letter follows the last ')'.
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return true }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 512)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return true }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let close = line.lastIndex(of: ")") else { return true }
        let state = line[line.index(after: close)...].first { $0 != " " }
        return state != "Z" && state != "X"
    }

    /// "running" or "gone", for a message's "(pid 123 {state})".
    static func word(alive: Bool) -> String {
        // TRANSLATORS: the state of a process in parentheses after its pid: "(creator pid 123 running)".
        alive ? tr("running") : tr("gone")
    }
}
