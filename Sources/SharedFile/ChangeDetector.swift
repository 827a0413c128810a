import Foundation

/// The viewer's change test, run under the lock on the live segment: nil when the segment still
/// holds what was last returned, else a private copy (never reading past the segment's end).
///
/// Framed: compared by generation (a header read, no payload copy). Damaged: by the problem.
/// Seed and Qt image: by layout, length and bytes (memcmp against the last copy). Pure, so it can be fuzzed on its own.
struct ChangeDetector {
    private(set) var last: Snapshot?

    mutating func reset() { last = nil }

    /// Records what the caller now shows (after the lock was released without error). Only what the
    /// next comparison needs is kept: a framed snapshot is compared by generation, so its payload is
    /// dropped (no second copy of the text while the viewer shows it); a seed one keeps its bytes.
    mutating func commit(_ snapshot: Snapshot) {
        var kept = snapshot
        if kept.format == .framed { kept.payload = [] }
        last = kept
    }

    /// - Parameter limit: copy at most this many payload bytes (`storedLength` keeps the full length).
    ///   A seed segment is then compared by its length and those first bytes: a change beyond them,
    ///   of the same length, changes nothing that is shown.
    ///   The header is decoded once, for the comparison and the copy.
    ///   - preview: a framed payload of at least `preview.threshold` bytes, new since `last`, is
    ///     copied only up to `preview.bytes` (`Snapshot.isPreview`); the next call copies it whole.
    static func changed(_ segment: UnsafeRawBufferPointer, since last: Snapshot?, limit: Int = .max,
                        preview: CopyPreview? = nil) -> Snapshot? {
        let decoded = FramedHeader.decode(segment, segmentSize: segment.count)
        if let last, holds(decoded, segment, last, limit: limit) { return nil }
        if let preview, case .framed(let header) = decoded, header.generation != last?.generation,
           Int(header.payloadLength) >= preview.threshold, limit >= Int(header.payloadLength) {
            var start = SegmentContent.read(segment, decoded: decoded, limit: preview.bytes)
            start.isPreview = true
            return start
        }
        return SegmentContent.read(segment, decoded: decoded, limit: limit)
    }

    /// Whether the segment still holds what `last` recorded, without copying anything.
    private static func holds(_ decoded: FramedHeader.Decoded, _ segment: UnsafeRawBufferPointer, _ last: Snapshot,
                              limit: Int) -> Bool {
        switch decoded {
        case .framed(let header):
            // A preview is followed by the whole payload of its generation.
            return last.format == .framed && last.problem == nil && last.generation == header.generation && !last.isPreview
        case .damaged(let problem):
            return last.problem == problem
        case .notFramed:
            let (format, range) = SegmentContent.unframed(segment)
            let copied = min(range.count, max(limit, 0))
            return last.format == format && last.problem == nil && last.storedLength == range.count
                && last.payload.count == copied
                && (copied == 0 || last.payload.withUnsafeBytes { memcmp($0.baseAddress!, segment.baseAddress! + range.lowerBound, copied) == 0 })
        }
    }
}
