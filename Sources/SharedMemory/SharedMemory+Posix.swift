import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// What the POSIX backend keeps while a `SharedMemory` with a `posix:` key lives.
final class PosixState {
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
}

/// The POSIX backend (Qt 6.6's default on Linux): Qt's names, flags, modes and semaphore, and
/// three things Qt does not do (docs/PROTOCOL.md): the last process out unlinks the segment and
/// the semaphore when nobody else maps them; `create` replaces a segment that nobody maps; and a
/// lock left taken by a killed process makes every wait fail within its bound, naming the repair.
extension SharedMemory {
    func posixCreate(_ posix: PosixState, size: Int, access: AccessMode) throws {
        try posixOpenSemaphore(posix, "create")
        do {
            try withSetupLock("create") {
                let fd = try posixCreateSegment(posix, size: size)
                do {
                    try posixMap(posix, fd, access: access, call: "create")
                } catch {
                    PosixSegment.unlink(posix.segmentName)  // nobody else can know it yet
                    throw error
                }
            }
        } catch {
            posixReleaseSemaphoreIfUnused(posix)
            throw error
        }
    }

    func posixAttach(_ posix: PosixState, access: AccessMode) throws {
        // Look first without side effects, so that a missing segment creates no semaphore.
        guard MappingScan.identity(ofFile: PosixSegment.filePath(posix.segmentName)) != nil else {
            throw notFound("attach")
        }
        try posixOpenSemaphore(posix, "attach")
        do {
            try withSetupLock("attach") {
                let fd: FileDescriptor
                do throws(SystemPackage.Errno) {
                    fd = try PosixSegment.open(posix.segmentName, readOnly: access == .readOnly)
                } catch {
                    if error == .noSuchFileOrDirectory { throw notFound("attach") }
                    throw posixFailure(error, call: "shm_open",
                        tr("attach: cannot open the segment for key \"{key}\" ({path})").filling(["key": key, "path": nativeKey]))
                }
                try posixMap(posix, fd, access: access, call: "attach")
            }
        } catch {
            posixReleaseSemaphoreIfUnused(posix)
            throw error
        }
    }

    /// Unmaps; under the lock, the last one out (nobody else maps the segment) unlinks it, and
    /// the semaphore too when no other process has it open.
    func posixDetach(_ posix: PosixState) {
        guard let address else {
            if lockedByMe { lockedByMe = false; try? posix.semaphore.post() }
            posixReleaseSemaphoreIfUnused(posix)
            return
        }
        var holding = lockedByMe
        if !holding { holding = (try? posix.semaphore.wait(timeout: setupLockTimeout)) ?? false }
        munmap(address, mappedSize)
        try? posix.descriptor?.close()
        posix.descriptor = nil
        self.address = nil
        mappedSize = 0
        accessMode = nil
        lockedByMe = false
        var removed = false
        let path = PosixSegment.filePath(posix.segmentName)
        if holding, let identity = MappingScan.identity(ofFile: path), identity.inode == posix.inode,
           MappingScan.mappers(of: identity, excluding: nil).isEmpty {
            PosixSegment.unlink(posix.segmentName)
            removed = true
        }
        if holding { try? posix.semaphore.post() }
        if removed, posixSemaphoreIsOnlyOurs(posix) { PosixSemaphore.unlink(posix.semaphore.name) }
        posix.semaphore.close()
    }

    /// Opens (or makes) the lock's semaphore.
    private func posixOpenSemaphore(_ posix: PosixState, _ call: String) throws {
        do {
            try posix.semaphore.open()
        } catch {
            throw posixFailure(error, call: "sem_open(O_CREAT|O_EXCL, 0600, 1)",
                               tr("{call}: cannot open the lock's semaphore {path} for key \"{key}\" ({native})")
                                   .filling(["call": call, "path": posix.semaphore.filePath, "key": key, "native": nativeKey]))
        }
        if let identity = MappingScan.identity(ofFile: posix.semaphore.filePath), identity.ownerUID != geteuid() {
            posix.semaphore.close()
            throw SharedMemoryError(.permissionDenied,
                tr("{call}: the lock's semaphore {path} for key \"{key}\" is owned by uid {owner}, not by this user (uid {uid}); refusing to use it")
                    .filling(["call": call, "path": posix.semaphore.filePath, "key": key,
                              "owner": "\(identity.ownerUID)", "uid": "\(geteuid())"]))
        }
    }

