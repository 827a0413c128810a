import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

extension SharedMemory {
    /// Why the attached segment can no longer be found through its key, or nil when it still can
    /// (or when nothing is attached).
    ///
    /// A segment removed behind our back (`ipcrm`, `shmctl(IPC_RMID)`) stays mapped here, but the
    /// kernel frees its key at once, so other processes get "not found" forever. The same happens
    /// when the key file is deleted or replaced: its new inode names another key. The creator
    /// checks this now and then and makes the segment again (see `SegmentReader.poll()`).
    /// A few system calls, no lock.
    public func unreachableReason() -> String? {
        isAttached ? backend.unreachableReason(self) : nil
    }
}

extension SharedMemory {
    /// Whether nobody but this process will ever read what is written: `.creatorGone(pid)` when the
    /// System V segment's creator is dead and nobody else is attached (one IPC_STAT and a liveness
    /// check, no lock); `.nobodyMapsIt` when no other process maps the POSIX segment (a /proc scan,
    /// blind to other users' processes: see `MappingScan`), e.g. a SIGKILLed viewer's, or one a Qt 6
    /// viewer leaked on exit. nil otherwise, and when nothing is attached.
    public func abandonment() -> Abandonment? {
        isAttached ? backend.abandonment(self) : nil
    }

    /// Why a segment is abandoned (see ``abandonment()``).
    public enum Abandonment: Sendable, Equatable {
        /// The System V segment's creator (this pid) died and nobody else is attached.
        case creatorGone(pid_t)
        /// No other process maps the POSIX segment (which records no creator).
        case nobodyMapsIt
    }
}
