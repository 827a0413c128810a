import Localization

/// The string form of `QNativeIpcKey` (`toString()` / `fromString()`): a URL-like
/// `scheme:path[?legacyKey=...]`. Qt builds and parses it with QUrl in tolerant mode; these rules
/// are the ones a real Qt 6.11 follows (Tests/SharedMemoryTests/QtKeyVectors.swift records them).
extension NativeIpcKey {
    /// Why a string is not a native key, for a message that says what to fix.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text that was parsed.
        public let text: String
        /// What is wrong with it, in words.
        public let reason: String
        /// One line for people: the text, the form expected, and the reason.
        public var description: String {
            tr("\"{text}\" is not a native IPC key (QNativeIpcKey::toString() form, e.g. posix:/name or systemv:/path): {reason}")
                .filling(["text": text, "reason": reason])
        }
    }

    /// Qt's `toString()`: `%`, `?`, `#` and control characters of the native key are
    /// percent-encoded, a leading `//` becomes `/%2F`; a legacy key goes in `?legacyKey=`.
    public var description: String {
        var path = nativeKey.replacingOccurrences("%", "%25")
        if path.hasPrefix("//") { path = "/%2F" + path.dropFirst(2) }
        var text = type.description + ":" + Self.percentEncode(path, also: ["#", "?"])
        if let legacyKey {
            text += "?legacyKey=" + Self.percentEncode(legacyKey.replacingOccurrences("%", "%25"), also: ["#", "&", "="])
        }
        return text
    }

    /// Qt's `fromString()`; nil where Qt gives an invalid key.
    public init?(string: String) {
        guard let key = try? Self.parse(string) else { return nil }
        self = key
    }

    /// Qt's `fromString()`, saying why a string is refused: an unknown or missing scheme, a host,
    /// port or user info (`scheme://...`), or a query other than `legacyKey`.
    public static func parse(_ text: String) throws(ParseError) -> NativeIpcKey {
        func fail(_ reason: String) -> ParseError { ParseError(text: text, reason: reason) }
        let scalars = Array(text.unicodeScalars)
        guard let colon = scalars.firstIndex(of: ":"), colon > 0, isSchemeStart(scalars[0]),
              scalars[1..<colon].allSatisfy(isSchemeCharacter) else {
            throw fail(tr("it has no scheme (posix:, systemv: or systemv-N:)"))
        }
        let scheme = String(String.UnicodeScalarView(scalars[..<colon])).lowercased()
        guard let type = keyType(scheme) else {
            throw fail(tr("unknown key type \"{scheme}\"; use posix, systemv or systemv-N (N in 1...255)").filling(["scheme": scheme]))
        }
        var rest = Substring(String(String.UnicodeScalarView(scalars[(colon + 1)...])))
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }  // a fragment is ignored
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.hasPrefix("//") {
            let authority = rest.dropFirst(2).prefix { $0 != "/" }
            guard authority.isEmpty else { throw fail(tr("it names a host or user (\"//{authority}\"); a key has a path only").filling(["authority": String(authority)])) }
            rest = rest.dropFirst(2)
        }
        var key = NativeIpcKey(percentDecode(rest), type: type)
        if let query, !query.isEmpty {
            for item in query.split(separator: "&", omittingEmptySubsequences: false) {
                let name = item.prefix { $0 != "=" }
                guard percentDecode(name) == "legacyKey" else {
                    throw fail(tr("unknown query item \"{item}\"; only legacyKey=... is allowed").filling(["item": String(item)]))
                }
                let value = percentDecode(item.dropFirst(name.count + (name.count < item.count ? 1 : 0)))
                key.legacyKey = value.isEmpty ? nil : value
            }
        }
        return key
    }

    private static func keyType(_ scheme: String) -> KeyType? {
        switch scheme {
        case "posix": return .posixRealtime
        case "windows": return .windows
        case "systemv": return .systemV
        default:
            // Qt reads the tail as a signed number and negates it: "systemv-7" is id 7.
            guard scheme.hasPrefix("systemv"), let value = Int(scheme.dropFirst(7)),
                  value < 0, value >= -255 else { return nil }
            return KeyType(rawValue: -value)
        }
    }

    private static func isSchemeStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }

    private static func isSchemeCharacter(_ c: Unicode.Scalar) -> Bool {
        isSchemeStart(c) || ("0"..."9").contains(c) || c == "+" || c == "-" || c == "."
    }

    /// Control characters (and `also`) become %XX; everything else, Unicode included, stays.
    private static func percentEncode(_ text: String, also: Set<Unicode.Scalar>) -> String {
        var out = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            if c.value < 0x20 || c.value == 0x7f || also.contains(c) {
                let hex = String(c.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("%" + (hex.count < 2 ? "0" : "") + hex).unicodeScalars)
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    /// Every valid %XX becomes its byte; a `%` not followed by two hex digits stays as it is.
    /// Bytes that are not UTF-8 become U+FFFD, as in Qt.
    private static func percentDecode(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let high = hexValue(bytes[i + 1]),
               let low = hexValue(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    /// Scalar by scalar, so that a "%" followed by a combining mark is still found.
    fileprivate func replacingOccurrences(_ target: Unicode.Scalar, _ replacement: String) -> String {
        var out = String.UnicodeScalarView()
        for c in unicodeScalars {
            if c == target { out.append(contentsOf: replacement.unicodeScalars) } else { out.append(c) }
        }
        return String(out)
    }
}
