// What a hostile writer of the same user can leave in the segment, thrown at the viewer's code:
// FramedHeader.decode (via SegmentContent.read), ChangeDetector (two ticks with a header changed in
// between), DisplayText, and SegmentContent.write (a loader writing into a lying header).
// The segment sits right against a PROT_NONE guard page, so one byte read or written outside it
// is a SIGSEGV, i.e. a failed run. Compiled with the model sources into one module (build.sh).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A page-aligned region with a PROT_NONE page after it (segment at the end) or before it
/// (segment at the start), reused across cases.
final class GuardedRegion {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let capacity: Int
    private let base: UnsafeMutableRawPointer
    private let total: Int

    init(capacity: Int) {
        self.capacity = (capacity + page - 1) / page * page
        total = self.capacity + 2 * page
        guard let p = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              p != MAP_FAILED else { fatalError("mmap failed") }
        base = p
        // [guard][capacity bytes][guard]
        precondition(mprotect(base, page, PROT_NONE) == 0)
        precondition(mprotect(base + page + self.capacity, page, PROT_NONE) == 0)
    }

    /// `size` bytes touching the upper guard page (atEnd) or the lower one.
    func segment(size: Int, atEnd: Bool) -> UnsafeMutableRawBufferPointer {
        precondition(size <= capacity)
        let start = atEnd ? base + page + capacity - size : base + page
        return UnsafeMutableRawBufferPointer(start: start, count: size)
    }
}


struct FuzzFailure: Error, CustomStringConvertible { let description: String }

enum Fuzz {
    static let maxSegment = 8192

    /// Interesting values for the 64-bit length and generation fields.
    static func edgy(_ r: inout SplitMix64, capacity: Int) -> UInt64 {
        let c = UInt64(max(capacity, 0))
        let picks: [UInt64] = [0, 1, c &- 1, c, c &+ 1, UInt64(Int.max), UInt64(Int.max) &+ 1,
                               UInt64.max, UInt64.max &- 1, 1 << 32, r.next(), UInt64(r.below(Int(c) + 2))]
        return picks[r.below(picks.count)]
    }

    /// Fills `segment` with a case: random bytes, or our magic with fields chosen to lie.
    static func fill(_ segment: UnsafeMutableRawBufferPointer, _ r: inout SplitMix64) {
        for i in 0..<segment.count { segment[i] = UInt8(truncatingIfNeeded: r.next()) }
        let mode = r.below(10)
        if mode == 0 { return }  // pure noise
        if mode == 1 {  // seed text without any NUL up to the end
            for i in 0..<segment.count { segment[i] = UInt8(0x20 + r.below(95)) }
            return
        }
        guard segment.count >= 8 else { return }
        segment.copyBytes(from: Array("SMLFRAME".utf8))
        guard segment.count >= 320 else { return }
        let capacity = segment.count - 320
        func put<T: FixedWidthInteger>(_ v: T, _ at: Int) { segment.storeBytes(of: v.littleEndian, toByteOffset: at, as: T.self) }
        put(r.chance(90) ? UInt32(1) : UInt32(truncatingIfNeeded: r.next()), 8)
        put(r.chance(90) ? UInt32(320) : UInt32(truncatingIfNeeded: r.next()), 12)
        put(edgy(&r, capacity: capacity), 16)
        let payload = edgy(&r, capacity: capacity)
        put(payload, 24)
        put(r.chance(50) ? payload : edgy(&r, capacity: capacity), 32)
        put(Int64(bitPattern: r.chance(70) ? UInt64(r.below(1 << 42)) : r.next()), 40)
        let names: [UInt16] = [0, 1, 255, 256, 257, UInt16.max, UInt16(r.below(300))]
        put(names[r.below(names.count)], 48)
    }

