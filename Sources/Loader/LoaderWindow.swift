import Foundation
import GtkSupport
import Localization
import Messages
import SharedFile

/// The loader window: pick a file of the assets folder, it is written to the segment at once.
@MainActor
final class LoaderWindow: AppWindow {
    private let window: Window
    private let files = ComboBoxText()
    private let reload = Button(label: tr("_Reload"), iconName: "view-refresh-symbolic")
    private let other = Button(label: tr("_Other File…"))
    private let status = Label()
    /// Files loaded before from outside the list ("Other File…", drops), one pick to load again.
    private var recent: RecentList?
    private let key: String
    /// Loads on its own thread, so that a slow disk or a held lock never freezes the window.
    private var loader: BackgroundLoader?
    /// Keeps the list in step with the folder; nil when the folder cannot be watched.
    private var monitor: FolderMonitor?
    /// What was picked last: Reload loads it again, a listed file even once it left the list
    /// (deleted or renamed), so that it says the file is gone rather than "pick a file first".
    private var lastPick: Pick?
    /// The file of the newest load when it was picked outside the list (dialog, drop, Recent), and
    /// the ticket of that load: once its own outcome shows the file is usable it joins the recent
    /// files; one from Recent that is gone says so and leaves them. Matched by ticket, not by name:
    /// a listed file of the same name is another request.
    private var explicitPick: (url: URL, fromRecent: Bool, ticket: BackgroundLoader.Ticket)?
    /// Ends the loader's attachment once picks stop (see `scheduleRelease`).
    private var releaseTimer: MainLoop.Source?
    /// How long the segment stays attached after a load: picks in quick succession (arrow keys in
    /// the list) reuse the mapping, while a viewer closed meanwhile is not kept alive for long.
    static let releaseDelayMilliseconds: UInt32 = 1000
    /// The assets folder, once found.
    private var assets: URL?
    /// True while the folder cannot be listed (deleted, maybe to be made again): its monitor died
    /// with it, so `retryTimer` lists again until it is back.
    private var folderLost = false
    private var retryTimer: MainLoop.Source?
    /// The folder's listings, indexed on the listing thread one after another.
    private let listings = ListIndex.History()
    static let retryMilliseconds: UInt32 = 500
    /// Until the first listing arrives the list is empty, hence insensitive, and GTK gives the
    /// focus to the next control: the first non-empty listing takes it back.
    private var focusListWhenFilled = true
    /// Non-zero when the assets folder is missing.
    private(set) var exitStatus: Int32 = 0

