import CGLib
import Foundation
import Synchronization

/// Finds every occurrence of a byte string in a load's bytes on a queue of its own, in slices, and
/// hands the matches over as they are found, so that a count can grow on screen while a large
/// content is searched and the caller never waits. Matches do not overlap (the next search starts
/// after a match, as `grep -o` counts). A newer `start` or `cancel` stops an older search within a
/// slice. Case-insensitive matching folds ASCII letters only.
public final class ByteSearch: Sendable {
    /// What to look for.
    public struct Query: Sendable, Equatable {
        public var needle: [UInt8]
        public var caseSensitive: Bool

        public init(needle: [UInt8], caseSensitive: Bool) {
            self.needle = needle
            self.caseSensitive = caseSensitive
        }
    }

    /// Matches found since the last report, in increasing order, and whether the search is over.
    public struct Progress: Sendable {
        /// Which `start` this is about (compare with the value `start` returned).
        public let search: Int
        /// Start offsets of new matches, each `query.needle.count` bytes long.
        public let matches: [Int]
        public let isDone: Bool
    }

    /// Bytes scanned between two reports and two checks for a newer search: ~4 ms at memmem speed.
    public static let sliceBytes = 16 << 20

    private let queue = DispatchQueue(label: "org.sharedmemorygtk.Viewer.search")
    private let latest = Mutex(0)

    public init() {}

    /// Searches `bytes` for `query`, reporting on the search queue; returns the search's number.
    @discardableResult
    public func start(_ query: Query, in bytes: [UInt8], report: @escaping @Sendable (Progress) -> Void) -> Int {
        let search = latest.withLock { value -> Int in
            value += 1
            return value
        }
        queue.async { [self] in
            var from = 0
            repeat {
                guard latest.withLock({ $0 }) == search else { return }
                let sliceEnd = min(bytes.count, from + Self.sliceBytes)
                var found: [Int] = []
                from = Self.find(query, in: bytes, from: from, startingBefore: sliceEnd, into: &found)
                report(Progress(search: search, matches: found, isDone: from >= bytes.count || query.needle.isEmpty))
            } while from < bytes.count && !query.needle.isEmpty
        }
        return search
    }

    /// Stops the running search (it reports nothing more).
    public func cancel() { latest.withLock { $0 += 1 } }

    /// Appends the matches that start in `from..<startingBefore` to `found`; returns where the
    /// next slice starts (after the last match if that reaches past the slice).
    public static func find(_ query: Query, in bytes: [UInt8], from: Int, startingBefore end: Int,
                            into found: inout [Int]) -> Int {
        let count = query.needle.count
        guard count > 0, count <= bytes.count else { return bytes.count }
        var position = from
        bytes.withUnsafeBytes { haystack in
            query.needle.withUnsafeBytes { needle in
                let base = haystack.baseAddress!
                let lastStart = min(end, haystack.count - count + 1)   // a match starts before this
                while position < lastStart {
                    let window = min(haystack.count, lastStart - 1 + count) - position
                    let hit: Int? = query.caseSensitive
                        ? sharedmemory_memmem(base + position, window, needle.baseAddress!, count).map { base.distance(to: UnsafeRawPointer($0)) }
                        : caseless(needle, in: haystack, from: position, window: window)
                    guard let hit else { position = lastStart; break }
                    found.append(hit)
                    position = hit + count
                }
            }
        }
        return max(position, end)
    }

    /// The first ASCII-case-insensitive occurrence of `needle` in `window` bytes from `from`.
    private static func caseless(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer,
                                 from: Int, window: Int) -> Int? {
        let count = needle.count
        let first = needle[0]
        let lower = asciiLower(first), upper = asciiUpper(first)
        let base = haystack.baseAddress!
        var position = from
        let last = from + window - count   // last possible start
        while position <= last {
            // The next byte that may start a match, either case of the needle's first byte.
            // The other case is looked for only before the first one's hit: every byte is scanned
            // about twice in all, however many candidates there are.
            let a = memchr(base + position, Int32(lower), last - position + 1).map { base.distance(to: UnsafeRawPointer($0)) }
            let before = (a ?? last + 1) - position
            let b = lower == upper || before == 0 ? nil
                : memchr(base + position, Int32(upper), before).map { base.distance(to: UnsafeRawPointer($0)) }
            guard let candidate = b ?? a else { return nil }
            var index = 1
            while index < count, asciiLower(haystack[candidate + index]) == asciiLower(needle[index]) { index += 1 }
            if index == count { return candidate }
            position = candidate + 1
        }
        return nil
    }

    private static func asciiLower(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }
    private static func asciiUpper(_ byte: UInt8) -> UInt8 { (0x61...0x7A).contains(byte) ? byte - 0x20 : byte }
}
