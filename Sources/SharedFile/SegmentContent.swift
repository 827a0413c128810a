import Foundation
#if canImport(Glibc)
import Glibc
#endif
// The fuzz harness (Tests/reliability/fuzz) compiles the pure model files on their own, without the
// SharedMemory module: it then builds without the wake word, which it does not fuzz.
#if canImport(SharedMemory)
import SharedMemory
#endif

/// The content format as pure functions over mapped bytes (docs/PROTOCOL.md).
/// Callers hold the segment's lock around every call.
public enum SegmentContent {
    /// Writes `bytes` in the format the segment asks for: framed when it already holds a valid framed
    /// header (our viewer stamped it), else the seed format, so that Qt programs read what we write.
    /// A framed write then bumps the wake word, which wakes waiting viewers (see `wakeWord`).
    /// - Parameter fileSize: the whole file's size when `bytes` is only its start (the loader reads no
    ///   more than the segment holds); defaults to `bytes.count`.
    public static func write(_ bytes: UnsafeRawBufferPointer, name: String, fileSize: Int? = nil,
                             into segment: UnsafeMutableRawBufferPointer, now: Date = Date()) -> WriteReport {
        write(name: name, into: segment, now: now) { target in
            let count = min(bytes.count, target.count)
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
            return (count, max(fileSize ?? bytes.count, bytes.count))
        }
    }

    /// The same, but `fill` puts the bytes in place itself (e.g. `read()` from the file straight into
    /// the segment: one copy instead of two). It gets all the room the format leaves, and returns
    /// how many bytes it stored at its start and the file's whole size as far as it knows.
    public static func write(name: String, into segment: UnsafeMutableRawBufferPointer, now: Date = Date(),
                             fill: (UnsafeMutableRawBufferPointer) -> (stored: Int, total: Int)) -> WriteReport {
        if case .framed(let old) = FramedHeader.decode(UnsafeRawBufferPointer(segment), segmentSize: segment.count) {
            let room = UnsafeMutableRawBufferPointer(rebasing: segment[FramedHeader.size...])
            let filled = fill(room)
            let count = min(max(filled.stored, 0), room.count)
            let total = max(filled.total, count)
            var generation = old.generation &+ 1
            if generation == 0 { generation = 1 }  // 0 means "nothing loaded yet"
            FramedHeader(generation: generation, payloadLength: UInt64(count), originalSize: UInt64(total),
                         loadTimeMilliseconds: Int64((now.timeIntervalSince1970 * 1000).rounded()),
                         fileName: FramedHeader.nameBytes(name)).encode(into: segment)
            #if canImport(SharedMemory)
            wakeWord(segment)?.signal()
            #endif
            return WriteReport(format: .framed, written: count, total: total)
        }
        // Seed: what strncpy(data, content, size - 1) leaves, plus the terminating NUL it may not write.
        guard segment.count > 0 else { return WriteReport(format: .seed, written: 0, total: fill(.init(start: nil, count: 0)).total) }
        let room = UnsafeMutableRawBufferPointer(rebasing: segment[0..<(segment.count - 1)])
        let result = fill(room)
        let filled = min(max(result.stored, 0), room.count)
        let nul = filled > 0 ? memchr(room.baseAddress!, 0, filled) : nil
        let count = nul.map { room.baseAddress!.distance(to: $0) } ?? filled
        segment[count] = 0
        return WriteReport(format: .seed, written: count, total: max(result.total, filled), stoppedAtNUL: nul != nil)
    }

    #if canImport(SharedMemory)
    /// The wake word of a framed segment (docs/PROTOCOL.md): a 32-bit counter at offset 52 that every
    /// framed write increments before it calls FUTEX_WAKE, so a viewer can sleep until something is
    /// written. nil when the segment is too small for a header. Meaningless in the seed layout (those
    /// bytes are text there): only call it for a segment that holds, or held, a framed header.
    public static func wakeWord(_ segment: UnsafeMutableRawBufferPointer) -> SharedWord? {
        guard segment.count >= FramedHeader.size, let base = segment.baseAddress,
              Int(bitPattern: base) % 4 == 0 else { return nil }
        return SharedWord(base + FramedHeader.wakeWordOffset)
    }
    #endif

    /// A private copy of what the segment holds, with at most `limit` payload bytes (`storedLength`
    /// keeps the full length). Never trusts the header: a damaged one gives a snapshot with `problem`
    /// set and no payload. The one decoder of the format: the viewer's change test uses it too.
    public static func read(_ segment: UnsafeRawBufferPointer, limit: Int = .max) -> Snapshot {
        read(segment, decoded: FramedHeader.decode(segment, segmentSize: segment.count), limit: limit)
    }

