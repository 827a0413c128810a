#if canImport(Glibc)
import SystemSupport
import Glibc
#endif

/// Which processes map a file of /dev/shm (a POSIX segment, or `sem.NAME`: glibc maps a named
/// semaphore's file in every process that has it open), read from /proc/PID/maps.
///
/// What it cannot see: processes whose maps this user may not read (other users' processes unless
/// we are root, or all others under `hidepid`), and a process that has the object open but not
/// mapped (between shm_open and mmap; Qt does that step under the lock). A segment or semaphore
/// of mode 0600 can only be opened by its owner and root, so a scan by the owner misses only root.
enum MappingScan {
    /// Device and inode of a /dev/shm object, nil when it does not exist.
    struct Identity: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64
        var ownerUID: uid_t
        var permissions: mode_t
        var size: Int
    }

    static func identity(ofFile path: String) -> Identity? {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), ownerUID: st.st_uid,
                        permissions: st.st_mode & 0o7777, size: Int(st.st_size))
    }

    /// The pids (other than `excluding`) that map the object `identity` (same inode, any path
    /// under /dev/shm, "(deleted)" or not). Unreadable processes are skipped (see above).
    static func mappers(of identity: Identity, excluding: pid_t? = getpid()) -> [pid_t] {
        guard let proc = opendir("/proc") else { return [] }
        defer { closedir(proc) }
        var found: [pid_t] = []
        let inode = String(identity.inode)
        let me = geteuid()
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(name), pid != excluding else { continue }
            // Only root may read other users' maps: skip them without opening anything.
            var st = stat()
            guard me == 0 || (stat("/proc/\(name)", &st) == 0 && st.st_uid == me) else { continue }
            if maps(pid: pid, inode: inode) { found.append(pid) }
        }
        return found
    }

    /// Whether /proc/PID/maps has a line for a /dev/shm file with this inode.
    /// Line: "start-end perms offset dev inode   path". The file is read whole and searched with
    /// strstr: a per-line parse costs far more, and most lines are not /dev/shm.
    private static func maps(pid: pid_t, inode: String) -> Bool {
        let fd = open("/proc/\(pid)/maps", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var text: [CChar] = []
        var chunk = [CChar](repeating: 0, count: 1 << 16)
        while true {
            guard case .success(let count) = SystemCall.retrying({ read(fd, &chunk, chunk.count) }), count > 0 else { break }
            text.append(contentsOf: chunk[0..<count])
        }
        text.append(0)
        return text.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            var cursor = base
            while let found = strstr(cursor, " /dev/shm/") {
                let hit = UnsafePointer(found)
                var lineStart = hit
                while lineStart > base && lineStart[-1] != 0x0A { lineStart -= 1 }
                let line = String(decoding: UnsafeRawBufferPointer(start: lineStart, count: hit - lineStart), as: UTF8.self)
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if fields.count >= 5, fields[4] == inode { return true }
                cursor = hit + 1
            }
            return false
        }
    }
}
