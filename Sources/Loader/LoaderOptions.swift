import Foundation
import GtkSupport
import Localization
import SharedFile
import SharedMemory

/// The loader's command line, parsed by GLib and checked here.
struct LoaderOptions: AppOptions {
    var key = SegmentKey.default
    /// The segment's native key (`--key-type`, `--native-key`), checked before anything is made.
    var ipcKey = NativeIpcKey.legacy(SegmentKey.default)
    /// nil: found by `AssetsLocation`.
    var assets: String?

    // Lazily made statics: runApp has set up gettext before it reads them.
    static let summary = tr("Loads a file of the assets folder into the shared memory segment of a running sharedmemory viewer.")

    static let definitions = CommandLineOption.keyOptions(defaultKey: SegmentKey.default) + [
        CommandLineOption("assets", short: "a", kind: .string,
                          description: tr("Folder whose files are offered (default: the installed or source-tree assets/files)"),
                          argument: "DIR"),
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
        assets = try values.nonEmptyString("assets")
    }
}
