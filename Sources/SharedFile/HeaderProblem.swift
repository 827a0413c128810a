/// Why a header that carries the framed format's magic cannot be true for its segment: a value
/// (compared for change detection, tested as such); `Messages.headerProblem` says it in words.
public enum HeaderProblem: Sendable, Equatable {
    /// The segment is smaller than a framed header.
    case segmentTooSmall(segmentSize: Int, headerSize: Int)
    /// A format version this viewer does not read.
    case unknownVersion(found: UInt32, supported: UInt32)
    /// The header says it has another size than the format's.
    case headerSize(found: UInt32, expected: Int)
    /// The payload length is more than the segment holds after the header.
    case payloadTooLong(length: UInt64, capacity: UInt64)
    /// The original file size is below the payload length (or beyond what a size can be).
    case originalSizeTooSmall(originalSize: UInt64, payloadLength: UInt64)
    /// The file name length is over the header's room.
    case nameTooLong(length: Int, limit: Int)
}
