import Foundation

/// The content format as pure functions over mapped bytes (docs/PROTOCOL.md).
/// Callers hold the segment's lock around every call.
public enum SegmentContent {
    /// Writes `bytes` in the format the segment asks for: framed when it already holds a valid framed
    /// header (our viewer stamped it), else the seed format, so that Qt programs read what we write.
    /// - Parameter fileSize: the whole file's size when `bytes` is only its start (the loader reads no
    ///   more than the segment holds); defaults to `bytes.count`.
    public static func write(_ bytes: UnsafeRawBufferPointer, name: String, fileSize: Int? = nil,
                             into segment: UnsafeMutableRawBufferPointer, now: Date = Date()) -> WriteReport {
        let total = max(fileSize ?? bytes.count, bytes.count)
        if case .framed(let old) = FramedHeader.decode(UnsafeRawBufferPointer(segment), segmentSize: segment.count) {
            let capacity = segment.count - FramedHeader.size
            let count = min(bytes.count, capacity)
            let payload = UnsafeMutableRawBufferPointer(rebasing: segment[FramedHeader.size...])
            payload.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
            var generation = old.generation &+ 1
            if generation == 0 { generation = 1 }  // 0 means "nothing loaded yet"
            FramedHeader(generation: generation, payloadLength: UInt64(count), originalSize: UInt64(total),
                         loadTimeMilliseconds: Int64((now.timeIntervalSince1970 * 1000).rounded()),
                         fileName: FramedHeader.nameBytes(name)).encode(into: segment)
            return WriteReport(format: .framed, written: count, total: total)
        }
        // Seed: what strncpy(data, content, size - 1) leaves, plus the terminating NUL it may not write.
        guard segment.count > 0 else { return WriteReport(format: .seed, written: 0, total: total) }
        let limit = min(bytes.count, segment.count - 1)
        let nul = bytes[0..<limit].firstIndex(of: 0)
        let count = nul ?? limit
        segment.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
        segment[count] = 0
        return WriteReport(format: .seed, written: count, total: total, stoppedAtNUL: nul != nil)
    }

    /// A private copy of what the segment holds. Never trusts the header: a damaged one gives a
    /// snapshot with `problem` set and no payload.
    public static func read(_ segment: UnsafeRawBufferPointer) -> Snapshot {
        switch FramedHeader.decode(segment, segmentSize: segment.count) {
        case .framed(let header):
            return snapshot(header, payload: segment)
        case .damaged(let problem):
            return Snapshot(format: .framed, payload: [], originalSize: 0, problem: problem)
        case .notFramed:
            return Snapshot(format: .seed, payload: seedBytes(segment), originalSize: seedLength(segment))
        }
    }

    /// Stamps the empty framed header (generation 0). A segment too small for a header gets the
    /// empty seed string instead.
    public static func stampEmpty(_ segment: UnsafeMutableRawBufferPointer) {
        if segment.count >= FramedHeader.size {
            FramedHeader(generation: 0, payloadLength: 0, originalSize: 0, loadTimeMilliseconds: 0, fileName: [])
                .encode(into: segment)
        } else if segment.count > 0 {
            segment[0] = 0
        }
    }

    static func snapshot(_ header: FramedHeader, payload segment: UnsafeRawBufferPointer) -> Snapshot {
        let start = FramedHeader.size
        let bytes = Array(segment[start..<(start + Int(header.payloadLength))])
        let loaded = header.generation == 0 ? nil
            : Date(timeIntervalSince1970: Double(header.loadTimeMilliseconds) / 1000)
        return Snapshot(format: .framed, payload: bytes,
                        fileName: header.generation == 0 ? nil : String(decoding: header.fileName, as: UTF8.self),
                        originalSize: Int(header.originalSize), loadTime: loaded, generation: header.generation)
    }

    /// Length of the seed string: up to the first NUL, or the whole segment if a writer left none.
    static func seedLength(_ segment: UnsafeRawBufferPointer) -> Int {
        guard let base = segment.baseAddress, segment.count > 0,
              let nul = memchr(base, 0, segment.count) else { return segment.count }
        return base.distance(to: UnsafeRawPointer(nul))
    }

    static func seedBytes(_ segment: UnsafeRawBufferPointer) -> [UInt8] {
        Array(segment[0..<seedLength(segment)])
    }
}
