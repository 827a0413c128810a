import Glibc

/// Writing to stderr from Swift 6 code (the C `stderr` global is not concurrency-safe to touch).
public enum Console {
    /// Writes `line` and a newline to stderr in one write, so lines of concurrent processes
    /// (e.g. two viewers tracing into one log) do not interleave mid-line.
    public static func error(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(2, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
