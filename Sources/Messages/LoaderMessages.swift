import Localization
import SharedFile

/// The loader window's sentences about drops and recent files (issue 12).
extension Messages {
    /// The status after a drop that loads nothing.
    public static func dropRefused(_ refusal: DropRefusal) -> String {
        switch refusal {
        case .notLocalFile(let item):
            tr("Unable to load the drop: \"{item}\" is not a file on this computer. Drop a file from a file manager, or save it first.")
                .filling(["item": DisplayName.shown(String(item.prefix(200)))])
        case .severalFiles(let count):
            trn("Unable to load the drop: {count} file was dropped, but the segment holds one file. Drop a single file.",
                "Unable to load the drop: {count} files were dropped, but the segment holds one file. Drop a single file.",
                count)
        case .nothing:
            tr("Unable to load the drop: it holds no file. Drop a file from a file manager.")
        }
    }

    /// The status after a recent file was picked that is no longer there.
    public static func recentFileGone(_ path: String) -> String {
        tr("Unable to open file: {path} is gone (deleted, moved or renamed since it was loaded); it was removed from the recent files.")
            .filling(["path": DisplayName.shown(path)])
    }

    /// An entry of the Recent files list: the name, then the folder it is in.
    public static func recentEntry(name: String, folder: String) -> String {
        tr("{name} in {folder}").filling(["folder": DisplayName.shown(folder), "name": DisplayName.shown(name)])
    }
}