    init(application: Application, options: LoaderOptions) {
        key = options.key
        window = Window(application: application, title: tr("Shared Memory Loader"), width: 480, height: 200,
                        iconName: "org.sharedmemorygtk.Loader", iconFile: SourceTree.iconFile)

        let heading = Label(mnemonic: tr("_File to load:"))
        heading.setBold()
        heading.setLabelFor(files)
        files.setAccessibleName(tr("File"))
        files.setTooltip(tr("The file is written to the shared memory segment \"{key}\" as soon as it is picked").filling(["key": DisplayName.shown(options.key)]))
        reload.setAccessibleName(tr("Reload"))
        reload.setTooltip(tr("Load the selected file again (F5)"))
        other.setAccessibleName(tr("Other file"))
        other.setTooltip(tr("Load a file from outside the assets folder (Ctrl+O); you can also drop a file on this window"))
        status.setAccessibleName(tr("Status"))
        status.setSelectable(true)
        status.setFocusable(false)   // no Tab stop, so never left highlighted behind the focus
        status.setWrap(true)   // by words, and inside a long path or key, so it never widens the window
        status.setAlignment(x: 0, y: 0)   // messages start right under the combo

        let column = Box(vertical: true, spacing: 8)
        column.setMargins(12)
        let row = Box(vertical: false, spacing: 6)
        row.add(files, expand: true)
        // Their words may shorten in a narrow window (German ones set a 998 px minimum at scale 2).
        reload.allowShortening()
        other.allowShortening()
        row.add(reload)
        row.add(other)
        let recent = RecentList { [weak self] url in self?.loadRecent(url) }
        self.recent = recent
        let recentRow = Box(vertical: false, spacing: 6)
        recentRow.add(recent.label)
        recentRow.add(recent.combo, expand: true)
        column.add(heading)
        column.add(row)
        column.add(recentRow)
        // Five lines hold our messages at the default width; a longer one scrolls.
        let statusArea = ScrolledWindow(status: status, lines: 5)
        statusArea.setMargins(top: 4, bottom: 0, start: 0, end: 0)
        statusArea.setFocusable(false)   // no Tab stop of its own, as the status has none
        column.add(statusArea, expand: true)
        window.setChild(column)

        let assets: URL
        switch AssetsLocation.resolve(options.assets) {
        case .success(let url):
            assets = url
        case .failure(let problem):
            loader = nil
            exitStatus = 1
            let message = Messages.assetsFolder(problem)
            Console.error("sharedmemory_loader: \(message)")  // notr: the program name and a translated message
            status.text = message
            reload.setSensitive(false)
            other.setSensitive(false)
            recent.combo.setSensitive(false)
            return   // the combo stays empty
        }
        self.assets = assets
        // The label is bound to the loader's statusChanged, handed over from the loader's thread.
        loader = BackgroundLoader(key: options.key, assetsDirectory: assets, nativeKey: options.ipcKey) { [weak self] outcome, ticket in
            MainLoop.wakeFromAnyThread { self?.show(outcome, of: ticket) }
        }
        status.text = Messages.pickPrompt(folder: assets.path, key: options.key)
        refreshList()
        files.onChanged { [weak self] in
            guard let self, !self.files.isReplacing, let name = self.files.activeText else { return }
            self.recent?.selectNone()   // it no longer names what is loaded
            self.lastPick = .listed(name)
            self.load(name) { $0.load(name) }
        }
        window.acceptDrops { [weak self] in self?.dropped($0) }
        reload.onClicked { [weak self] in self?.reloadSelected() }
        other.onClicked { [weak self] in self?.chooseOtherFile() }
        watch(assets)
    }

    private func watch(_ assets: URL) {
        monitor = FolderMonitor(assets) { [weak self] change in self?.refreshList(changed: change) }
    }

    /// Starts a load of `name` with `start`; the status says so until the outcome arrives.
    @discardableResult
    private func load(_ name: String, start: (BackgroundLoader) -> BackgroundLoader.Ticket) -> BackgroundLoader.Ticket? {
        guard let loader else { return nil }
        cancelRelease()   // the load keeps the segment again
        explicitPick = nil
        status.text = Messages.loading(name)
        return start(loader)
    }

