import SystemSupport
import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

extension SharedMemory {
    /// Takes the lock, waiting as long as it takes. The lock is not recursive: locking twice
    /// from the same instance throws `lockError`. If this process dies holding a System V lock,
    /// the kernel releases it (SEM_UNDO); a POSIX lock stays taken, so with a POSIX key this
    /// throws `lockError` once the lock is taken and no other process has it open.
    public func lock() throws(SharedMemoryError) {
        if lockedByMe || !keyIsUsable { try checkNotLocked("lock") }
        _ = try backend.acquire(self, timeout: nil)
        lockedByMe = true
    }

    /// Takes the lock if it is free right now; false when another holder has it.
    public func tryLock() throws(SharedMemoryError) -> Bool {
        try lock(timeout: .zero)
    }

    /// Takes the lock, waiting at most `timeout`; false when the timeout passed.
    public func lock(timeout: Duration) throws(SharedMemoryError) -> Bool {
        if lockedByMe || !keyIsUsable { try checkNotLocked("lock") }
        guard try backend.acquire(self, timeout: timeout) else { return false }
        lockedByMe = true
        return true
    }

    /// Releases the lock taken by this instance; `lockError` when it does not hold it.
    public func unlock() throws(SharedMemoryError) {
        guard lockedByMe else {
            throw SharedMemoryError(.lockError, tr("unlock: this SharedMemory for key \"{key}\" does not hold the lock").filling(["key": key]))
        }
        lockedByMe = false
        try backend.release(self)
    }

    /// Locks (waiting at most `timeout` when given; a timeout throws `lockError` naming the
    /// holder), runs `body` on the mapped bytes and unlocks. Throws `notFound` when not attached.
    ///
    /// `body` cannot throw, so the only errors are the lock's: return a `Result` (or an optional)
    /// to carry a failure of your own out of it.
    public func withLock<R>(timeout: Duration? = nil,
                            _ body: (UnsafeMutableRawBufferPointer) -> R) throws(SharedMemoryError) -> R {
        guard let data else {
            throw SharedMemoryError(.notFound,
                tr("withLock: this SharedMemory for key \"{key}\" is not attached; create or attach first").filling(["key": key]))
        }
        if let timeout {
            guard try lock(timeout: timeout) else { throw lockTimedOut("withLock", timeout) }
        } else {
            try lock()
        }
        let result = body(data)
        try unlock()
        return result
    }

    /// Runs `body` holding the lock, as Qt does around create/attach/detach, waiting at most
    /// ``setupLockTimeout``. When this instance already holds the lock it is used as is.
    func withSetupLock<R>(_ call: String, _ body: () throws(SharedMemoryError) -> R) throws(SharedMemoryError) -> R {
        if lockedByMe { return try body() }
        guard try backend.acquire(self, timeout: setupLockTimeout) else { throw lockTimedOut(call, setupLockTimeout) }
        let result: R
        do throws(SharedMemoryError) {
            result = try body()
        } catch {
            try? backend.release(self)
            throw error
        }
        try backend.release(self)
        return result
    }

    func lockTimedOut(_ call: String, _ timeout: Duration) -> SharedMemoryError {
        SharedMemoryError(.lockError,
            // No "{call}:" first: the lock is what timed out, whichever call took it ("Unable to lock
            // shared memory: attach: timed out" read wrong).
            tr("timed out after {time} waiting for the lock of key \"{key}\" ({path}); {holder}")
                .filling(["time": Self.describe(timeout), "key": key, "path": semaphoreNativeKey,
                          "holder": backend.holderDescription(self)]))
    }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.wholeNanoseconds / 1_000_000
        return milliseconds % 1000 == 0
            ? tr("{seconds} s").filling(["seconds": (milliseconds / 1000).localizedDigits])
            : tr("{milliseconds} ms").filling(["milliseconds": milliseconds.localizedDigits])
    }

    /// Before taking the lock: a key that cannot work is a `keyError` (as create and attach say),
    /// a lock already held by this instance a `lockError`.
    @inline(never)
    private func checkNotLocked(_ call: String) throws(SharedMemoryError) {
        if lockedByMe {
            throw SharedMemoryError(.lockError,
                tr("{call}: this SharedMemory for key \"{key}\" already holds the lock (it is not recursive)")
                    .filling(["call": call, "key": key]))
        }
        guard !nativeKey.isEmpty else { throw emptyKey(call) }
        try checkKey(call)
    }
}
