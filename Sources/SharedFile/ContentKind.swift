import Foundation

/// A picture format the viewer can decode (through GdkPixbuf's loaders), told from its bytes.
public enum PictureFormat: String, Sendable, Equatable, CaseIterable {
    case png, jpeg, gif, bmp, ico, tiff, webp, svg

    /// The GdkPixbuf loader's type name (`gdk_pixbuf_loader_new_with_type`): the viewer names the
    /// loader rather than letting GdkPixbuf guess, so bytes never reach a loader we did not choose.
    public var loaderType: String { rawValue }

    /// The format's usual name, the same in every language.
    public var name: String {
        switch self {
        case .png: "PNG"    // notr: a format's name
        case .jpeg: "JPEG"  // notr: a format's name
        case .gif: "GIF"    // notr: a format's name
        case .bmp: "BMP"    // notr: a format's name
        case .ico: "ICO"    // notr: a format's name
        case .tiff: "TIFF"  // notr: a format's name
        case .webp: "WebP"  // notr: a format's name
        case .svg: "SVG"    // notr: a format's name
        }
    }

    /// Drawn from vectors: any size can be rendered, so a huge declared canvas is scaled down, not refused.
    public var isVector: Bool { self == .svg }
}

/// What a payload is, decided from its bytes (not from a file name, which the seed layout lacks and
/// which can lie): the view the viewer opens it in.
public enum ContentKind: Sendable, Equatable {
    /// UTF-8 text, or mostly printable bytes (see `detect`).
    case text
    case picture(PictureFormat)
    /// Neither: shown as a hex dump.
    case binary

    /// How many leading bytes decide text or binary: enough for any header, little work on a 1 GiB segment.
    public static let sampleSize = 64 << 10

    /// The kind of `bytes`, from their start.
    ///
    /// Pictures by their signature (SVG: text whose first element is `<svg`). Text: empty content, or
    /// a sample where bytes that no text holds (NUL, C0 controls other than tab, line breaks, form feed
    /// and escape, and bytes of invalid UTF-8 below 0xA0, which Latin-1 text does not use either) are
    /// at most 1 in 64, and at most one when the sample is shorter than 64 bytes, so that a text file
    /// with a stray NUL is still text. UTF-16 (a byte-order mark, or a NUL beside most ASCII letters)
    /// is binary: the text view reads UTF-8, and the hex view shows UTF-16 honestly.
    public static func detect<C: Collection>(_ bytes: C) -> ContentKind where C.Element == UInt8 {
        let sample = Array(bytes.prefix(sampleSize))
        if let format = pictureFormat(sample) { return .picture(format) }
        if sample.isEmpty { return .text }
        if looksLikeUTF16(sample) { return .binary }
        return suspiciousBytes(sample, endsEarly: sample.count < bytes.count) <= max(1, sample.count / 64) ? .text : .binary
    }

    /// The picture format whose signature `bytes` start with (SVG: a text whose root is `<svg`).
    public static func pictureFormat(_ bytes: [UInt8]) -> PictureFormat? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<(offset + prefix.count)]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(Array("BM".utf8)), bytes.count >= 18 {
            // "BM" also starts text ("BMW"): the DIB header's size must be one of the known ones.
            let dib = UInt32(bytes[14]) | UInt32(bytes[15]) << 8 | UInt32(bytes[16]) << 16 | UInt32(bytes[17]) << 24
            if [12, 40, 52, 56, 64, 108, 124].contains(dib) { return .bmp }
        }
        if starts([0x00, 0x00, 0x01, 0x00]), bytes.count >= 22 {
            // An icon directory: a count, then 16-byte entries whose reserved byte is 0 and planes 0 or 1.
            let count = Int(bytes[4]) | Int(bytes[5]) << 8
            if count > 0, bytes[9] == 0, bytes[10] <= 1, bytes[11] == 0 { return .ico }
        }
        if isSVG(bytes) { return .svg }
        return nil
    }

    /// An XML text whose first element is `<svg`: after an optional byte-order mark, white space, an
    /// XML declaration, comments and a doctype.
    static func isSVG(_ bytes: [UInt8]) -> Bool {
        var text = Substring(String(decoding: bytes.prefix(4096), as: UTF8.self))
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        while true {
            text = text.drop(while: \.isWhitespace)
            if text.hasPrefix("<?") || text.hasPrefix("<!--") || text.hasPrefix("<!") {
                let end = text.hasPrefix("<!--") ? "-->" : ">"
                guard let range = text.range(of: end) else { return false }
                text = text[range.upperBound...]
                continue
            }
            return text.hasPrefix("<svg") && (text.dropFirst(4).first.map { $0.isWhitespace || $0 == ">" || $0 == "/" } ?? false)
        }
    }

    /// A byte-order mark of UTF-16, or every other byte NUL beside ASCII (at least 3 in 4 pairs).
    static func looksLikeUTF16(_ sample: [UInt8]) -> Bool {
        if sample.count >= 2, (sample[0] == 0xFF && sample[1] == 0xFE) || (sample[0] == 0xFE && sample[1] == 0xFF) {
            return true
        }
        let pairs = min(sample.count / 2, 512)
        guard pairs >= 4 else { return false }
        var even = 0, odd = 0
        for pair in 0..<pairs {
            let first = sample[2 * pair], second = sample[2 * pair + 1]
            if first == 0, second != 0, second < 0x80 { even += 1 }
            if second == 0, first != 0, first < 0x80 { odd += 1 }
        }
        return max(even, odd) * 4 >= pairs * 3
    }

    /// Bytes of `sample` that no text holds (see `detect`). A UTF-8 sequence cut by the sample's end
    /// (`endsEarly`) is not counted.
    static func suspiciousBytes(_ sample: [UInt8], endsEarly: Bool) -> Int {
        var count = 0
        var index = 0
        while index < sample.count {
            let byte = sample[index]
            if byte < 0x80 {
                if byte < 0x20, ![0x09, 0x0A, 0x0C, 0x0D, 0x0B, 0x1B].contains(byte) { count += 1 }
                if byte == 0x7F { count += 1 }
                index += 1
                continue
            }
            let length = byte >= 0xF0 && byte <= 0xF4 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 && byte < 0xE0 ? 2 : 0
            if length > 0 {
                if index + length > sample.count, endsEarly { break }
                var valid = index + length <= sample.count
                if valid { for next in 1..<length where sample[index + next] & 0xC0 != 0x80 { valid = false } }
                if valid { index += length; continue }
            }
            // An invalid byte: Latin-1 text uses 0xA0...0xFF, nothing uses 0x80...0x9F.
            if byte < 0xA0 { count += 1 }
            index += 1
        }
        return count
    }
}
