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
    /// The pid of the attached segment's creator when that process is gone and no process but this
    /// one is attached: a viewer that died, so nobody will ever read what is written. nil otherwise,
    /// and when nothing is attached. One IPC_STAT and a liveness check, no lock.
    /// With a POSIX key there is no creator pid to check: always nil.
    public func abandonedCreator() -> pid_t? {
        guard posix == nil else { return nil }
        guard isAttached, segmentID >= 0, let status = try? SystemVSegment.status(id: segmentID),
              status.attachedCount <= 1, !ProcessState.isAlive(status.creatorPID) else { return nil }
        return status.creatorPID
    }
}
