/// A file name (or a path, a key) as it can be shown anywhere: in a sentence, a title, a tooltip, a
/// dialog or the ctl's output. Control characters (a newline, an escape), bidi formatting characters
/// (U+202E turns the rest of the line around) and other invisible format characters are written
/// `<U+XXXX>`, in ASCII, so that any font draws them and no name splits a line or reorders one; a
/// name holding right-to-left text is isolated (FSI … PDI), so it reads the same in every place and
/// cannot reorder the words around it. A name that is not valid UTF-8 (``RawFileName``) is shown
/// repaired first, as GLib shows it. For display only: files are opened by their real names.
public enum DisplayName {
    public static func shown(_ name: String) -> String {
        let (text, rightToLeft) = visible(name)
        return rightToLeft ? "\u{2068}" + text + "\u{2069}" : text
    }

    /// `shown` without the isolation: what a file dialog proposes as a name to save under, where
    /// FSI and PDI would become part of the new file's name.
    public static func proposed(_ name: String) -> String { visible(name).text }

    private static func visible(_ name: String) -> (text: String, rightToLeft: Bool) {
        let name = RawFileName.displayName(name)
        var text = ""
        var rightToLeft = false
        for scalar in name.unicodeScalars {
            let value = scalar.value
            if isInvisible(value) {
                text += "<U+" + String(value, radix: 16, uppercase: true).leftPadded(to: 4) + ">"
            } else {
                if isRightToLeft(value) { rightToLeft = true }
                text.unicodeScalars.append(scalar)
            }
        }
        return (text, rightToLeft)
    }

    /// C0 and C1 controls, DEL, the line and paragraph separators, the bidi marks, embeddings,
    /// overrides and isolates, the byte order mark.
    private static func isInvisible(_ value: UInt32) -> Bool {
        switch value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
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
