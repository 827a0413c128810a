/// The sizes every program holds a segment to, so that the viewer, `sharedmemory-ctl create` and
/// the messages agree.
public enum SegmentLimits {
    /// The largest segment the programs create: more is refused as a probable typo (1 GiB).
    public static let maximumSize = 1 << 30
    /// The framed layout's header, before the content.
    public static let headerSize = FramedHeader.size
    /// The smallest segment for the framed layout: its header and room for one byte of content.
    public static let minimumFramedSize = FramedHeader.size + 1

    /// The segment size that holds a file of `bytes` whole, in `format`: the framed header before
    /// it, or the seed layout's terminating NUL after it.
    public static func sizeNeeded(forFileOf bytes: Int, format: ContentFormat) -> Int {
        switch format {
        case .framed: FramedHeader.size + bytes
        case .seed: bytes + 1
        case .qtImage: QtImageStream.marker.count + bytes
        }
    }

    /// Why `size` cannot be a framed segment's size, or nil when it can.
    public static func problem(framedSize size: Int) -> SizeProblem? {
        if size < minimumFramedSize { return .tooSmall(size, minimum: minimumFramedSize) }
        if size > maximumSize { return .tooLarge(size, maximum: maximumSize) }
        return nil
    }
}

/// A segment size out of `SegmentLimits`; `Messages.sizeProblem` says it.
public enum SizeProblem: Error, Sendable, Equatable {
    case tooSmall(Int, minimum: Int)
    case tooLarge(Int, maximum: Int)
}
