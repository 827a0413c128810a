/// The rows of a hex dump as `hexdump -C` and GHex lay them out: the offset, 16 bytes in hex (a
/// wider gap after the eighth), and the printable ASCII characters beside them ('.' for the others).
/// A row is made on demand from the bytes, so a view shows any size by making only the rows it draws.
public enum HexDump {
    public static let bytesPerRow = 16
    /// Characters of the hex column: "xx " per byte plus the gap after the eighth.
    public static let hexWidth = bytesPerRow * 3 + 1

    /// Rows for `byteCount` bytes (an empty content has none).
    public static func rowCount(byteCount: Int) -> Int { (byteCount + bytesPerRow - 1) / bytesPerRow }

    /// Hex digits of the offset column: 8, more for contents beyond 4 GiB.
    public static func offsetDigits(byteCount: Int) -> Int {
        var digits = 8
        while digits < 16, byteCount > 1 << (4 * digits) { digits += 1 }
        return digits
    }

    /// One row: "00000010  7f 45 4c 46 02 01 01 00  00 00 00 00 00 00 00 00  .ELF............".
    /// The hex column is padded on the last, short row so that the printable column stays aligned.
    public static func row(_ bytes: UnsafeRawBufferPointer, row: Int, offsetDigits: Int = 8) -> String {
        let start = row * bytesPerRow
        let end = min(start + bytesPerRow, bytes.count)
        var line = [UInt8]()
        line.reserveCapacity(offsetDigits + 2 + hexWidth + 1 + bytesPerRow)
        for shift in stride(from: (offsetDigits - 1) * 4, through: 0, by: -4) { line.append(hexDigit(start >> shift & 0xF)) }
        line.append(0x20); line.append(0x20)
        for index in 0..<bytesPerRow {
            if index == 8 { line.append(0x20) }
            if start + index < end {
                let byte = bytes[start + index]
                line.append(hexDigit(Int(byte >> 4))); line.append(hexDigit(Int(byte & 0xF)))
            } else {
                line.append(0x20); line.append(0x20)
            }
            line.append(0x20)
        }
        line.append(0x20)
        for index in start..<max(start, end) { line.append(printable(bytes[index])) }
        return String(decoding: line, as: UTF8.self)
    }

    /// The hex of `bytes` as the hex column writes it ("7f 45 4c 46"): what a copy of a selection gives.
    public static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            if !out.isEmpty { out.append(0x20) }
            out.append(hexDigit(Int(byte >> 4))); out.append(hexDigit(Int(byte & 0xF)))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The byte itself when it is printable ASCII, else '.'.
    public static func printable(_ byte: UInt8) -> UInt8 { (0x20...0x7E).contains(byte) ? byte : 0x2E }

    private static func hexDigit(_ value: Int) -> UInt8 { value < 10 ? 0x30 + UInt8(value) : 0x61 + UInt8(value - 10) }
}
