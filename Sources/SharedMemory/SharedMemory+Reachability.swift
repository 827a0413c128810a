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
        if let posix {
            guard isAttached else { return nil }
            let path = PosixSegment.filePath(posix.segmentName)
            guard let identity = MappingScan.identity(ofFile: path) else { return tr("its name {path} was unlinked").filling(["path": path]) }
            return identity.inode == posix.inode ? nil : tr("its name {path} now names another segment").filling(["path": path])
        }
        guard isAttached, segmentID >= 0 else { return nil }
        let status: SegmentStatus
        do {
            status = try SystemVSegment.status(id: segmentID)
        } catch {
            return tr("the segment (shmid {id}) is gone: {error}")
                .filling(["id": "\(segmentID)", "error": SharedMemoryError.errnoText(error.rawValue)])
        }
        if status.isMarkedForRemoval {
            return tr("the segment (shmid {id}) was removed by another process (ipcrm or IPC_RMID)").filling(["id": "\(segmentID)"])
        }
        let file: KeyFile.Resolved?
        do {
            file = try KeyFile.resolve(nativeKey, create: false, ftokID: ftokID)
        } catch {
            return tr("its key file {path} is no longer usable: {problem}").filling(["path": nativeKey, "problem": "\(error)"])
        }
        guard let file else { return tr("its key file {path} was deleted").filling(["path": nativeKey]) }
        guard file.sysvKey == status.sysvKey else {
            return tr("its key file {path} was replaced (it now names another SysV key)").filling(["path": nativeKey])
        }
        return nil
    }
}

extension SharedMemory {
    /// Whether nobody but this process will ever read what is written: `.creatorGone(pid)` when the
    /// System V segment's creator is dead and nobody else is attached (one IPC_STAT and a liveness
    /// check, no lock); `.nobodyMapsIt` when no other process maps the POSIX segment (a /proc scan,
    /// blind to other users' processes: see `MappingScan`), e.g. a SIGKILLed viewer's, or one a Qt 6
    /// viewer leaked on exit. nil otherwise, and when nothing is attached.
    public func abandonment() -> Abandonment? {
        if let posix {
            guard isAttached, let identity = MappingScan.identity(ofFile: PosixSegment.filePath(posix.segmentName)),
                  MappingScan.mappers(of: identity).isEmpty else { return nil }
            return .nobodyMapsIt
        }
        guard isAttached, segmentID >= 0, let status = try? SystemVSegment.status(id: segmentID),
              status.attachedCount <= 1, !ProcessState.isAlive(status.creatorPID) else { return nil }
        return .creatorGone(status.creatorPID)
    }

    /// Why a segment is abandoned (see ``abandonment()``).
    public enum Abandonment: Sendable, Equatable {
        /// The System V segment's creator (this pid) died and nobody else is attached.
        case creatorGone(pid_t)
        /// No other process maps the POSIX segment (which records no creator).
        case nobodyMapsIt
    }
}
