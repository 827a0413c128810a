import SystemSupport
import Foundation

/// A value that only one serial queue touches (the `FileLoader` of a `BackgroundLoader`, the
/// `SegmentReader` of a `BackgroundReader`), which the compiler cannot see: hence unchecked.
final class Confined<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension DispatchQueue {
    /// Runs `work` on this queue after what is queued, and waits for it at most `limit`: for
    /// quitting, which must not hang on a hung disk or a held lock. False when it did not end in time.
    func run(waitingAtMost limit: Duration, _ work: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        async {
            work()
            done.signal()
        }
        return done.wait(timeout: .now() + .nanoseconds(limit.wholeNanoseconds)) == .success
    }
}
