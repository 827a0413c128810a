import GtkSupport
import SharedFile

/// The viewer's command line, parsed by GLib and checked here.
struct ViewerOptions {
    var key = SegmentKey.default
    var size = 1 << 20
    var trace = false

    /// Larger segments are refused as a probable typo rather than reserving that much memory.
    static let maxSize = 1 << 30

    static let summary = """
        Creates a System V shared memory segment (compatible with Qt's QSharedMemory) and shows \
        what sharedmemory_loader writes into it.
        """

    static let definitions = [
        CommandLineOption("key", short: "k", kind: .string,
                          description: "Segment key (default \(SegmentKey.default))", argument: "KEY"),
        CommandLineOption("size", short: "s", kind: .int64,
                          description: "Segment size in bytes when creating it (default 1048576)", argument: "BYTES"),
        CommandLineOption("trace", kind: .flag,
                          description: "Print timing lines to stderr: each render, its first chunk on screen, main-loop gaps (see docs/PERFORMANCE.md)"),
    ]

    struct Invalid: Error, CustomStringConvertible { let description: String }

    init() {}

    init(_ values: OptionValues) throws {
        if let key = values.string("key") {
            guard !key.isEmpty else { throw Invalid(description: "--key must not be empty") }
            self.key = key
        }
        if let size = values.int64("size") {
            guard size > 0 else { throw Invalid(description: "--size must be at least 1 byte, got \(size)") }
            guard size <= Self.maxSize else {
                throw Invalid(description: "--size \(size) is larger than the allowed \(Self.maxSize) bytes (1 GiB)")
            }
            self.size = Int(size)
        }
        trace = values.flag("trace")
    }

    /// Reports an option error on stderr and gives the exit status.
    static func fail(_ error: Error) -> Int32 {
        Console.error("sharedmemory: \(error)\nRun sharedmemory --help for the options.")
        return 2
    }
}
