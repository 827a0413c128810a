import Foundation

/// How the bytes in a segment are laid out (see docs/PROTOCOL.md).
public enum ContentFormat: Sendable, Equatable {
    /// Ours: a fixed header (generation, lengths, file name, load time), then the payload. Binary-safe.
    case framed
    /// The Qt example's: the bytes up to the first NUL, written with `strncpy(data, content, size - 1)`.
    case seed
    /// Qt's image example's: a big-endian qint32 1, then a picture file (`QtImageStream`). Read only:
    /// our loader writes it through `sharedmemory-ctl load --qt-image`, not in the other layouts' places.
    case qtImage
}

/// A private copy of what a segment held at one moment, taken under the lock and decoded outside it.
public struct Snapshot: Sendable, Equatable {
    public var format: ContentFormat
    /// The stored bytes: the framed payload, or the seed bytes up to the first NUL. A reader with a
    /// copy limit keeps only their start; `storedLength` says how many the segment holds.
    public var payload: [UInt8]
    /// How many payload bytes the segment holds (at least `payload.count`).
    public var storedLength: Int
    /// The loaded file's name (framed only).
    public var fileName: String?
    /// The file's size before truncation (framed); the payload size for the seed format, which cannot tell.
    public var originalSize: Int
    /// When the loader wrote it (framed only).
    public var loadTime: Date?
    /// Incremented by every framed write; 0 in the header the viewer stamps at creation.
    public var generation: UInt64?
    /// The payload is only the start of a large framed payload, copied first so that a viewer can
    /// show its first screen without waiting for the whole copy; a snapshot of the same generation
    /// with the whole payload follows (``CopyPreview``).
    public var isPreview = false
    /// A header that carries our magic but failed validation, (a value: `Messages.headerProblem` says it); the payload is then empty.
    public var problem: HeaderProblem?

    /// - Parameter storedLength: the segment's payload length when `payload` is only its start
    ///   (default: `payload.count`).
    public init(format: ContentFormat, payload: [UInt8], storedLength: Int? = nil, fileName: String? = nil,
                originalSize: Int, loadTime: Date? = nil, generation: UInt64? = nil, problem: HeaderProblem? = nil) {
        self.format = format
        self.payload = payload
        self.storedLength = max(storedLength ?? payload.count, payload.count)
        self.fileName = fileName
        self.originalSize = originalSize
        self.loadTime = loadTime
        self.generation = generation
        self.problem = problem
    }

    /// The segment kept fewer bytes than the file had.
    public var isTruncated: Bool { storedLength < originalSize }

    /// `payload` holds only the start of what the segment holds (a reader's copy limit).
    public var isPartial: Bool { payload.count < storedLength }

    /// Nothing has been loaded yet: the creator's empty header, or an all-zero (seed) segment.
    public var isEmpty: Bool {
        guard problem == nil else { return false }
        switch format {
        case .framed: return generation == 0
        case .seed: return storedLength == 0
        case .qtImage: return false
        }
    }
}

/// Which content a segment held, small enough to keep: what "Save As…" compares under the lock, so
/// that it writes what the user saw when choosing it, never content loaded meanwhile (issue 23).
/// Framed content is told apart by its generation (every write increments it); seed content, which
/// has none (nor has Qt's image layout), by its length and a digest of the bytes the viewer copied.
public struct ContentVersion: Sendable, Equatable {
    let format: ContentFormat
    let generation: UInt64?
    let storedLength: Int
    let problem: HeaderProblem?
    /// How many payload bytes `digest` covers (a viewer with a copy limit digests only those).
    let digestedLength: Int
    let digest: Int
}

extension Snapshot {
    /// The version of this content; a seed payload is digested over its first `digesting` bytes
    /// (all of them by default). Hasher's seed is per process, so versions compare within one.
    public func version(digesting limit: Int? = nil) -> ContentVersion {
        let length = format != .framed ? min(limit ?? payload.count, payload.count) : 0
        var hasher = Hasher()
        payload.withUnsafeBytes { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0.prefix(length))) }
        return ContentVersion(format: format, generation: generation, storedLength: storedLength, problem: problem,
                              digestedLength: length, digest: hasher.finalize())
    }
}

/// What one write into a segment stored.
public struct WriteReport: Sendable, Equatable {
    public var format: ContentFormat
    /// Payload bytes stored.
    public var written: Int
    /// The file's size; with `totalIsLowerBound`, only how much it has at least (a stream, or a file
    /// whose `stat` size is wrong, that was longer than the segment: it is not read to its end).
    public var total: Int
    /// The seed format stopped at a NUL byte inside the file (it cannot carry binary data).
    public var stoppedAtNUL: Bool
    /// `total` is a lower bound (see there).
    public var totalIsLowerBound: Bool

    public init(format: ContentFormat, written: Int, total: Int, stoppedAtNUL: Bool = false,
                totalIsLowerBound: Bool = false) {
        self.format = format
        self.written = written
        self.total = total
        self.stoppedAtNUL = stoppedAtNUL
        self.totalIsLowerBound = totalIsLowerBound
    }

    public var isTruncated: Bool { written < total }
}
