import CSysV
#if canImport(Glibc)
import Glibc
#endif

/// A 32-bit word in shared memory that processes use to wake each other (a futex). Writers
/// increment it and wake every waiter; a waiter sleeps until it differs from the value it last
/// saw. Only changes mean something, never the value. It is no lock and carries no data.
///
/// The word must be 4-byte aligned and stay mapped for as long as anyone waits on it.
public struct SharedWord: @unchecked Sendable {
    /// The word's address in the mapping.
    public let address: UnsafeMutablePointer<UInt32>

    /// Views the 4 bytes at `address` as the word; nil when `address` is not 4-byte aligned
    /// (the kernel refuses a futex there).
    public init?(_ address: UnsafeMutableRawPointer) {
        guard Int(bitPattern: address) % 4 == 0 else { return nil }
        self.address = address.assumingMemoryBound(to: UInt32.self)
    }

    /// The current value (an atomic load).
    public var value: UInt32 { csysv_atomic_load32(address) }

    /// Increments the word and wakes every waiter, in every process.
    public func signal() {
        _ = csysv_atomic_increment32(address)
        _ = csysv_futex_wake(address)
    }

    /// Wakes every waiter without changing the word: each sees no change and checks why it woke
    /// (used to stop a waiting thread).
    public func wakeWaiters() { _ = csysv_futex_wake(address) }

    /// How a wait ended.
    public enum WaitResult: Sendable, Equatable {
        /// The word differs from the expected value; here is the new one.
        case changed(UInt32)
        /// Woken (or interrupted) with the word unchanged.
        case woken
        /// The time ran out with the word unchanged.
        case timedOut
    }

    /// Sleeps while the word equals `expected`, at most `timeoutMilliseconds` (negative: no limit).
    public func wait(whileEqualTo expected: UInt32, timeoutMilliseconds: Int32) -> WaitResult {
        let result = csysv_futex_wait(address, expected, timeoutMilliseconds)
        let failure = result == 0 ? 0 : errno
        let now = value
        if now != expected { return .changed(now) }
        return failure == ETIMEDOUT ? .timedOut : .woken
    }
}
