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
    /// Loads on its own thread, so that a slow disk or a held lock never freezes the window.
    private var loader: BackgroundLoader?
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
        loader = BackgroundLoader(key: options.key, assetsDirectory: assets, nativeKey: options.ipcKey) { [weak self] outcome in
            MainLoop.wakeFromAnyThread { self?.show(outcome) }
        }
        status.text = "Pick a file of \(assets.path) to load it into the shared memory segment \"\(options.key)\"."
        refreshList()
        files.onChanged { [weak self] in
            guard let self, !self.refreshing, let name = self.files.activeText else { return }
            self.load(name) { $0.load(name) }
        }
        reload.onClicked { [weak self] in self?.reloadSelected() }
        other.onClicked { [weak self] in self?.chooseOtherFile() }
        monitor = FolderMonitor(assets) { [weak self] in self?.refreshList() }
    }

    /// Starts a load of `name` with `start`; the status says so until the outcome arrives.
    private func load(_ name: String, start: (BackgroundLoader) -> Void) {
        guard let loader else { return }
        cancelRelease()   // the load keeps the segment again
        status.text = "Loading \(name)…"
        start(loader)
    }

    /// A finished load: its status, and the release timer when it kept the segment.
    private func show(_ outcome: BackgroundLoader.Outcome) {
        status.text = outcome.status
        cancelRelease()   // only the last load's timer counts
        guard outcome.holdsSegment else { return }   // a failed load kept nothing
        releaseTimer = MainLoop.addTimeout(milliseconds: Self.releaseDelayMilliseconds) { [weak self] in
            self?.releaseTimer = nil
            self?.loader?.release()
            return false
        }
    }

    private func cancelRelease() {
        releaseTimer?.remove()
        releaseTimer = nil
    }

    /// Waits for a running load and detaches (on quit), so that the last process out removes the segment.
    func finish() {
        cancelRelease()
        loader?.finish()
    }

    /// Loads the selected file again: picking the same entry does not emit `changed`.
    func reloadSelected() {
        guard loader != nil else { return }
        guard let name = files.activeText else {
            status.text = "Pick a file first; Reload loads the picked file again."
            return
        }
        load(name) { $0.load(name) }
    }

    /// A file the user picks explicitly in the desktop's file dialog, wherever it is.
    private func chooseOtherFile() {
        guard loader != nil else { return }
        FileChooser.chooseFile(parent: window, title: "Load a File into Shared Memory") { [weak self] url in
            guard let self else { return }
            self.files.activeIndex = nil   // the list no longer names what is loaded
            self.load(url.lastPathComponent) { $0.load(at: url) }
        }
    }

    /// Rebuilds the list after the folder changed, keeping the picked entry (without loading it again).
    private func refreshList() {
        guard let loader else { return }
        refreshing = true
        defer { refreshing = false }
        let picked = files.activeText
        let listing = loader.availableFiles()
        if let problem = listing.problem { status.text = problem }
        files.setItems(listing.names)
        if let picked, let index = listing.names.firstIndex(of: picked) { files.activeIndex = index }
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
