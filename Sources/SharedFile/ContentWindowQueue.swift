import Foundation
import Synchronization

/// Makes `ContentWindow`s off the main loop, newest request first: a request made while an older
/// one waits replaces it (a drag of the scrollbar asks for dozens of windows; only the last is
/// made), and the answer of an older one is never delivered after a newer request was made.
public final class ContentWindowQueue: Sendable {
    private let queue = DispatchQueue(label: "org.sharedmemorygtk.Viewer.window")
    private let latest = Mutex(0)

    public init() {}

    /// Makes the window of `bytes` around `target` and hands it to `done` on the queue's thread,
    /// unless a newer request (or `cancel`) came meanwhile. Returns the request's number.
    @discardableResult
    public func make(_ bytes: [UInt8], around target: Int, limits: ContentWindow.Limits = .standard,
                     done: @escaping @Sendable (_ request: Int, ContentWindow) -> Void) -> Int {
        let request = latest.withLock { value -> Int in
            value += 1
            return value
        }
        queue.async { [self] in
            guard isLatest(request) else { return }
            let window = ContentWindow(bytes, around: target, limits: limits)
            guard isLatest(request) else { return }
            done(request, window)
        }
        return request
    }

    /// Whether `request` is the newest one.
    public func isLatest(_ request: Int) -> Bool { latest.withLock { $0 } == request }

    /// Drops every request made so far.
    public func cancel() { latest.withLock { $0 += 1 } }
}