    /// The same with the header already decoded (`ChangeDetector`: once per changed poll).
    static func read(_ segment: UnsafeRawBufferPointer, decoded: FramedHeader.Decoded, limit: Int) -> Snapshot {
        switch decoded {
        case .framed(let header):
            return snapshot(header, payload: segment, limit: limit)
        case .damaged(let problem):
            return Snapshot(format: .framed, payload: [], originalSize: 0, problem: problem)
        case .notFramed:
            let (format, range) = unframed(segment)
            return Snapshot(format: format, payload: Array(segment[range.lowerBound..<(range.lowerBound + min(range.count, max(limit, 0)))]),
                            storedLength: range.count, originalSize: range.count)
        }
    }

    /// What a segment without our magic holds, and where: a picture in Qt's image example's layout,
    /// else the seed text (up to its first NUL, so a zero-filled segment is an empty one).
    static func unframed(_ segment: UnsafeRawBufferPointer) -> (ContentFormat, Range<Int>) {
        if let image = QtImageStream.picture(in: segment) { return (.qtImage, image.range) }
        return (.seed, 0..<seedLength(segment))
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

    /// The snapshot of a validated header; copies at most `limit` bytes of the payload.
    static func snapshot(_ header: FramedHeader, payload segment: UnsafeRawBufferPointer, limit: Int = .max) -> Snapshot {
        let start = FramedHeader.size
        let stored = Int(header.payloadLength)
        let count = min(stored, max(limit, 0))
        // One memcpy into an array made for it; a large payload in chunks (`copyLarge`).
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count >= Self.largeCopy {
                copyLarge(to: buffer.baseAddress!, from: segment.baseAddress! + start, count: count)
            } else if count > 0 {
                memcpy(buffer.baseAddress!, segment.baseAddress! + start, count)
            }
            initialized = count
        }
        let loaded = header.generation == 0 ? nil
            : Date(timeIntervalSince1970: Double(header.loadTimeMilliseconds) / 1000)
        return Snapshot(format: .framed, payload: bytes, storedLength: stored,
                        fileName: header.generation == 0 ? nil : String(decoding: header.fileName, as: UTF8.self),
                        originalSize: Int(header.originalSize), loadTime: loaded, generation: header.generation)
    }

    /// Payloads from this size on are copied in chunks (`copyLarge`).
    static let largeCopy = 16 << 20
    /// How much of a large payload one step of `copyLarge` maps in, copies and lets go.
    static let copyChunk = 16 << 20

    /// Copies a large payload a chunk at a time: the segment's pages of a chunk mapped in with one
    /// call (`MADV_POPULATE_READ`, Linux 5.14), copied, and dropped from this process's page tables
    /// (`MADV_DONTNEED` on a shared mapping drops no data), so that the reader's resident memory
    /// holds its private copy only. Both are hints: a kernel without them copies as before.
    /// Each call holds the process's memory map lock, which every `mmap` of the GTK thread (Pango's
    /// layout of a window of text) waits for: one call over 1 GiB held it 150-190 ms. The copy is
    /// not put in transparent huge pages: their faults compacted memory with the lock held, and
    /// the window stalled 66-370 ms in some runs at 1 GiB (docs/PERFORMANCE.md, "The whole content").
    static func copyLarge(to target: UnsafeMutableRawPointer, from source: UnsafeRawPointer, count: Int) {
        let populateRead: Int32 = 22   // MADV_POPULATE_READ, not in every libc's headers
        let page = Int(getpagesize()), origin = Int(bitPattern: source)
        var done = 0
        while done < count {
            // Chunks end on the segment's page boundaries: each page is mapped in and let go once.
            var end = min(count, done + copyChunk)
            if end < count { end = (origin + end) / page * page - origin }
            let chunk = source + done, length = end - done
            if let (base, pages) = pageAligned(chunk, length) { _ = madvise(base, pages, populateRead) }
            memcpy(target + done, chunk, length)
            if let (base, pages) = pageAligned(chunk, length) { _ = madvise(base, pages, MADV_DONTNEED) }
            done = end
        }
    }

    /// The whole pages inside `count` bytes from `pointer`.
    private static func pageAligned(_ pointer: UnsafeRawPointer, _ count: Int) -> (UnsafeMutableRawPointer, Int)? {
        let page = Int(getpagesize())
        let first: Int = (Int(bitPattern: pointer) + page - 1) / page * page
        let last: Int = (Int(bitPattern: pointer) + count) / page * page
        guard last > first, let base = UnsafeMutableRawPointer(bitPattern: first) else { return nil }
        return (base, last - first)
    }

    /// Length of the seed string: up to the first NUL, or the whole segment if a writer left none.
    static func seedLength(_ segment: UnsafeRawBufferPointer) -> Int {
        guard let base = segment.baseAddress, segment.count > 0,
              let nul = memchr(base, 0, segment.count) else { return segment.count }
        return base.distance(to: UnsafeRawPointer(nul))
    }
}
