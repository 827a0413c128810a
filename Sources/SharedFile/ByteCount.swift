import CGLib

/// Sizes as people read them, the way GLib's `g_format_size` writes them (IEC units: "1.0 MiB"),
/// the one place the programs format a byte count.
public enum ByteCount {
    /// "512 bytes", "1.0 MiB", "1.5 GiB".
    public static func format(_ bytes: Int) -> String {
        make(bytes, G_FORMAT_SIZE_IEC_UNITS)
    }

    /// With the exact count after it, where it matters: "1.0 MiB (1048576 bytes)".
    public static func formatExact(_ bytes: Int) -> String {
        bytes < 1024 ? format(bytes)
            : make(bytes, GFormatSizeFlags(G_FORMAT_SIZE_IEC_UNITS.rawValue | G_FORMAT_SIZE_LONG_FORMAT.rawValue))
    }

    private static func make(_ bytes: Int, _ flags: GFormatSizeFlags) -> String {
        guard let text = g_format_size_full(guint64(max(bytes, 0)), flags) else { return "\(bytes) bytes" }
        defer { g_free(text) }
        return String(cString: text)
    }
}
