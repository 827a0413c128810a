import Foundation

/// What the hex view's find bar looks for: hex bytes ("7f 45 4c 46", "0x7f454c46") or text (its
/// UTF-8 bytes). Two or more space-separated pairs of hex digits, or hex digits after "0x", are
/// bytes; anything else is text, so "cafe" finds the word and "ca fe" the two bytes.
public enum ByteQuery: Sendable, Equatable {
    case hex([UInt8])
    case text([UInt8])

    public init?(_ query: String) {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if let bytes = Self.hexBytes(trimmed) { self = .hex(bytes) } else { self = .text(Array(query.utf8)) }
    }

    /// The bytes searched for.
    public var bytes: [UInt8] {
        switch self {
        case .hex(let bytes), .text(let bytes): bytes
        }
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        func pairs(_ digits: Substring) -> [UInt8]? {
            guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
            var out = [UInt8](), index = digits.startIndex
            while index < digits.endIndex {
                let next = digits.index(index, offsetBy: 2)
                guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
                out.append(byte)
                index = next
            }
            return out
        }
        if text.lowercased().hasPrefix("0x") { return pairs(text.dropFirst(2)) }
        let tokens = text.split(separator: " ", omittingEmptySubsequences: true)
        guard tokens.count >= 2, tokens.allSatisfy({ $0.count == 2 }) else { return nil }
        var out = [UInt8]()
        for token in tokens {
            guard let byte = pairs(token) else { return nil }
            out += byte
        }
        return out
    }
}

/// Finding bytes in bytes: the hex view's search, on its own thread for big contents.
public enum ByteSearch {
    /// The first match at or after `lower` in `base[lower..<end]`: `memchr` for the first byte (glibc's
    /// vectorised scan; Swift's Glibc does not export `memmem`), then `memcmp` for the rest.
    static func memmem(_ base: UnsafeRawPointer, _ length: Int, _ pattern: UnsafeRawPointer, _ count: Int) -> UnsafeRawPointer? {
        let first = Int32(pattern.load(as: UInt8.self))
        var at = base, left = length
        while left >= count, let hit = memchr(at, first, left - count + 1) {
            let candidate = UnsafeRawPointer(hit)
            if memcmp(candidate, pattern, count) == 0 { return candidate }
            left -= at.distance(to: candidate) + 1
            at = candidate + 1
        }
        return nil
    }

    /// The first occurrence of `pattern` starting at or after `start`, wrapping to the top when none
    /// follows; backward: the last one starting before `start`, wrapping to the bottom.
    public static func find(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int,
                            backward: Bool = false) -> Range<Int>? {
        guard !pattern.isEmpty, pattern.count <= bytes.count, let base = bytes.baseAddress else { return nil }
        let from = min(max(start, 0), bytes.count)
        func forward(_ lower: Int, _ upper: Int) -> Int? {
            // Matches that start in lower..<upper (and may end after upper).
            guard lower < upper else { return nil }
            let end = min(upper - 1 + pattern.count, bytes.count)
            guard end - lower >= pattern.count else { return nil }
            return pattern.withUnsafeBytes { needle in
                memmem(base + lower, end - lower, needle.baseAddress!, pattern.count).map { base.distance(to: $0) }
            }
        }
        func last(_ lower: Int, _ upper: Int) -> Int? {
            var found: Int?, at = lower
            while let next = forward(at, upper) { found = next; at = next + 1 }
            return found
        }
        let hit = backward ? (last(0, from) ?? last(from, bytes.count)) : (forward(from, bytes.count) ?? forward(0, from))
        return hit.map { $0..<($0 + pattern.count) }
    }

    /// How many times `pattern` occurs (overlapping ones counted), at most `limit`.
    public static func count(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer, limit: Int = .max) -> Int {
        guard !pattern.isEmpty, let base = bytes.baseAddress else { return 0 }
        var count = 0, at = 0
        while count < limit, at + pattern.count <= bytes.count,
              let hit = pattern.withUnsafeBytes({ memmem(base + at, bytes.count - at, $0.baseAddress!, pattern.count) }) {
            count += 1
            at = base.distance(to: hit) + 1
        }
        return count
    }
}
