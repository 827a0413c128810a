import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The POSIX lock (Qt 6's QSystemSemaphore with a POSIX key) and what the backend tells about an
/// attached segment.
extension PosixBackend {
    func acquire(_ memory: SharedMemory, timeout: Duration?) throws(SharedMemoryError) -> Bool {
        do throws(SystemPackage.Errno) {
            try semaphore.open()
            try semaphore.reopenIfReplaced()
            guard timeout == nil else { return try semaphore.wait(timeout: timeout) }
            // Even "as long as it takes" must end when nobody can ever give the lock back.
            var abandoned = false
            while try !semaphore.wait(timeout: .seconds(1)) {
                if semaphore.isAbandoned { abandoned = true; break }
            }
            if !abandoned { return true }
        } catch {
            throw SharedMemoryError.fromErrno(error.rawValue, call: "sem_open/sem_clockwait",
                tr("lock: the semaphore for key \"{key}\" ({path})").filling(["key": memory.key, "path": semaphore.filePath]))
        }
        throw SharedMemoryError(.lockError,
            tr("lock: the lock of key \"{key}\" ({path}) is taken and no process has it open: a process was killed holding it. {holder}")
                .filling(["key": memory.key, "path": semaphore.filePath, "holder": holderDescription(memory)]))
    }

    func release(_ memory: SharedMemory) throws(SharedMemoryError) {
        do {
            try semaphore.post()
        } catch {
            throw SharedMemoryError.fromErrno(error.rawValue, call: "sem_post",
                tr("unlock: the semaphore for key \"{key}\" ({path})").filling(["key": memory.key, "path": semaphore.filePath]))
        }
    }

    func unreachableReason(_ memory: SharedMemory) -> String? {
        let path = PosixSegment.filePath(segmentName)
        guard let identity = MappingScan.identity(ofFile: path) else { return tr("its name {path} was unlinked").filling(["path": path]) }
        return identity.inode == inode ? nil : tr("its name {path} now names another segment").filling(["path": path])
    }

    func abandonment(_ memory: SharedMemory) -> SharedMemory.Abandonment? {
        guard let identity = MappingScan.identity(ofFile: PosixSegment.filePath(segmentName)),
              MappingScan.mappers(of: identity).isEmpty else { return nil }
        return .nobodyMapsIt
    }

    /// Every process mapping the segment (a /proc scan, see `MappingScan`).
    func peerCandidates(_ memory: SharedMemory) -> [pid_t] {
        guard let identity = MappingScan.identity(ofFile: PosixSegment.filePath(segmentName)) else { return [] }
        return MappingScan.mappers(of: identity)
    }

    func repairLock(_ memory: SharedMemory, force: Bool) throws(SharedMemoryError) -> SharedMemory.LockRepair {
        let key = memory.ipcKey
        let semaphorePath = semaphore.filePath
        guard MappingScan.identity(ofFile: semaphorePath) != nil else { return .noSemaphore }
        if !force, let segment = MappingScan.identity(ofFile: PosixSegment.filePath(segmentName)) {
            let users = MappingScan.mappers(of: segment, excluding: nil)
            if !users.isEmpty {
                throw SharedMemoryError(.lockError,
                    trn("repair: pid {pids} maps the segment of key {key}; it may hold the lock. Stop it first, or use --force if you are sure it does not hold it",
                        "repair: pid {pids} map the segment of key {key}; one of them may hold the lock. Stop them first, or use --force if you are sure none holds it",
                        users.count).filling(["pids": users.map(String.init).joined(separator: ", "), "key": "\(key)"]))
            }
        }
        // Opened without creating: sem_open(name, 0).
        do {
            try semaphore.openExisting()
        } catch {
            if error == .noSuchFileOrDirectory { return .noSemaphore }
            throw Self.failure(error, call: "sem_open", tr("repair: cannot open the semaphore {path} for key \"{key}\" ({native})")
                .filling(["path": semaphorePath, "key": memory.key, "native": memory.nativeKey]))
        }
        defer { semaphore.close() }
        // Taking it proves it was free; give it straight back.
        if (try? semaphore.wait(timeout: .zero)) == true {
            try? semaphore.post()
            return .wasFree
        }
        do {
            try semaphore.post()
        } catch {
            throw Self.failure(error, call: "sem_post", tr("repair: cannot release the semaphore {path} for key \"{key}\" ({native})")
                .filling(["path": semaphorePath, "key": memory.key, "native": memory.nativeKey]))
        }
        return .released
    }
}
