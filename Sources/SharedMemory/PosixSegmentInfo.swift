import Localization
#if canImport(Glibc)
import Glibc
#endif

/// What exists in /dev/shm for a POSIX key, read without creating anything (`sharedmemory-ctl info`).
/// `mappedBy` comes from /proc/PID/maps: other users' processes are not seen unless we are root.
public struct PosixSegmentInfo: Sendable, Equatable {
    /// The segment or the semaphore, as a file in /dev/shm.
    public struct Object: Sendable, Equatable {
        /// The file in /dev/shm.
        public var path: String
        /// Its size in bytes.
        public var size: Int
        /// Permission bits, 0o600 when made by Qt or this library.
        public var permissions: UInt32
        /// The user that owns it.
        public var ownerUID: UInt32
        /// Processes that map it, as far as /proc shows.
        public var mappedBy: [Int32]
    }

    /// The key that was looked up.
    public var key: NativeIpcKey
    /// nil when there is no segment.
    public var segment: Object?
    /// nil when there is no semaphore.
    public var semaphore: Object?
    /// 1 free, 0 taken; nil when there is no semaphore (or it cannot be opened).
    public var semaphoreValue: Int?

    /// Nobody maps the segment: Qt's leftover (Qt never unlinks); `create` replaces it.
    public var isStale: Bool { segment.map { $0.mappedBy.isEmpty } ?? false }
    /// Taken while no process has the semaphore open: a killed holder's, for `repair`.
    public var lockIsAbandoned: Bool { semaphoreValue == 0 && (semaphore?.mappedBy.isEmpty ?? false) }
}

extension SharedMemory {
    /// What exists for a POSIX key; `notFound` when there is neither segment nor semaphore.
    public static func posixInfo(_ key: NativeIpcKey) throws(SharedMemoryError) -> PosixSegmentInfo {
        guard !key.nativeKey.isEmpty else { throw SharedMemoryError(.keyError, tr("info: the key is empty; give a non-empty key")) }
        guard key.type == .posixRealtime else { throw SharedMemoryError(.keyError, tr("info: {key} is not a POSIX key").filling(["key": "\(key)"])) }
        if let problem = key.problem { throw SharedMemoryError(.keyError, tr("info: the key {key} cannot be used: {problem}").filling(["key": "\(key)", "problem": problem])) }
        func object(_ path: String) -> PosixSegmentInfo.Object? {
            MappingScan.identity(ofFile: path).map {
                PosixSegmentInfo.Object(path: path, size: $0.size, permissions: UInt32($0.permissions),
                                        ownerUID: $0.ownerUID, mappedBy: MappingScan.mappers(of: $0, excluding: nil))
            }
        }
        let semaphoreName = key.semaphoreKey.nativeKey
        var info = PosixSegmentInfo(key: key, segment: object(PosixSegment.filePath(key.nativeKey)),
                                    semaphore: object(PosixSemaphore.filePath(semaphoreName)))
        if info.semaphore != nil {
            let semaphore = PosixSemaphore(name: semaphoreName)
            if (try? semaphore.openExisting()) != nil { info.semaphoreValue = semaphore.value }
            semaphore.close()
        }
        if info.segment == nil && info.semaphore == nil {
            throw SharedMemoryError(.notFound,
                tr("info: nothing exists for key {key}: no {segment}, no {semaphore}").filling([
                    "key": "\(key)", "segment": PosixSegment.filePath(key.nativeKey),
                    "semaphore": PosixSemaphore.filePath(semaphoreName)]))
        }
        return info
    }

    /// Unlinks the segment and the semaphore of a POSIX key. Refuses (`permissionDenied`) while
    /// a process maps the segment, unless `force`: those keep their mapping, new ones will not
    /// find it.
    public static func removePosix(_ key: NativeIpcKey, force: Bool) throws(SharedMemoryError) {
        let info = try posixInfo(key)
        if let segment = info.segment, !segment.mappedBy.isEmpty, !force {
            throw SharedMemoryError(.permissionDenied,
                trn("remove: pid {pids} maps the segment of key {key} ({path}); it is in use, not stale. Stop that process, or use --force",
                    "remove: pid {pids} map the segment of key {key} ({path}); it is in use, not stale. Stop those processes, or use --force",
                    segment.mappedBy.count)
                    .filling(["pids": segment.mappedBy.map(String.init).joined(separator: ", "), "key": "\(key)", "path": segment.path]))
        }
        var failures: [String] = []
        if info.segment != nil, shm_unlink(key.nativeKey) != 0, errno != ENOENT {
            failures.append("shm_unlink \(key.nativeKey): \(SharedMemoryError.errnoText(errno))")  // notr: call, name, system text
        }
        if info.semaphore != nil, sem_unlink(key.semaphoreKey.nativeKey) != 0, errno != ENOENT {
            failures.append("sem_unlink \(key.semaphoreKey.nativeKey): \(SharedMemoryError.errnoText(errno))")  // notr: call, name, system text
        }
        if !failures.isEmpty {
            throw SharedMemoryError(failures.contains { $0.contains("EACCES") || $0.contains("EPERM") } ? .permissionDenied : .unknown,
                                    tr("remove: key {key}: {failures}").filling(["key": "\(key)", "failures": failures.joined(separator: "; ")]))
        }
    }
}
