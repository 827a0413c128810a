/// A picture's pixel size as its header declares it, read without decoding anything: the viewer
/// refuses a picture over its pixel budget before a decoder allocates it, and says the size at once.
public struct PictureHeader: Sendable, Equatable {
    public var format: PictureFormat
    public var width: Int
    public var height: Int

    public init(format: PictureFormat, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }

    /// Pixels the decoded picture holds (no overflow: each side is below 2^32).
    public var pixels: Int { width * height }

    /// The declared size of a PNG, GIF, BMP, JPEG or WebP picture; nil for other formats (ICO, TIFF,
    /// SVG: the decoder's own size report guards them) or a header cut short.
    public static func read(_ bytes: [UInt8], format: PictureFormat) -> PictureHeader? {
        func be32(_ at: Int) -> Int? { at + 4 <= bytes.count ? Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) : nil }
        func be16(_ at: Int) -> Int? { at + 2 <= bytes.count ? Int(bytes[at]) << 8 | Int(bytes[at + 1]) : nil }
        func le16(_ at: Int) -> Int? { at + 2 <= bytes.count ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : nil }
        func le24(_ at: Int) -> Int? { at + 3 <= bytes.count ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 : nil }
        func le32(_ at: Int) -> Int? { at + 4 <= bytes.count ? Int(Int32(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)) : nil }
        func sized(_ width: Int?, _ height: Int?) -> PictureHeader? {
            guard let width, let height else { return nil }
            return PictureHeader(format: format, width: abs(width), height: abs(height))
        }
        switch format {
        case .png:
            return sized(be32(16), be32(20))
        case .gif:
            return sized(le16(6), le16(8))
        case .bmp:
            return le32(14) == 12 ? sized(le16(18), le16(20)) : sized(le32(18), le32(22))
        case .webp:
            guard bytes.count >= 30 else { return nil }
            switch String(decoding: bytes[12..<16], as: UTF8.self) {
            case "VP8 ": return sized(le16(26).map { $0 & 0x3FFF }, le16(28).map { $0 & 0x3FFF })
            case "VP8L":
                let bits = Int(bytes[21]) | Int(bytes[22]) << 8 | Int(bytes[23]) << 16 | Int(bytes[24]) << 24
                return PictureHeader(format: format, width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
            case "VP8X": return sized(le24(24).map { $0 + 1 }, le24(27).map { $0 + 1 })
            default: return nil
            }
        case .jpeg:
            // Markers from the start: each segment's length skips it, until a start-of-frame (SOF0...SOF15
            // but DHT C4, JPG C8, DAC CC) gives the height and the width.
            var at = 2
            while at + 4 <= bytes.count, bytes[at] == 0xFF {
                let marker = bytes[at + 1]
                if marker == 0xFF { at += 1; continue }
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    return sized(be16(at + 7), be16(at + 5))
                }
                guard let length = be16(at + 2), length >= 2 else { return nil }
                at += 2 + length
            }
            return nil
        case .ico, .tiff, .svg:
            return nil
        }
    }

    /// Whether a PNG, JPEG or GIF file reaches its end marker (IEND, EOI, the trailer byte), zero
    /// bytes after it allowed (a segment larger than the file). Decoders fill a cut JPEG with grey
    /// without an error, so the viewer asks this to say the picture is cut. True for other formats.
    public static func isComplete(_ bytes: [UInt8], format: PictureFormat) -> Bool {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0 { end -= 1 }
        switch format {
        case .png:
            let iend: [UInt8] = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
            return end >= 8 && Array(bytes[(end - 8)..<end]) == iend
        case .jpeg:
            return end >= 2 && bytes[end - 2] == 0xFF && bytes[end - 1] == 0xD9
        case .gif:
            return end >= 1 && bytes[end - 1] == 0x3B
        default:
            return true
        }
    }
}
