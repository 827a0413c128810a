import SystemPackage

/// Writing to stderr (and stdout) from Swift 6 code (the C `stderr` global is not concurrency-safe to touch).
public enum Console {
    /// Writes `line` and a newline to stderr in one write, so lines of concurrent processes
    /// (e.g. two viewers tracing into one log) do not interleave mid-line.
    public static func error(_ line: String) {
        // Nothing to tell anyone if stderr itself fails.
        _ = try? FileDescriptor.standardError.writeAll(Array((line + "\n").utf8))
    }

    /// Writes `line` and a newline to stdout in one write (`--version`).
    public static func output(_ line: String) {
        _ = try? FileDescriptor.standardOutput.writeAll(Array((line + "\n").utf8))
    }
}
