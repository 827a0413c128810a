import SystemSupport
import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The POSIX backend (Qt 6.6's default on Linux): Qt's names, flags, modes and semaphore, and
/// three things Qt does not do (docs/PROTOCOL.md): the last process out unlinks the segment and
/// the semaphore when nobody else maps them; `create` replaces a segment that nobody maps; and a
/// lock left taken by a killed process makes every wait fail within its bound, naming the repair.
final class PosixBackend: SegmentBackend {
    let segmentName: String
    let semaphore: PosixSemaphore
    /// The open segment while attached (kept for fstat: size, identity).
    var descriptor: FileDescriptor?
    /// The inode of the attached segment: a name that now names another inode is not ours.
    var inode: UInt64 = 0

    init(segmentName: String, semaphoreName: String) {
        self.segmentName = segmentName
        semaphore = PosixSemaphore(name: semaphoreName)
    }

    func create(_ memory: SharedMemory, size: Int, access: SharedMemory.AccessMode) throws(SharedMemoryError) {
        try openSemaphore(memory, "create")
        do throws(SharedMemoryError) {
            try memory.withSetupLock("create") { () throws(SharedMemoryError) in
                let fd = try createSegment(memory, size: size)
                do throws(SharedMemoryError) {
                    try map(memory, fd, access: access, call: "create")
                } catch {
                    PosixSegment.unlink(segmentName)  // nobody else can know it yet
                    throw error
                }
            }
        } catch {
            releaseSemaphoreIfUnused(memory)
            throw error
        }
    }

    func attach(_ memory: SharedMemory, access: SharedMemory.AccessMode) throws(SharedMemoryError) {
        // Look first without side effects, so that a missing segment creates no semaphore.
        guard MappingScan.identity(ofFile: PosixSegment.filePath(segmentName)) != nil else {
            throw memory.notFound("attach")
        }
        try openSemaphore(memory, "attach")
        do throws(SharedMemoryError) {
            try memory.withSetupLock("attach") { () throws(SharedMemoryError) in
                let fd: FileDescriptor
                do throws(SystemPackage.Errno) {
                    fd = try PosixSegment.open(segmentName, readOnly: access == .readOnly)
                } catch {
                    if error == .noSuchFileOrDirectory { throw memory.notFound("attach") }
                    throw Self.failure(error, call: "shm_open",
                        tr("attach: cannot open the segment for key \"{key}\" ({path})").filling(["key": memory.key, "path": memory.nativeKey]))
                }
                try map(memory, fd, access: access, call: "attach")
            }
        } catch {
            releaseSemaphoreIfUnused(memory)
            throw error
        }
    }

    /// Unmaps; under the lock, the last one out (nobody else maps the segment) unlinks it, and
    /// the semaphore too when no other process has it open.
    func detach(_ memory: SharedMemory) {
        guard let address = memory.address else {
            if memory.lockedByMe { memory.lockedByMe = false; try? semaphore.post() }
            releaseSemaphoreIfUnused(memory)
            return
        }
        var holding = memory.lockedByMe
        if !holding { holding = (try? semaphore.wait(timeout: memory.setupLockTimeout)) ?? false }
        munmap(address, memory.size)
        try? descriptor?.close()
        descriptor = nil
        memory.forgetMapping()
        memory.lockedByMe = false
        var removed = false
        let path = PosixSegment.filePath(segmentName)
        if holding, let identity = MappingScan.identity(ofFile: path), identity.inode == inode,
           MappingScan.mappers(of: identity, excluding: nil).isEmpty {
            PosixSegment.unlink(segmentName)
            removed = true
        }
        if holding { try? semaphore.post() }
        if removed, semaphoreIsOnlyOurs() { PosixSemaphore.unlink(semaphore.name) }
        semaphore.close()
    }

    /// Opens (or makes) the lock's semaphore.
    private func openSemaphore(_ memory: SharedMemory, _ call: String) throws(SharedMemoryError) {
        do {
            try semaphore.open()
        } catch {
            throw Self.failure(error, call: "sem_open(O_CREAT|O_EXCL, 0600, 1)",
                               tr("{call}: cannot open the lock's semaphore {path} for key \"{key}\" ({native})")
                                   .filling(["call": call, "path": semaphore.filePath, "key": memory.key, "native": memory.nativeKey]))
        }
        if let identity = MappingScan.identity(ofFile: semaphore.filePath), identity.ownerUID != geteuid() {
            semaphore.close()
            throw SharedMemoryError(.permissionDenied,
                tr("{call}: the lock's semaphore {path} for key \"{key}\" is owned by uid {owner}, not by this user (uid {uid}); refusing to use it")
                    .filling(["call": call, "path": semaphore.filePath, "key": memory.key,
                              "owner": "\(identity.ownerUID)", "uid": "\(geteuid())"]))
        }
    }

    /// shm_open(O_CREAT|O_EXCL) + ftruncate; a segment that nobody maps, owned by this user with
    /// Qt's mode, is a leftover (Qt never unlinks on Linux) and is replaced, once or twice.
    private func createSegment(_ memory: SharedMemory, size: Int) throws(SharedMemoryError) -> FileDescriptor {
        let path = PosixSegment.filePath(segmentName)
        for _ in 0..<3 {
            do {
                return try PosixSegment.create(segmentName, size: size)
            } catch where error == .fileExists {
                guard let existing = MappingScan.identity(ofFile: path) else { continue }  // gone meanwhile
                let mappers = MappingScan.mappers(of: existing, excluding: nil)
                guard mappers.isEmpty, existing.ownerUID == geteuid(),
                      existing.permissions == PosixSegment.creationMode else {
                    let message = mappers.isEmpty
                        ? trn("create: a segment for key \"{key}\" already exists ({path}, {size} byte, owned by uid {owner}, mode {mode}); attach to it instead, or stop the process that holds it",
                              "create: a segment for key \"{key}\" already exists ({path}, {size} bytes, owned by uid {owner}, mode {mode}); attach to it instead, or stop the process that holds it",
                              existing.size)
                        : trn("create: a segment for key \"{key}\" already exists ({path}, {size} byte, mapped by pid {pids}); attach to it instead, or stop the process that holds it",
                              "create: a segment for key \"{key}\" already exists ({path}, {size} bytes, mapped by pid {pids}); attach to it instead, or stop the process that holds it",
                              existing.size)
                    throw SharedMemoryError(.alreadyExists, message.filling([
                        "key": memory.key, "path": path, "size": existing.size.localizedDigits, "owner": "\(existing.ownerUID)",
                        "mode": String(existing.permissions, radix: 8), "pids": mappers.map(String.init).joined(separator: ", ")]))
                }
                PosixSegment.unlink(segmentName)  // a leftover: nobody maps it
            } catch {
                let values: KeyValuePairs = ["size": size.localizedDigits, "key": memory.key, "path": path, "error": error.explanation]
                if error == .invalidArgument || error == .fileTooLarge || error == .noSpace {
                    throw SharedMemoryError(.invalidSize,
                        trn("create: cannot create a segment of {size} byte for key \"{key}\" ({path}): {error}; the size is outside the system limits (or /dev/shm is full: see `df /dev/shm`)",
                            "create: cannot create a segment of {size} bytes for key \"{key}\" ({path}): {error}; the size is outside the system limits (or /dev/shm is full: see `df /dev/shm`)",
                            size).filling(values))
                }
                throw Self.failure(error, call: "shm_open/ftruncate",
                    trn("create: cannot create a segment of {size} byte for key \"{key}\" ({path})",
                        "create: cannot create a segment of {size} bytes for key \"{key}\" ({path})", size).filling(values))
            }
        }
        throw SharedMemoryError(.alreadyExists,
            tr("create: the segment for key \"{key}\" ({path}) keeps reappearing; another process is creating it")
                .filling(["key": memory.key, "path": path]))
    }

    private func map(_ memory: SharedMemory, _ fd: FileDescriptor, access: SharedMemory.AccessMode, call: String) throws(SharedMemoryError) {
        let path = PosixSegment.filePath(segmentName)
        let failure = { (error: SystemPackage.Errno) in
            Self.failure(error, call: "fstat/mmap",
                tr("{call}: cannot map the segment for key \"{key}\" ({path})").filling(["call": call, "key": memory.key, "path": memory.nativeKey]))
        }
        let size: Int, inode: UInt64, owner: uid_t
        do throws(SystemPackage.Errno) {
            (size, inode, owner) = try PosixSegment.size(fd)
        } catch {
            try? fd.close()
            throw failure(error)
        }
        // /dev/shm is shared by every user: unlike Qt, never use what someone else put there.
        guard owner == geteuid() else {
            try? fd.close()
            throw SharedMemoryError(.permissionDenied,
                tr("{call}: the segment for key \"{key}\" ({path}) is owned by uid {owner}, not by this user (uid {uid}); refusing to use it")
                    .filling(["call": call, "key": memory.key, "path": path, "owner": "\(owner)", "uid": "\(geteuid())"]))
        }
        guard size > 0 else {
            try? fd.close()
            throw SharedMemoryError(.invalidSize,
                tr("{call}: the segment for key \"{key}\" ({path}) has size 0; its creator did not finish making it. Remove it with `sharedmemory-ctl remove`")
                    .filling(["call": call, "key": memory.key, "path": path]))
        }
        let address: UnsafeMutableRawPointer
        do throws(SystemPackage.Errno) {
            address = try PosixSegment.map(fd, size: size, readOnly: access == .readOnly)
        } catch {
            try? fd.close()
            throw failure(error)
        }
        memory.adoptMapping(address, size: size, access: access)
        self.inode = inode
        descriptor = fd
    }

    /// A semaphore with no other process mapping it: ours alone to unlink.
    private func semaphoreIsOnlyOurs() -> Bool {
        guard let identity = MappingScan.identity(ofFile: semaphore.filePath) else { return false }
        return MappingScan.mappers(of: identity).isEmpty
    }

    /// After a failed create/attach or a lock without a segment: a semaphore this instance made
    /// goes when no segment and no other process is left for it, so nothing leaks.
    func releaseSemaphoreIfUnused(_ memory: SharedMemory) {
        guard !memory.lockedByMe, !memory.isAttached, semaphore.handle != nil else { return }
        if semaphore.created,
           MappingScan.identity(ofFile: PosixSegment.filePath(segmentName)) == nil,
           semaphoreIsOnlyOurs() {
            PosixSemaphore.unlink(semaphore.name)
        }
        semaphore.close()
    }

    static func failure(_ error: SystemPackage.Errno, call: String, _ what: String) -> SharedMemoryError {
        SharedMemoryError.fromErrno(error.rawValue, call: call, what)
    }

    /// What a lock timeout says with a POSIX semaphore: it records no holder, so name who has it
    /// open and how to repair a lock that a killed process left taken.
    func holderDescription(_ memory: SharedMemory) -> String {
        var holder = tr("a POSIX semaphore does not record its holder")
        if let identity = MappingScan.identity(ofFile: semaphore.filePath) {
            let others = MappingScan.mappers(of: identity)
            holder = others.isEmpty
                ? tr("a POSIX semaphore does not record its holder; no other process has it open, so its holder is gone")
                : tr("a POSIX semaphore does not record its holder; processes that have it open: pid {pids}")
                    .filling(["pids": others.map(String.init).joined(separator: ", ")])
        }
        // TRANSLATORS: {holder} is one of the "a POSIX semaphore does not record its holder…" sentences.
        return tr("{holder}. If a process was killed while holding it (Qt never gives it back then), repair it with `sharedmemory-ctl repair --native-key '{key}'` once its users are stopped")
            .filling(["holder": holder, "key": "\(memory.ipcKey)"])
    }
}