    /// A finished load: its status, and the release timer when it kept the segment.
    private func show(_ outcome: LoadOutcome, of ticket: BackgroundLoader.Ticket) {
        status.text = Messages.status(outcome)
        // Another ticket's outcome is an older load's, finished after this pick was made.
        if let pick = explicitPick, pick.ticket == ticket {
            if pick.fromRecent, outcome.isMissingFile(named: pick.url.lastPathComponent) {
                status.text = Messages.recentFileGone(pick.url.path)
                recent?.remove(pick.url)
            } else if !outcome.isFileFailure {
                recent?.add(pick.url)   // a FIFO or an unreadable file is not offered again
            }
        }
        cancelRelease()   // only the last load's timer counts
        guard outcome.isLoaded else { return }   // a failed load kept nothing
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

    /// Waits for a running load (a second at most) and detaches (on quit), so that the last process
    /// out removes the segment.
    func finish() {
        cancelRelease()
        recent?.save()   // GTK writes 250 ms after a change, or in the app's shutdown: not on a lost display
        loader?.finish()
    }

    /// Loads the selected file (or the last one picked elsewhere) again: picking the same entry
    /// does not emit `changed`.
    func reloadSelected() {
        guard loader != nil else { return }
        switch files.activeText.map(Pick.listed) ?? lastPick {
        case .listed(let name): load(name) { $0.load(name) }
        case .file(let url): loadPicked(url, recentEntry: false)
        case nil: status.text = Messages.pickFirst
        }
    }

    /// A file the user picks explicitly in the desktop's file dialog, wherever it is (Ctrl+O).
    func chooseOtherFile() {
        guard loader != nil else { return }
        FileChooser.chooseFile(parent: window, title: tr("Load a File into Shared Memory"),
                               acceptLabel: tr("_Load"), cancelLabel: tr("_Cancel")) { [weak self] url in
            self?.loadPicked(url, recentEntry: false)
        }
    }

    /// A drop on the window: one local file is loaded as if picked in "Other File…"; anything
    /// else (a web link, several files, text) says why nothing was loaded.
    func dropped(_ data: DropData) {
        guard loader != nil else { return }
        let choice: Result<URL, DropRefusal> = switch data {
        case .uris(let uris): DroppedFiles.choose(uris: uris)
        case .text(let text): text.isEmpty ? .failure(.nothing) : .failure(.notLocalFile(text))
        }
        switch choice {
        case .success(let url):
            loadPicked(url, recentEntry: false)
        case .failure(let refusal):
            status.text = Messages.dropRefused(refusal)
        }
    }

    /// An entry of the Recent list, loaded again (and moved to its top).
    private func loadRecent(_ url: URL) { loadPicked(url, recentEntry: true) }

    /// Loads a file picked outside the list, with the same checks as any explicit pick; it joins
    /// the recent files once its outcome arrives (`show`).
    private func loadPicked(_ url: URL, recentEntry: Bool) {
        files.selectNone()   // the list no longer names what is loaded
        if !recentEntry { recent?.selectNone() }
        lastPick = .file(url)
        if let ticket = load(url.lastPathComponent, start: { $0.load(at: url) }) {
            explicitPick = (url, recentEntry, ticket)
        }
    }

    /// Lists the folder off the main loop (`AssetsFolder.listing`: the changed names only, or the
    /// whole folder after it was lost), then shows the list.
    private func refreshList(changed: [[UInt8]]? = nil) {
        let listings = listings
        let changed = folderLost ? nil : changed
        loader?.onListingThread { [weak self] assets in
            var listing: Result<[String], FileProblem> = .success([])
            // Indexed here, off the main loop: showing a change then costs only the change.
            let index = listings.next { last in
                listing = assets.listing(changed: changed, after: last)
                return (try? listing.get()) ?? []
            }
            MainLoop.wakeFromAnyThread { [listing] in self?.showList(listing, index) }
        }
    }

    /// Rebuilds the list after the folder changed, keeping the picked entry (without loading it again).
    private func showList(_ listing: Result<[String], FileProblem>, _ index: ListIndex) {
        let picked = files.activeText
        let names: [String]
        switch listing {
        case .success(let found):
            names = found
            if folderLost, let assets {   // the folder is back: watch the new one
                folderLost = false
                retryTimer?.remove()
                retryTimer = nil
                watch(assets)
                status.text = Messages.pickPrompt(folder: assets.path, key: key)
            }
        case .failure(let problem):
            names = []
            status.text = Messages.listing(problem)
            folderLost = true
            monitor = nil   // it watched the folder that went away
            retryTimer?.remove()
            retryTimer = MainLoop.addTimeout(milliseconds: Self.retryMilliseconds) { [weak self] in
                self?.retryTimer = nil
                self?.refreshList()
                return false
            }
        }
        defer {
            if focusListWhenFilled, !names.isEmpty {
                focusListWhenFilled = false
                files.grabFocus()
                status.selectNone()
            }
        }
        files.setItems(index, selecting: picked, shown: DisplayName.shown, groupSize: ListGrouping(count: names.count).size,
                       groupTitle: { Messages.fileGroup(first: $0, last: $1) })
    }

    /// What Reload loads again.
    private enum Pick {
        /// A file of the assets folder, by name.
        case listed(String)
        /// A file picked in the dialog, dropped, or picked in the Recent list.
        case file(URL)
    }

    func present() {
        window.present(focus: files)
        // An empty combo is insensitive, so the status label may have taken the focus and
        // selected all of its text: a message should not look highlighted.
        status.selectNone()
    }

}
