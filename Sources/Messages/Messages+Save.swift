import SystemSupport
import Localization
import SharedFile
import SystemPackage

extension Messages {
    /// The viewer's line for a finished "Save As…": what was saved, or why not and what to do.
    public static func saved(_ outcome: SaveOutcome) -> String {
        switch outcome {
        case .saved(let path, let bytes):
            return trn("Saved {size} byte to {path}", "Saved {size} bytes to {path}", bytes)
                .filling(["size": "\(bytes)", "path": DisplayName.shown(path.string)])
        case .nothingLoaded:
            return tr("Nothing to save: no file is loaded in the segment yet.")
        case .notOpen:
            return tr("Nothing to save: the viewer has no segment open.")
        case .contentChanged(let now?):
            return tr("Not saved: while the dialog was open, the segment's content changed to {name}. Nothing was written.\nChoose Save As again to save what is shown now.")
                .filling(["name": DisplayName.shown(now)])
        case .contentChanged(nil):
            return tr("Not saved: while the dialog was open, the segment's content changed. Nothing was written.\nChoose Save As again to save what is shown now.")
        case .unreadable(let failure):
            return tr("Unable to save: the segment could not be read: {reason}\nTry again in a moment.")
                .filling(["reason": readFailure(failure)])
        case .damagedHeader(let problem):
            return tr("Unable to save: the segment could not be read: {reason}\nTry again in a moment.")
                .filling(["reason": headerProblem(problem)])
        case .failed(let problem):
            return saveProblem(problem)
        }
    }

    /// Why a file could not be saved, with the cause and what to do; nothing was left behind.
    public static func saveProblem(_ problem: SaveProblem) -> String {
        let values: KeyValuePairs = ["reason": problem.errno.explanation, "folder": DisplayName.shown(problem.folder.string),
                                     "path": DisplayName.shown(problem.target.string)]
        let first: String
        switch problem.kind {
        case .permissionDenied:
            first = tr("Unable to save {path}: you may not write in the folder {folder} ({reason}).\nChoose another folder, e.g. your home folder.")
        case .readOnly:
            first = tr("Unable to save {path}: the folder {folder} is on a read-only file system ({reason}).\nChoose a folder on another disk.")
        case .diskFull:
            first = tr("Unable to save {path}: the disk is full ({reason}).\nFree some space or choose a folder on another disk.")
        case .folderGone:
            first = tr("Unable to save {path}: the folder {folder} does not exist ({reason}).\nChoose an existing folder.")
        case .noNewFiles:
            first = tr("Unable to save {path}: the folder {folder} does not take new files ({reason}).\nChoose another folder, e.g. your home folder.")
        case .notAFolder:
            first = tr("Unable to save {path}: a part of {folder} is a file, not a folder ({reason}).\nChoose an existing folder.")
        case .nameTooLong:
            first = tr("Unable to save {path}: the name is too long for the file system ({reason}).\nChoose a shorter name.")
        case .targetIsFolder:
            first = tr("Unable to save {path}: a folder has that name ({reason}).\nChoose another name.")
        case .other:
            first = tr("Unable to save {path}: {reason}.\nTry again, or choose another folder.")
        }
        return first.filling(values) + "\n" + tr("No file was written; an existing file of that name is unchanged.")
    }
}
