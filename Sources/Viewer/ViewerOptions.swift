import GtkSupport
import Messages
import SharedFile

/// The viewer's command line, parsed by GLib and checked here.
struct ViewerOptions: AppOptions {
    var key = SegmentKey.default
    var size = 1 << 20
    var trace = false

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

    init() {}

    init(_ values: OptionValues) throws {
        key = try values.nonEmptyString("key") ?? SegmentKey.default
        if let size = values.int64("size") {
            // Too small for the framed header and some content, or larger than the one limit.
            if let problem = SegmentLimits.problem(framedSize: Int(clamping: size)) {
                throw InvalidOption(Messages.sizeProblem(problem))
            }
            self.size = Int(size)
        }
        trace = values.flag("trace")
    }
}
