#if canImport(Glibc)
import Glibc
#endif

extension Duration {
    /// The whole nanoseconds of the duration (sub-nanosecond parts dropped), clamped to `Int`:
    /// what timespec, DispatchTime and futex waits take.
    public var wholeNanoseconds: Int {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (total, overflowAgain) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        guard !overflowAgain else { return seconds < 0 ? .min : .max }
        return Int(total)
    }

    /// A relative `timespec` for the duration (negative durations become zero).
    public var timespec: Glibc.timespec {
        let nanoseconds = max(0, wholeNanoseconds)
        return Glibc.timespec(tv_sec: nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
    }
}