    /// Every property a viewer relies on, for one segment; throws on a broken one.
    static func check(_ segment: UnsafeMutableRawBufferPointer, _ r: inout SplitMix64, display: Bool) throws {
        let raw = UnsafeRawBufferPointer(segment)
        let snapshot = SegmentContent.read(raw)
        if snapshot.problem == nil, snapshot.format == .framed {
            guard snapshot.payload.count <= max(segment.count - 320, 0) else {
                throw FuzzFailure(description: "framed payload \(snapshot.payload.count) > capacity of \(segment.count)")
            }
            guard snapshot.originalSize >= snapshot.payload.count else {
                throw FuzzFailure(description: "original size below payload")
            }
        }
        if snapshot.format == .seed, snapshot.payload.count > segment.count {
            throw FuzzFailure(description: "seed payload longer than the segment")
        }
        if display {
            let shown = DisplayText(snapshot: snapshot, key: "fuzz", segmentSize: segment.count, limit: 1024)
            guard !shown.text.utf8.contains(0), shown.isMessage == (snapshot.problem != nil || snapshot.isEmpty) else {
                throw FuzzFailure(description: "display text with NUL, or a message for content")
            }
            // Folding (a tiny limit, so it happens) only adds U+2029 separators and the U+200B it counts.
            let folded = DisplayText(snapshot: snapshot, key: "fuzz", segmentSize: segment.count, limit: 1024, foldLimit: 40)
            let unfold = { (text: String) in Array(text.unicodeScalars.filter { $0 != "\u{2029}" && $0 != "\u{200B}" }) }
            let spaces = { (text: String) in text.unicodeScalars.count { $0 == "\u{200B}" } }
            guard unfold(folded.text) == unfold(shown.text),
                  spaces(folded.text) - folded.addedBreaks == spaces(shown.text) - shown.addedBreaks else {
                throw FuzzFailure(description: "folding changed the text")
            }
            // The map gives back exactly the shown bytes: the whole display, and a random range.
            let map = folded.map
            let scalars = Array(folded.text.unicodeScalars)
            try snapshot.payload.withUnsafeBufferPointer { bytes in
                guard folded.isMessage || map.byteRange(ofCharacters: 0..<scalars.count, in: bytes) == 0..<map.byteCount else {
                    throw FuzzFailure(description: "the map does not span the shown bytes")
                }
                guard !scalars.isEmpty else { return }
                let a = r.below(scalars.count), b = a + r.below(scalars.count - a + 1)
                let range = map.byteRange(ofCharacters: a..<b, in: bytes)
                let copied = Array(DisplayText.repaired(UnsafeBufferPointer(rebasing: bytes[range])).unicodeScalars)
                guard copied == scalars[a..<b].filter({ $0 != "\u{2029}" && $0 != "\u{200B}" })
                        || scalars.contains(where: { $0 == "\u{200B}" || $0 == "\u{2029}" }) && snapshot.payload.contains(0xE2) else {
                    throw FuzzFailure(description: "characters \(a)..<\(b) copy other bytes than they show")
                }
            }
        }

        // Two ticks with the header (or a payload byte) changed in between.
        var detector = ChangeDetector()
        // What SegmentReader does on each poll: compare and copy, then record.
        func tick() -> Snapshot? {
            guard let next = ChangeDetector.changed(raw, since: detector.last) else { return nil }
            detector.commit(next)
            return next
        }
        guard let first = tick(), first == snapshot else {
            throw FuzzFailure(description: "first tick differs from SegmentContent.read")
        }
        if segment.count > 0 {
            let edits = 1 + r.below(4)
            for _ in 0..<edits {
                let at = r.chance(80) ? r.below(min(segment.count, 64)) : r.below(segment.count)
                segment[at] = UInt8(truncatingIfNeeded: r.next())
            }
        }
        let fresh = SegmentContent.read(raw)
        if let second = tick() {
            guard second == fresh else { throw FuzzFailure(description: "second tick differs from a fresh read") }
        } else {
            // "Unchanged" must be true in the sense the protocol promises.
            let same: Bool
            switch (first.format, fresh.format) {
            case (.seed, .seed): same = first == fresh
            case (.framed, .framed):
                same = first.problem != nil ? first.problem == fresh.problem
                    : fresh.problem == nil && first.generation == fresh.generation
            default: same = false
            }
            guard same else { throw FuzzFailure(description: "a change went unnoticed: \(first) -> \(fresh)") }
        }

        // A loader writing into whatever is there, and the generation rule.
        let before = SegmentContent.read(raw)
        let data = (0..<r.below(2 * segment.count + 2)).map { _ in UInt8(truncatingIfNeeded: r.next()) }
        let report = data.withUnsafeBytes { SegmentContent.write($0, name: "f", into: segment) }
        let after = SegmentContent.read(raw)
        if report.format == .framed {
            guard let old = before.generation, before.problem == nil, let new = after.generation else {
                throw FuzzFailure(description: "framed write over a header that was not valid")
            }
            guard new == (old == UInt64.max ? 1 : old + 1), after.payload == Array(data.prefix(report.written)) else {
                throw FuzzFailure(description: "framed write: generation \(old) -> \(new) or payload wrong")
            }
        } else if before.format == .framed, before.problem == nil {
            throw FuzzFailure(description: "seed write over a valid framed header")
        }
    }

    /// One case from raw fuzzer bytes (libFuzzer entry): size from the first two bytes, then the bytes.
    static func one(_ input: UnsafeRawBufferPointer, region: GuardedRegion) throws {
        guard input.count >= 3 else { return }
        let size = Int(input.loadUnaligned(as: UInt16.self)) % (maxSegment + 1)
        let atEnd = input[2] & 1 == 0
        let segment = region.segment(size: size, atEnd: atEnd)
        let body = input.count - 3
        for i in 0..<size { segment[i] = body == 0 ? 0 : input[3 + i % body] }
        var r = SplitMix64(seed: UInt64(input.count) &* 31 &+ UInt64(input[2]))
        try check(segment, &r, display: true)
    }
}
