import Foundation

/// What the hex view's find bar looks for: hex bytes ("7f 45 4c 46", "0x7f454c46") or text (its
/// UTF-8 bytes), searched with `ByteSearch`. Two or more space-separated pairs of hex digits, or hex digits after "0x", are
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
