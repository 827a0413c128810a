import CGLib
#if canImport(Glibc)
import Glibc
#endif

/// A file name's bytes carried in a `String` without loss, so that a name that is not valid UTF-8
/// is listed (shown repaired) and opened by its real bytes.
///
/// A valid UTF-8 name is itself. In a name that is not, each byte of an invalid sequence is written
/// `/XX` (two upper-case hex digits): no real name holds `/`, so an encoded name never equals a real
/// one, and ``AssetsFolder/open(_:)`` rejects a name whose bytes hold `/`. Only the assets listing
/// makes encoded names; everything shown goes through ``displayName(_:)`` (via ``DisplayName``).
public enum RawFileName {
    /// The name for `bytes` (a directory entry's name).
    public static func string(_ bytes: [UInt8]) -> String {
        var text = ""
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                var offset = 0
                while offset < buffer.count {
                    var end: UnsafePointer<CChar>?
                    let valid = g_utf8_validate(chars + offset, buffer.count - offset, &end) != 0
                    let stop = valid ? buffer.count : end.map { $0 - chars } ?? buffer.count
                    text += String(decoding: buffer[offset..<stop], as: UTF8.self)
                    guard stop < buffer.count else { break }
                    text += "/" + hex(buffer[stop])
                    offset = stop + 1
                }
            }
        }
        return text
    }

    /// True when `name` was made by ``string(_:)`` from bytes that are not valid UTF-8.
    public static func isEncoded(_ name: String) -> Bool { name.utf8.contains(0x2F) }

    /// The real bytes of `name`.
    public static func bytes(_ name: String) -> [UInt8] {
        let utf8 = Array(name.utf8)
        guard isEncoded(name) else { return utf8 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            if utf8[index] == 0x2F, index + 2 < utf8.count, let high = digit(utf8[index + 1]),
               let low = digit(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return bytes
    }

    /// How GLib shows the name (`g_filename_display_name`): in UTF-8, an invalid sequence replaced
    /// by U+FFFD. A valid name is returned as it is.
    public static func displayName(_ name: String) -> String {
        guard isEncoded(name) else { return name }
        var bytes = bytes(name)
        bytes.append(0)
        let shown = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { g_filename_display_name($0.baseAddress) }
        }
        defer { g_free(shown) }
        return shown.map { String(cString: $0) } ?? name
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    private static func digit(_ character: UInt8) -> UInt8? {
        switch character {
        case 0x30...0x39: character - 0x30
        case 0x41...0x46: character - 0x41 + 10
        default: nil
        }
    }
}