    /// shm_open(O_CREAT|O_EXCL) + ftruncate; a segment that nobody maps, owned by this user with
    /// Qt's mode, is a leftover (Qt never unlinks on Linux) and is replaced, once or twice.
    private func posixCreateSegment(_ posix: PosixState, size: Int) throws -> FileDescriptor {
        let path = PosixSegment.filePath(posix.segmentName)
        for _ in 0..<3 {
            do {
                return try PosixSegment.create(posix.segmentName, size: size)
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
                        "key": key, "path": path, "size": existing.size.localizedDigits, "owner": "\(existing.ownerUID)",
                        "mode": String(existing.permissions, radix: 8), "pids": mappers.map(String.init).joined(separator: ", ")]))
                }
                PosixSegment.unlink(posix.segmentName)  // a leftover: nobody maps it
            } catch {
                let values: KeyValuePairs = ["size": size.localizedDigits, "key": key, "path": path, "error": error.explanation]
                if error == .invalidArgument || error == .fileTooLarge || error == .noSpace {
                    throw SharedMemoryError(.invalidSize,
                        trn("create: cannot create a segment of {size} byte for key \"{key}\" ({path}): {error}; the size is outside the system limits (or /dev/shm is full: see `df /dev/shm`)",
                            "create: cannot create a segment of {size} bytes for key \"{key}\" ({path}): {error}; the size is outside the system limits (or /dev/shm is full: see `df /dev/shm`)",
                            size).filling(values))
                }
                throw posixFailure(error, call: "shm_open/ftruncate",
                    trn("create: cannot create a segment of {size} byte for key \"{key}\" ({path})",
                        "create: cannot create a segment of {size} bytes for key \"{key}\" ({path})", size).filling(values))
            }
        }
        throw SharedMemoryError(.alreadyExists,
            tr("create: the segment for key \"{key}\" ({path}) keeps reappearing; another process is creating it")
                .filling(["key": key, "path": path]))
    }

    private func posixMap(_ posix: PosixState, _ fd: FileDescriptor, access: AccessMode, call: String) throws {
        do {
            let (size, inode, owner) = try PosixSegment.size(fd)
            // /dev/shm is shared by every user: unlike Qt, never use what someone else put there.
            guard owner == geteuid() else {
                throw SharedMemoryError(.permissionDenied,
                    tr("{call}: the segment for key \"{key}\" ({path}) is owned by uid {owner}, not by this user (uid {uid}); refusing to use it")
                        .filling(["call": call, "key": key, "path": PosixSegment.filePath(posix.segmentName),
                                  "owner": "\(owner)", "uid": "\(geteuid())"]))
            }
            guard size > 0 else {
                throw SharedMemoryError(.invalidSize,
                    tr("{call}: the segment for key \"{key}\" ({path}) has size 0; its creator did not finish making it. Remove it with `sharedmemory-ctl remove`")
                        .filling(["call": call, "key": key, "path": PosixSegment.filePath(posix.segmentName)]))
            }
            address = try PosixSegment.map(fd, size: size, readOnly: access == .readOnly)
            mappedSize = size
            posix.inode = inode
            posix.descriptor = fd
            accessMode = access
        } catch let error as SystemPackage.Errno {
            try? fd.close()
            throw posixFailure(error, call: "fstat/mmap",
                tr("{call}: cannot map the segment for key \"{key}\" ({path})").filling(["call": call, "key": key, "path": nativeKey]))
        } catch {
            try? fd.close()
            throw error
        }
    }

    /// A semaphore with no other process mapping it: ours alone to unlink.
    private func posixSemaphoreIsOnlyOurs(_ posix: PosixState) -> Bool {
        guard let identity = MappingScan.identity(ofFile: posix.semaphore.filePath) else { return false }
        return MappingScan.mappers(of: identity).isEmpty
    }

    /// After a failed create/attach or a lock without a segment: a semaphore this instance made
    /// goes when no segment and no other process is left for it, so nothing leaks.
    func posixReleaseSemaphoreIfUnused(_ posix: PosixState) {
        guard !lockedByMe, !isAttached, posix.semaphore.handle != nil else { return }
        if posix.semaphore.created,
           MappingScan.identity(ofFile: PosixSegment.filePath(posix.segmentName)) == nil,
           posixSemaphoreIsOnlyOurs(posix) {
            PosixSemaphore.unlink(posix.semaphore.name)
        }
        posix.semaphore.close()
    }

    func posixFailure(_ error: SystemPackage.Errno, call: String, _ what: String) -> SharedMemoryError {
        SharedMemoryError.fromErrno(error.rawValue, call: call, what)
    }

    /// What a lock timeout says with a POSIX semaphore: it records no holder, so name who has it
    /// open and how to repair a lock that a killed process left taken.
    func posixHolderDescription(_ posix: PosixState) -> String {
        var holder = tr("a POSIX semaphore does not record its holder")
        if let identity = MappingScan.identity(ofFile: posix.semaphore.filePath) {
            let others = MappingScan.mappers(of: identity)
            holder = others.isEmpty
                ? tr("a POSIX semaphore does not record its holder; no other process has it open, so its holder is gone")
                : tr("a POSIX semaphore does not record its holder; processes that have it open: pid {pids}")
                    .filling(["pids": others.map(String.init).joined(separator: ", ")])
        }
        // TRANSLATORS: {holder} is one of the "a POSIX semaphore does not record its holder…" sentences.
        return tr("{holder}. If a process was killed while holding it (Qt never gives it back then), repair it with `sharedmemory-ctl repair --native-key '{key}'` once its users are stopped")
            .filling(["holder": holder, "key": "\(ipcKey)"])
    }
}
