import Foundation
import GtkSupport
import SharedFile

/// The loader window: pick a file of the assets folder, it is written to the segment at once.
@MainActor
final class LoaderWindow {
    private let window: Window
    private let files = ComboBoxText()
    private let status = Label()
    /// Owned here for clarity; the combo's `changed` closure holds it too.
    private let loader: FileLoader?
    /// Non-zero when the assets folder is missing.
    private(set) var exitStatus: Int32 = 0

    init(application: Application, options: LoaderOptions) {
        window = Window(application: application, title: "Shared Memory Loader", width: 480, height: 200,
                        iconName: "org.sharedmemorygtk.Loader")

        let heading = Label("File to load:")
        heading.setBold()
        heading.setLabelFor(files)
        files.setAccessibleName("File")
        files.setTooltip("The file is written to the shared memory segment \"\(options.key)\" as soon as it is picked")
        status.setAccessibleName("Status")
        status.setSelectable(true)
        status.setWrap(true)
        status.setAlignment(x: 0, y: 0)   // messages start right under the combo
        status.setMargins(top: 4, bottom: 0, start: 0, end: 0)

        let column = Box(vertical: true, spacing: 8)
        column.setMargins(12)
        column.add(heading)
        column.add(files)
        column.add(status, expand: true)
        window.setChild(column)

        let assets: URL
        switch Self.assetsFolder(options) {
        case .success(let url):
            assets = url
        case .failure(let message):
            loader = nil
            exitStatus = 1
            Console.error("sharedmemory_loader: \(message)")
            status.text = message.description
            return   // the combo stays empty
        }
        let loader = FileLoader(key: options.key, assetsDirectory: assets)
        self.loader = loader
        status.text = "Pick a file of \(assets.path) to load it into the shared memory segment \"\(options.key)\"."
        loader.statusChanged = { [status] text in status.text = text }
        files.setItems(loader.availableFiles())   // an unreadable folder reports through statusChanged
        files.onChanged { [files] in
            if let name = files.activeText { loader.loadFile(name) }
        }
    }

    func present() {
        window.present(focus: files)
        // An empty combo is insensitive, so the status label may have taken the focus and
        // selected all of its text: a message should not look highlighted.
        status.selectNone()
    }

    /// `--assets` when given and a folder, else the default location; the error says what is missing.
    private static func assetsFolder(_ options: LoaderOptions) -> Result<URL, Failure> {
        guard let path = options.assets else {
            return AssetsLocation.find().mapError { Failure(description: $0.description) }
        }
        let url = URL(fileURLWithPath: path)
        guard AssetsLocation.isFolder(url) else {
            return .failure(Failure(description: "The assets folder \(url.path) does not exist or is not a folder. Pass one with --assets DIR."))
        }
        return .success(url)
    }

    struct Failure: Error, CustomStringConvertible { let description: String }
}
