import Foundation
import Synchronization

/// Decodes pictures on a queue of its own (`PictureDecoder`) and hands each result to the main
/// loop; a newer request makes an older result be dropped, and a request still waiting be skipped.
public final class PictureDecodeQueue: Sendable {
    private let queue = DispatchQueue(label: "org.sharedmemorygtk.Viewer.pictures")   // notr: a queue label
    private let latest = Mutex(0)

    public init() {}

    /// Decodes `bytes` with GdkPixbuf's `loaderType` loader; `done` runs on the main loop unless a
    /// newer request came meanwhile.
    public func decode(_ bytes: [UInt8], loaderType: String, isVector: Bool,
                       done: @escaping @MainActor @Sendable (DecodedPicture) -> Void) {
        let request = latest.withLock { value -> Int in
            value += 1
            return value
        }
        queue.async { [self] in
            guard latest.withLock({ $0 }) == request else { return }
            let picture = PictureDecoder.decode(bytes, loaderType: loaderType, isVector: isVector)
            guard latest.withLock({ $0 }) == request else { return }
            MainLoop.wakeFromAnyThread { [self] in
                guard latest.withLock({ $0 }) == request else { return }
                done(picture)
            }
        }
    }

    /// Drops any running or waiting request's result.
    public func cancel() { latest.withLock { $0 += 1 } }
}
