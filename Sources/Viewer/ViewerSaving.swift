import Foundation
import GtkSupport
import Localization
import Messages
import SharedFile
import SystemPackage

/// The viewer's "Save As…" (Ctrl+S): a save dialog, then the segment's stored bytes (not the
/// shown text) written by `BackgroundReader.save` off the main loop; the outcome is shown in an
/// info bar above the text.
@MainActor
final class ViewerSaving {
    /// Where the outcome is said (accessible name "Save result").
    let infoBar = InfoBar(accessibleName: tr("Save result"), closeLabel: tr("_Close"))
    /// The name the dialog proposes: the loaded file's, when the segment says it.
    var suggestedName: String?
    /// Which content is on screen; the dialog saves this version and nothing loaded while it is open.
    var shownVersion: ContentVersion?
    private let window: Window
    private let reader: BackgroundReader<PreparedDisplay>
    /// The folder of the last save, where the next dialog opens.
    private var lastFolder: URL?

    init(application: Application, window: Window, reader: BackgroundReader<PreparedDisplay>, header: HeaderBar) {
        self.window = window
        self.reader = reader
        application.addAction("save-as", accelerators: ["<Primary>s"]) { [weak self] in self?.chooseTarget() }
        let button = Button(iconName: "document-save-as-symbolic")
        button.setAccessibleName(tr("Save As…"))
        button.setTooltip(tr("Save the bytes the segment holds to a file (Ctrl+S)"))
        button.onClicked { [weak self] in self?.chooseTarget() }
        header.packEnd(button)
    }

    /// Asks where to save (the dialog asks before replacing a file), then saves.
    func chooseTarget() {
        let version = shownVersion
        // Shown, not raw: a U+202E or a newline in the proposed name would spoof or split the entry.
        let name = suggestedName.map { DisplayName.proposed(URL(fileURLWithPath: $0).lastPathComponent) }
            .flatMap { $0.isEmpty ? nil : $0 }
        FileChooser.chooseSaveFile(parent: window, title: tr("Save the Segment's Content As"),
                                   acceptLabel: tr("_Save"), cancelLabel: tr("_Cancel"),
                                   suggestedName: name ?? tr("segment.bin"), startingIn: lastFolder) { [weak self] url in
            self?.save(to: url, showing: version)
        }
    }

    /// Saves to `url` on the reader's and the saving threads; the words come back here.
    func save(to url: URL, showing version: ContentVersion?) {
        lastFolder = url.deletingLastPathComponent()
        infoBar.show(tr("Saving to {path}…").filling(["path": DisplayName.shown(url.path)]), isError: false)
        reader.save(to: FilePath(url.path), showing: version) { [weak self] outcome in
            MainLoop.wakeFromAnyThread { self?.show(outcome) }
        }
    }

    /// Lets a running save end (boundedly) after the reader closed: quitting mid-save would leave
    /// its temporary file in the folder.
    func finish() { SegmentSaving.finish() }

    private func show(_ outcome: SaveOutcome) {
        let message = Messages.saved(outcome)
        if case .saved = outcome {
            infoBar.show(message, isError: false)
        } else {
            Console.error("sharedmemory: \(message)")  // notr: the program name before a translated message
            infoBar.show(message, isError: true)
        }
    }
}
