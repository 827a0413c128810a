import Foundation
import GtkSupport
import SharedFile

/// The loader's command line, parsed by GLib and checked here.
struct LoaderOptions {
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

    struct Invalid: Error, CustomStringConvertible { let description: String }

    init() {}

    init(_ values: OptionValues) throws {
        if let key = values.string("key") {
            guard !key.isEmpty else { throw Invalid(description: "--key must not be empty") }
            self.key = key
        }
        if let assets = values.string("assets") {
            guard !assets.isEmpty else { throw Invalid(description: "--assets must not be empty") }
            self.assets = assets
        }
    }

    /// Reports an option error on stderr and gives the exit status.
    static func fail(_ error: Error) -> Int32 {
        Console.error("sharedmemory_loader: \(error)\nRun sharedmemory_loader --help for the options.")
        return 2
    }
}
