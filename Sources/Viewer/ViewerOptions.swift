import GtkSupport
import SharedFile
import SharedMemory

/// The viewer's command line, parsed by GLib and checked here.
struct ViewerOptions: AppOptions {
    var key = SegmentKey.default
    /// The segment's native key (`--key-type`, `--native-key`), checked before anything is made.
    var ipcKey = NativeIpcKey.legacy(SegmentKey.default)
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
        CommandLineOption("key-type", kind: .string,
                          description: "How KEY becomes a native key: legacy (default: QSharedMemory(QString), Qt 5, the seed), posix or systemv (Qt 6's platformSafeKey)",
                          argument: "TYPE"),
        CommandLineOption("native-key", kind: .string,
                          description: "A QNativeIpcKey::toString() string as a Qt 6 program prints it, e.g. posix:/name (replaces --key and --key-type)",
                          argument: "STRING"),
        CommandLineOption("size", short: "s", kind: .int64,
                          description: "Segment size in bytes when creating it (default 1048576)", argument: "BYTES"),
        CommandLineOption("trace", kind: .flag,
                          description: "Print timing lines to stderr: each render, its first chunk on screen, main-loop gaps (see docs/PERFORMANCE.md)"),
    ]

    init() {}

    init(_ values: OptionValues) throws {
        key = try values.nonEmptyString("key") ?? SegmentKey.default
        let choice = try values.nonEmptyString("key-type")
        guard let type = KeyChoice(rawValue: choice ?? "legacy") else {
            throw InvalidOption("--key-type must be legacy, posix or systemv, got \"\(choice ?? "")\"")
        }
        do {
            ipcKey = try NativeIpcKey.fromOptions(key: key, type: type, nativeKey: try values.nonEmptyString("native-key"))
        } catch let error as SharedMemoryError {
            throw InvalidOption(error.message)
        }
        // The name the window shows: the legacy key as before, else the string a Qt 6 program takes.
        if ipcKey != .legacy(key) { key = ipcKey.description }
        if let size = values.int64("size") {
            guard size > 0 else { throw InvalidOption("--size must be at least 1 byte, got \(size)") }
            guard size <= Self.maxSize else {
                throw InvalidOption("--size \(size) is larger than the allowed \(Self.maxSize) bytes (1 GiB)")
            }
            self.size = Int(size)
        }
        trace = values.flag("trace")
    }
}
