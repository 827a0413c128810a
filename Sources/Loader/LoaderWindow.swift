import Foundation
import GtkSupport
import SharedFile

/// The loader window: pick a file of the assets folder, it is written to the segment at once.
@MainActor
final class LoaderWindow {
    private let window: Window
    private let files = ComboBoxText()
    private let reload = Button(iconName: "view-refresh-symbolic")
    private let other = Button(label: "_Other File…")
    private let status = Label()
    /// Owned here for clarity; the signal closures hold it too.
    private let loader: FileLoader?
    /// Keeps the list in step with the folder; nil when the folder cannot be watched.
    private var monitor: FolderMonitor?
    /// True while the list is rebuilt: the combo's `changed` then means no pick by the user.
    private var refreshing = false
    /// Ends the loader's attachment once picks stop (see `scheduleRelease`).
    private var releaseTimer: MainLoop.Source?
    /// How long the segment stays attached after a load: picks in quick succession (arrow keys in
    /// the list) reuse the mapping, while a viewer closed meanwhile is not kept alive for long.
    static let releaseDelayMilliseconds: UInt32 = 1000
    /// Non-zero when the assets folder is missing.
    private(set) var exitStatus: Int32 = 0

    init(application: Application, options: LoaderOptions) {
        window = Window(application: application, title: "Shared Memory Loader", width: 480, height: 200,
                        iconName: "org.sharedmemorygtk.Loader", iconFile: SourceTree.iconFile)

        let heading = Label("File to load:")
        heading.setBold()
        heading.setLabelFor(files)
        files.setAccessibleName("File")
        files.setTooltip("The file is written to the shared memory segment \"\(options.key)\" as soon as it is picked")
        reload.setAccessibleName("Reload")
        reload.setTooltip("Load the selected file again (F5)")
        other.setAccessibleName("Other file")
        other.setTooltip("Load a file from outside the assets folder")
        status.setAccessibleName("Status")
        status.setSelectable(true)
        status.setWrap(true)
        status.setAlignment(x: 0, y: 0)   // messages start right under the combo
        status.setMargins(top: 4, bottom: 0, start: 0, end: 0)

        let column = Box(vertical: true, spacing: 8)
        column.setMargins(12)
        let row = Box(vertical: false, spacing: 6)
        row.add(files, expand: true)
        row.add(reload)
        row.add(other)
        column.add(heading)
        column.add(row)
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
            reload.setSensitive(false)
            other.setSensitive(false)
            return   // the combo stays empty
        }
        let loader = FileLoader(key: options.key, assetsDirectory: assets)
        self.loader = loader
        status.text = "Pick a file of \(assets.path) to load it into the shared memory segment \"\(options.key)\"."
        loader.keepsSegmentAttached = true
        loader.statusChanged = { [weak self, status] text in
            status.text = text
            self?.scheduleRelease()
        }
        files.setItems(loader.availableFiles())   // an unreadable folder reports through statusChanged
        files.onChanged { [weak self] in
            guard let self, !self.refreshing, let name = self.files.activeText else { return }
            loader.loadFile(name)
        }
        reload.onClicked { [weak self] in self?.reloadSelected() }
        other.onClicked { [weak self] in self?.chooseOtherFile() }
        monitor = FolderMonitor(assets) { [weak self] in self?.refreshList() }
    }

    /// (Re)arms the timer that detaches the segment `releaseDelayMilliseconds` after the last load
    /// (a failed load kept nothing, so there is nothing to time).
    private func scheduleRelease() {
        releaseTimer?.remove()
        releaseTimer = nil
        guard loader?.holdsSegment == true else { return }
        releaseTimer = MainLoop.addTimeout(milliseconds: Self.releaseDelayMilliseconds) { [weak self] in
            self?.releaseTimer = nil
            self?.loader?.releaseSegment()
            return false
        }
    }

    /// Detaches at once (on quit), so that the last process out removes the segment.
    func releaseSegment() {
        releaseTimer?.remove()
        releaseTimer = nil
        loader?.releaseSegment()
    }

    /// Loads the selected file again: picking the same entry does not emit `changed`.
    func reloadSelected() {
        guard let loader else { return }
        guard let name = files.activeText else {
            status.text = "Pick a file first; Reload loads the picked file again."
            return
        }
        loader.loadFile(name)
    }

    /// A file the user picks explicitly in the desktop's file dialog, wherever it is.
    private func chooseOtherFile() {
        guard let loader else { return }
        FileChooser.chooseFile(parent: window, title: "Load a File into Shared Memory") { [weak self] url in
            self?.files.activeIndex = nil   // the list no longer names what is loaded
            loader.loadFile(at: url)
        }
    }

    /// Rebuilds the list after the folder changed, keeping the picked entry (without loading it again).
    private func refreshList() {
        guard let loader else { return }
        refreshing = true
        defer { refreshing = false }
        let picked = files.activeText
        let names = loader.availableFiles()
        files.setItems(names)
        if let picked, let index = names.firstIndex(of: picked) { files.activeIndex = index }
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
