import SharedMemory

/// Why a poll of the segment showed nothing new: a value; `Messages.pollFailure` says it in words.
public enum PollFailure: Sendable, Equatable {
    /// The lock was not granted in time, or the segment went away (the error carries its cause).
    case segment(SharedMemoryError)
    /// Loaders could no longer find the segment (`reason`), and making it again failed (`error`);
    /// the next polls try again.
    case remakeFailed(reason: String, error: String)
    /// The segment was made again (`reason`) and holds nothing new yet.
    case madeAgain(reason: String)
}
