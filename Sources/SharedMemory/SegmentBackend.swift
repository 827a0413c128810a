#if canImport(Glibc)
import Glibc
#endif

/// One kind of kernel object behind a ``SharedMemory``: System V (`shmget`, `semop`) or POSIX
/// (`shm_open`, `sem_open`). `SharedMemory` checks the arguments and keeps the mapping and the
/// lock flag; the backend makes, finds, locks and removes the objects of its kind. One instance
/// per `SharedMemory`, chosen once from the key.
protocol SegmentBackend: AnyObject {
    /// Makes the segment (replacing a stale one) and maps it, under the lock.
    func create(_ memory: SharedMemory, size: Int, access: SharedMemory.AccessMode) throws(SharedMemoryError)
    /// Maps the existing segment, under the lock; `notFound` leaves nothing behind.
    func attach(_ memory: SharedMemory, access: SharedMemory.AccessMode) throws(SharedMemoryError)
    /// Unmaps; the last one out removes the segment and the semaphore. Never fails.
    func detach(_ memory: SharedMemory)
    /// Takes the semaphore: nil waits as long as it takes, zero only tries. false when the time ran out.
    func acquire(_ memory: SharedMemory, timeout: Duration?) throws(SharedMemoryError) -> Bool
    /// Gives the semaphore back.
    func release(_ memory: SharedMemory) throws(SharedMemoryError)
    /// After a failed create/attach or a lock without a segment: a semaphore this instance made
    /// goes when nothing is left for it.
    func releaseSemaphoreIfUnused(_ memory: SharedMemory)
    /// Who holds the lock, in words, for a timeout's message.
    func holderDescription(_ memory: SharedMemory) -> String
    /// See ``SharedMemory/unreachableReason()``; called only while attached.
    func unreachableReason(_ memory: SharedMemory) -> String?
    /// See ``SharedMemory/abandonment()``; called only while attached.
    func abandonment(_ memory: SharedMemory) -> SharedMemory.Abandonment?
    /// Processes that may use the attached segment (not yet filtered); called only while attached.
    func peerCandidates(_ memory: SharedMemory) -> [pid_t]
    /// See ``SharedMemory/repairLock(_:force:)``, on a fresh, detached instance.
    func repairLock(_ memory: SharedMemory, force: Bool) throws(SharedMemoryError) -> SharedMemory.LockRepair
}
