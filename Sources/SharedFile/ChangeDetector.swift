import Foundation

/// The viewer's change test, run under the lock on the live segment: nil when the segment still
/// holds what was last returned, else a private copy (never reading past the segment's end).
///
/// Framed: compared by generation (a header read, no payload copy). Damaged: by the problem text.
/// Seed: by length and bytes (memcmp against the last copy). Pure, so it can be fuzzed on its own.
struct ChangeDetector {
    private(set) var last: Snapshot?

    mutating func reset() { last = nil }

    /// Records what the caller now shows (after the lock was released without error).
    mutating func commit(_ snapshot: Snapshot) { last = snapshot }

    /// Under the lock: nil when unchanged, else the new snapshot (also kept as `last`).
    mutating func next(_ segment: UnsafeRawBufferPointer) -> Snapshot? {
        guard let snapshot = Self.changed(segment, since: last) else { return nil }
        last = snapshot
        return snapshot
    }

    static func changed(_ segment: UnsafeRawBufferPointer, since last: Snapshot?) -> Snapshot? {
        switch FramedHeader.decode(segment, segmentSize: segment.count) {
        case .framed(let header):
            if let last, last.format == .framed, last.problem == nil, last.generation == header.generation {
                return nil
            }
            return SegmentContent.snapshot(header, payload: segment)
        case .damaged(let problem):
            if let last, last.problem == problem { return nil }
            return Snapshot(format: .framed, payload: [], originalSize: 0, problem: problem)
        case .notFramed:
            let length = SegmentContent.seedLength(segment)
            if let last, last.format == .seed, last.problem == nil, last.payload.count == length, length == 0
                || last.payload.withUnsafeBytes({ memcmp($0.baseAddress!, segment.baseAddress!, length) == 0 }) {
                return nil
            }
            return Snapshot(format: .seed, payload: Array(segment[0..<length]), originalSize: length)
        }
    }
}
