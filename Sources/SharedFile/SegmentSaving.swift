import Foundation
import SharedMemory
import SystemPackage

/// What "Save As…" did, as a value; the words come from `Messages.saved`.
public enum SaveOutcome: Sendable, Equatable {
    /// The file holds the segment's payload, `bytes` long.
    case saved(FilePath, bytes: Int)
    /// The segment holds nothing loaded yet (the viewer's empty header, or an empty seed string).
    case nothingLoaded
    /// The viewer has no segment open (opening failed, or it is quitting).
    case notOpen
    /// The segment holds other content than the version the user chose to save (a load while the
    /// dialog was open); nothing was written. `now` is the name of the file it holds now (framed).
    case contentChanged(now: String?)
    /// The segment could not be read: its lock was not granted in time (or it went away).
    case unreadable(PollFailure)
    /// The segment's header is damaged.
    case damagedHeader(HeaderProblem)
    /// Writing the file failed; nothing was left behind.
    case failed(SaveProblem)
}

extension BackgroundReader {
    /// How long saving waits for the segment's lock (on the reader's thread: polls wait meanwhile).
    public static var saveLockTimeout: Duration { .milliseconds(500) }

    /// Saves the whole payload the segment holds to `target` and calls `done` with the outcome, on
    /// a saving thread. With `shown` (the version on screen when the user chose Save As), content
    /// that changed since is not written: `.contentChanged`.
    ///
    /// The bytes are copied again, under the lock, on the reader's thread, rather than kept from
    /// the last poll: a poll's copy stops at the display limit (`DisplayText.defaultLimit`), its
    /// payload is freed once the text is made (the viewer would hold every file twice otherwise),
    /// and the display text is repaired and folded. The copy is the stored bytes, binary included.
    /// The file is written on another queue (`AtomicFileWriter`), so a slow disk delays no poll.
    public func save(to target: FilePath, showing shown: ContentVersion? = nil,
                     _ done: @escaping @Sendable (SaveOutcome) -> Void) {
        queue.async { [self] in
            let copied = copyStoredPayload(showing: shown)
            SegmentSaving.queue.async {
                switch copied {
                case .failure(let notCopied): done(notCopied.outcome)
                case .success(let payload):
                    do throws(SaveProblem) {
                        try AtomicFileWriter.write(payload, to: target)
                        done(.saved(target, bytes: payload.count))
                    } catch {
                        done(.failed(error))
                    }
                }
            }
        }
    }

    /// The whole stored payload, copied under the lock (on the reader's queue).
    private func copyStoredPayload(showing shown: ContentVersion?) -> Result<[UInt8], SaveOutcome.NotCopied> {
        guard state.withLock({ $0.isOpen }) else {
            return .failure(.init(.notOpen))
        }
        let snapshot: Snapshot
        do {
            snapshot = try reader.value.memory.withLock(timeout: Self.saveLockTimeout) { segment in
                SegmentContent.read(UnsafeRawBufferPointer(segment))
            }
        } catch {
            return .failure(.init(.unreadable(.segment(error))))
        }
        if let problem = snapshot.problem { return .failure(.init(.damagedHeader(problem))) }
        if snapshot.isEmpty { return .failure(.init(.nothingLoaded)) }
        if let shown, snapshot.version(digesting: shown.digestedLength) != shown {
            return .failure(.init(.contentChanged(now: snapshot.fileName)))
        }
        return .success(snapshot.payload)
    }
}

extension SaveOutcome {
    /// Why nothing was copied, as an `Error` for `Result`.
    struct NotCopied: Error {
        let outcome: SaveOutcome
        init(_ outcome: SaveOutcome) { self.outcome = outcome }
    }
}

/// The one queue files are saved on: saves run in the order they were asked for.
public enum SegmentSaving {
    static let queue = DispatchQueue(label: "org.sharedmemorygtk.Viewer.save")

    /// Waits, at most `limit`, for the saves asked for so far to end, so that quitting during a
    /// save does not leave its temporary file behind. False when one was still running.
    @discardableResult
    public static func finish(within limit: Duration = .seconds(2)) -> Bool {
        queue.run(waitingAtMost: limit) {}
    }
}
