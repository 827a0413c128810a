import Foundation
import GtkSupport
import SharedFile

/// The loader's command line, parsed by GLib and checked here.
struct LoaderOptions: AppOptions {
    var key = SegmentKey.default
    /// nil: found by `AssetsLocation`.
    var assets: String?

    static let summary = "Loads a file of the assets folder into the shared memory segment of a running sharedmemory viewer."

    static let definitions = [
        CommandLineOption("key", short: "k", kind: .string,
                          description: "Segment key (default \(SegmentKey.default))", argument: "KEY"),
        CommandLineOption("assets", short: "a", kind: .string,
                          description: "Folder whose files are offered (default: the installed or source-tree assets/files)",
                          argument: "DIR"),
    ]

    init() {}

    init(_ values: OptionValues) throws {
        key = try values.nonEmptyString("key") ?? SegmentKey.default
        assets = try values.nonEmptyString("assets")
    }
}
