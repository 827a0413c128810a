import GtkSupport
import Localization
import Messages
import SharedFile
import SharedMemory

/// The viewer's command line, parsed by GLib and checked here.
struct ViewerOptions: AppOptions {
    var key = SegmentKey.default
    /// The segment's native key (`--key-type`, `--native-key`), checked before anything is made.
    var ipcKey = NativeIpcKey.legacy(SegmentKey.default)
    var size = 1 << 20
    var trace = false
    /// Texts over this many bytes are shown without syntax highlighting (docs/PERFORMANCE.md, issue 12).
    var highlightLimit = ViewerOptions.defaultHighlightLimit
    static let defaultHighlightLimit = 1 << 20
    /// `--highlight-limit` was given: it then applies to JSON and Markdown too, instead of their 256 KiB (`HighlightRule`).
    var highlightLimitGiven = false

    // Lazily made statics: runApp has set up gettext before it reads them.
    static let summary = tr("Creates a shared memory segment (System V, or POSIX for a Qt 6 native key; compatible with Qt's QSharedMemory) and shows what sharedmemory_loader writes into it.")

    static let definitions = CommandLineOption.keyOptions(defaultKey: SegmentKey.default) + [
        CommandLineOption("size", short: "s", kind: .int64,
                          description: tr("Segment size in bytes when creating it (default {size})").filling(["size": (1 << 20).localizedDigits]),
                          argument: "BYTES"),
        CommandLineOption("highlight-limit", kind: .int64,
                          description: tr("Show texts over this many bytes without syntax highlighting (default {size}, 256 KiB for JSON and Markdown unless given; 0: never highlight)")
                              .filling(["size": defaultHighlightLimit.localizedDigits]),
                          argument: "BYTES"),
        CommandLineOption("trace", kind: .flag,
                          description: tr("Print timing lines to stderr: each render, its first chunk on screen, main-loop gaps (see docs/PERFORMANCE.md)")),
    ]

    init() {}

    init(_ values: OptionValues) throws {
        key = try values.nonEmptyString("key") ?? SegmentKey.default
        do {
            ipcKey = try NativeIpcKey.fromOptions(key: key, typeName: try values.nonEmptyString("key-type"),
                                                  nativeKey: try values.nonEmptyString("native-key"))
        } catch let error as SharedMemoryError {
            throw InvalidOption(error.message)
        }
        key = ipcKey.shownName(for: key)
        if let size = try values.int64("size") {
            // Too small for the framed header and some content, or larger than the one limit.
            if let problem = SegmentLimits.problem(framedSize: Int(clamping: size)) {
                throw InvalidOption(Messages.sizeProblem(problem))
            }
            self.size = Int(size)
        }
        trace = values.flag("trace")
        if let limit = try values.int64("highlight-limit") {
            guard limit >= 0 else { throw InvalidOption(tr("--highlight-limit must be 0 or more")) }
            highlightLimit = Int(clamping: limit)
            highlightLimitGiven = true
        }
    }
}
