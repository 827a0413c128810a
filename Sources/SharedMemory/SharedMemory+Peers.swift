#if canImport(Glibc)
import Glibc
#endif

extension SharedMemory {
    /// Other live processes of this same program (same `/proc/PID/comm`) that use the attached
    /// segment, lowest pid first: a System V segment's creator, when it is one (no lock, one
    /// IPC_STAT); every process mapping a POSIX segment (a /proc scan, see `MappingScan`). A second
    /// viewer of one key finds the first this way. Empty when nothing is attached.
    public func otherInstancesOfThisProgram() -> [pid_t] {
        guard isAttached, let me = ProcessState.programName(getpid()) else { return [] }
        let candidates = backend.peerCandidates(self)
        return candidates.filter { $0 != getpid() && ProcessState.isAlive($0) && ProcessState.programName($0) == me }.sorted()
    }
}

extension SharedMemory {
    /// Whether process `pid` still runs (a zombie does not): for a peer found by
    /// ``otherInstancesOfThisProgram()``, one `kill(pid, 0)` and a read of /proc/PID/stat.
    public static func isRunning(_ pid: pid_t) -> Bool { ProcessState.isAlive(pid) }
}

extension ProcessState {
    /// The kernel's name of process `pid` (`/proc/PID/comm`: the program's file name, at most 15
    /// bytes), nil when it cannot be read.
    static func programName(_ pid: pid_t) -> String? {
        guard pid > 0, let file = fopen("/proc/\(pid)/comm", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 && $0 != 0x0A }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}
