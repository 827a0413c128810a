import CGLib
#if canImport(Glibc)
import Glibc
#endif

/// Qt's rule for turning a user key into a file path (QSharedMemoryPrivate::makePlatformSafeKey
/// on Unix): temp dir + "/" + prefix + the ASCII letters of the key + SHA-1 hex of its UTF-8.
enum NativeKey {
    static let semaphorePrefix = "qipc_systemsem_"

    static func make(for key: String, prefix: String, tempDirectory: String?) -> String {
        // Qt returns an empty native key for an empty key; create/attach then report keyError.
        if key.isEmpty { return "" }
        return tempPath(tempDirectory) + "/" + name(for: key, prefix: prefix)
    }

    /// The file name part: prefix + the ASCII letters of the key + SHA-1 hex of its UTF-8.
    static func name(for key: String, prefix: String) -> String {
        let letters = String(String.UnicodeScalarView(key.unicodeScalars.filter {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0)
        }))
        return prefix + letters + sha1Hex(Array(key.utf8))
    }

    /// QDir::tempPath() on Unix: $TMPDIR unless unset or empty, else /tmp, then cleanPath.
    static func tempPath(_ explicit: String?) -> String {
        var dir = explicit ?? ""
        if explicit == nil, let env = getenv("TMPDIR") { dir = String(cString: env) }
        if dir.isEmpty { dir = "/tmp" }
        return cleanPath(dir)
    }

    /// QDir::cleanPath: no repeated or trailing separators, "." and ".." resolved.
    static func cleanPath(_ path: String) -> String {
        if path.isEmpty { return path }
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !absolute {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Lowercase hex SHA-1, from GLib's GChecksum (the same digest Qt's QCryptographicHash gives).
    static func sha1Hex(_ bytes: [UInt8]) -> String {
        let hex = bytes.withUnsafeBufferPointer { buffer -> UnsafeMutablePointer<gchar>? in
            g_compute_checksum_for_data(G_CHECKSUM_SHA1, buffer.baseAddress, gsize(buffer.count))
        }
        guard let hex else { fatalError("g_compute_checksum_for_data(SHA1) returned NULL") }  // notr: a programming error
        defer { g_free(hex) }
        return String(cString: hex)
    }
}
