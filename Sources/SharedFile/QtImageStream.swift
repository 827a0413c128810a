/// The layout of Qt's shared memory example (qtbase examples/corelib/ipc/sharedmemory): the loader
/// writes `QDataStream << QImage` through a QBuffer, which is a big-endian qint32 `1` (0 marks a null
/// image) followed by the image as a PNG file. Qt 6.11's `QDataStream >> QImage` reads PNG only (any
/// non-zero marker), so our writer stores PNG only; our reader takes any raster signature after `1`. docs/PROTOCOL.md, "Qt's image example".
public enum QtImageStream {
    /// The marker of a non-null image: qint32 1, big-endian (QDataStream's default byte order).
    public static let marker: [UInt8] = [0, 0, 0, 1]

    /// The bytes to store for the picture file `picture`: the marker, then the file as it is (Qt's
    /// `QDataStream >> QImage` detects the format from the bytes).
    public static func encode(_ picture: [UInt8]) -> [UInt8] { marker + picture }

    /// Where the picture lies in `segment` when it holds the example's layout: the marker, then a
    /// picture signature (not SVG: Qt writes raster formats). A PNG ends at its IEND chunk (the segment
    /// may be larger than what was written); other formats run to the segment's end.
    public static func picture(in segment: UnsafeRawBufferPointer) -> (format: PictureFormat, range: Range<Int>)? {
        guard segment.count > marker.count + 8, Array(segment[0..<4]) == marker else { return nil }
        let head = Array(segment[4..<min(segment.count, 4 + 64)])
        guard let format = ContentKind.pictureFormat(head), format != .svg else { return nil }
        let end = format == .png ? pngEnd(segment, from: 4) ?? segment.count : segment.count
        return (format, 4..<end)
    }

    /// The end of the PNG starting at `start`: after its IEND chunk; nil when a chunk runs past the
    /// segment (a truncated picture is then shown as far as it goes).
    static func pngEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var at = start + 8
        while at + 12 <= bytes.count {
            let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            let next = at + 12 + length
            guard next <= bytes.count else { return nil }
            if bytes[at + 4] == 0x49, bytes[at + 5] == 0x45, bytes[at + 6] == 0x4E, bytes[at + 7] == 0x44 { return next }
            at = next
        }
        return nil
    }
}
