import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

extension SharedMemory {
    /// What ``repairLock(_:force:)`` found and did, in words for the user.
    public enum LockRepair: Sendable, Equatable {
        /// The lock was free: nothing to do.
        case wasFree
        /// The lock was taken and has been given back (value 0 -> 1).
        case released
        /// No semaphore exists for the key (nothing to repair).
        case noSemaphore
    }

    /// Gives back a lock that a killed process left taken. A POSIX semaphore never returns the
    /// count of a process killed while holding it (Qt 6's default backend), so every Qt program
    /// then blocks for ever; ours time out and name this repair.
    ///
    /// Refuses (`lockError`) while any process maps the segment, since one of them may hold the
    /// lock legitimately; `force` skips that check. System V locks are given back by the kernel
    /// (SEM_UNDO); for them a taken lock whose last operator is gone is set free likewise.
    public static func repairLock(_ key: NativeIpcKey, force: Bool) throws(SharedMemoryError) -> LockRepair {
        let memory = SharedMemory(nativeKey: key)
        if let problem = memory.keyProblem {
            throw SharedMemoryError(.keyError, tr("repair: the key {key} cannot be used: {problem}").filling(["key": "\(key)", "problem": problem]))
        }
        return try memory.backend.repairLock(memory, force: force)
    }
}
