/// A file name as it can be shown inside a sentence: control characters (a newline, an escape) and
/// bidi formatting characters (U+202E turns the rest of the line around) made visible, and a name
/// holding right-to-left text isolated (FSI … PDI) so that it cannot reorder the words around it.
/// A name that is not valid UTF-8 (``RawFileName``) is shown repaired first, as GLib shows it.
/// For display only: files are opened by their real names.
public enum DisplayName {
    public static func shown(_ name: String) -> String {
        let name = RawFileName.displayName(name)
        var text = ""
        var rightToLeft = false
        for scalar in name.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x00..<0x20: text.unicodeScalars.append(Unicode.Scalar(0x2400 + value)!)   // ␀…␟
            case 0x7F: text += "\u{2421}"   // ␡
            case 0x80..<0xA0, 0x2028, 0x2029, 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF:
                text += "<U+" + String(value, radix: 16, uppercase: true).leftPadded(to: 4) + ">"
            default:
                if isRightToLeft(value) { rightToLeft = true }
                text.unicodeScalars.append(scalar)
            }
        }
        return rightToLeft ? "\u{2068}" + text + "\u{2069}" : text
    }

    /// Hebrew, Arabic, Syriac, Thaana, N'Ko... and their presentation forms: the blocks of strong
    /// right-to-left letters.
    private static func isRightToLeft(_ value: UInt32) -> Bool {
        switch value {
        case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFE, 0x10800...0x10FFF, 0x1E800...0x1EFFF: true
        default: false
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
