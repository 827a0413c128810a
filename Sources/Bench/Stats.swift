import SystemSupport
import Glibc

/// CLOCK_MONOTONIC in nanoseconds: the clock g_get_monotonic_time reads (in µs), so the viewer's
/// trace timestamps and ours are comparable.
func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// CPU time of the calling thread in nanoseconds.
func threadCPUNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// Sleeps for `milliseconds` (fractions allowed).
func sleepMilliseconds(_ milliseconds: Double) {
    guard milliseconds > 0 else { return }
    var request = timespec(tv_sec: Int(milliseconds / 1000),
                           tv_nsec: Int((milliseconds.truncatingRemainder(dividingBy: 1000)) * 1_000_000))
    var remaining = timespec()
    // On EINTR, sleep what is left (SystemCall.retrying would restart the whole request).
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}

/// Median and p95 of a set of samples (nearest-rank), plus their count.
struct Summary: Sendable {
    var median: Double
    var p95: Double
    var count: Int

    init?(_ samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        median = Self.rank(sorted, 0.50)
        p95 = Self.rank(sorted, 0.95)
        count = sorted.count
    }

    /// Nearest-rank percentile: the smallest sample with at least `fraction` of the samples at or below it.
    static func rank(_ sorted: [Double], _ fraction: Double) -> Double {
        let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(index, 0), sorted.count - 1)]
    }
}

/// Times `body` `repetitions` times, each time over `batch` calls, and returns nanoseconds per call.
/// Batching keeps clock_gettime's own ~20-30 ns out of sub-microsecond figures.
func timeBatches(repetitions: Int, batch: Int, warmUp: Int = 1, _ body: () throws -> Void) rethrows -> [Double] {
    for _ in 0..<warmUp { for _ in 0..<batch { try body() } }
    var samples: [Double] = []
    samples.reserveCapacity(repetitions)
    for _ in 0..<repetitions {
        let start = monotonicNanoseconds()
        for _ in 0..<batch { try body() }
        samples.append(Double(monotonicNanoseconds() - start) / Double(batch))
    }
    return samples
}

/// Converts nanoseconds per operation on `bytes` into GB/s (10^9 bytes per second).
func gigabytesPerSecond(bytes: Int, nanoseconds: [Double]) -> [Double] {
    nanoseconds.map { Double(bytes) / $0 }
}

/// Times each call of `body` on its own (for calls of microseconds and more), after `warmUp` untimed calls.
func timeEach(repetitions: Int, warmUp: Int = 1, _ body: () throws -> Void) rethrows -> [Double] {
    for _ in 0..<warmUp { try body() }
    var samples: [Double] = []
    samples.reserveCapacity(repetitions)
    for _ in 0..<repetitions {
        let start = monotonicNanoseconds()
        try body()
        samples.append(Double(monotonicNanoseconds() - start))
    }
    return samples
}
