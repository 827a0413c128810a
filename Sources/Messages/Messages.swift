import SystemSupport
import Localization
import SharedFile
import SharedMemory
import SystemPackage

/// Every sentence of the load pipeline that users read, made from the model's values: the loader
/// window and `sharedmemory-ctl load` both say things through here, so they say the same. GTK-free,
/// every sentence whole and through gettext.
public enum Messages {
    /// Who reads the words: what to do next differs (pick the file again, or run the command again).
    public enum Reader: Sendable {
        /// The loader window.
        case window
        /// `sharedmemory-ctl` in a terminal.
        case terminal
    }

    /// The status line for a finished load, with the advice for `reader`.
    public static func status(_ outcome: LoadOutcome, for reader: Reader = .window) -> String {
        let window = reader == .window
        switch outcome {
        case .loaded(let name, let report):
            return loaded(name, report)
        case .nothingStored(let name, let report):
            return tr("Unable to load file {name}: the segment has no room for any of its {total} bytes.")
                .filling(["total": "\(report.total)", "name": DisplayName.shown(name)])
                + "\n" + biggerSegment(report)
        case .fileProblem(let name, let problem):
            return openProblem(name, problem)
        case .readFailed(let name, let error, let stored):
            let name = DisplayName.shown(name)
            guard let stored else {
                return (window ? tr("Unable to read file {name}: {reason}\nThe segment was not changed; check the file and pick it again.")
                               : tr("Unable to read file {name}: {reason}\nThe segment was not changed; check the file and load it again."))
                    .filling(["reason": error.explanation, "name": name])
            }
            return tr("Unable to read file {name}: {reason}\nThe segment holds only its first {stored} bytes.")
                .filling(["stored": "\(stored)", "reason": error.explanation, "name": name])
        case .noViewer:
            // Our own words, not the library's message: it names the failing call and gives the
            // same advice, and a long status grows the loader window.
            return (window ? tr("Unable to load: no viewer is running for this key (none found in {folder}).\nStart the sharedmemory viewer first, then pick the file again.")
                           : tr("Unable to load: no viewer is running for this key (none found in {folder}).\nStart the sharedmemory viewer first, then run this command again."))
                .filling(["folder": keyFolder])
        case .attachFailed(let error):
            guard error.code == .permissionDenied else {
                return tr("Unable to attach to shared memory: {reason}").filling(["reason": error.message])
            }
            return tr("Unable to attach to shared memory: {reason}\nThe segment belongs to another user; start your own viewer.")
                .filling(["reason": error.message])
        case .lockBusy(let error):
            return tr("Unable to lock shared memory: {reason}\nThe file was not loaded; try again when the writer is done.")
                .filling(["reason": error.message])
        case .viewerGone(let key, let creator?):
            return (window ? tr("Unable to attach to shared memory: the viewer that created the segment for key \"{key}\" (pid {pid}) is gone; the file was not loaded.\nPlease start the sharedmemory viewer again, then pick the file again.")
                           : tr("Unable to attach to shared memory: the viewer that created the segment for key \"{key}\" (pid {pid}) is gone; the file was not loaded.\nPlease start the sharedmemory viewer again, then run this command again."))
                .filling(["pid": "\(creator)", "key": DisplayName.shown(key)])
        case .viewerGone(let key, nil):
            return (window ? tr("Unable to attach to shared memory: no process shows the segment for key \"{key}\" (its viewer is gone); the file was not loaded.\nPlease start the sharedmemory viewer again, then pick the file again.")
                           : tr("Unable to attach to shared memory: no process shows the segment for key \"{key}\" (its viewer is gone); the file was not loaded.\nPlease start the sharedmemory viewer again, then run this command again."))
                .filling(["key": DisplayName.shown(key)])
        }
    }

    /// Where key files are looked for ($TMPDIR, else /tmp, as Qt does): the folder of any native key.
    private static var keyFolder: String {
        let native = SharedMemory(key: "k").nativeKey
        return String(native[..<(native.lastIndex(of: "/") ?? native.endIndex)])
    }

    private static func loaded(_ name: String, _ report: WriteReport) -> String {
        // The name last: filling goes in order, so a name holding "{total}" stays as it is.
        let values: KeyValuePairs = ["written": "\(report.written)", "total": "\(report.total)", "name": DisplayName.shown(name)]
        guard report.isTruncated else { return tr("Loaded file {name} to shared memory").filling(values) }
        // Whole sentences per case, so a translator sees the status line as users read it.
        let first = report.totalIsLowerBound
            ? tr("Loaded file {name} to shared memory (truncated: {written} bytes, the input is longer)").filling(values)
            : tr("Loaded file {name} to shared memory (truncated: {written} of {total} bytes)").filling(values)
        return first + "\n" + (report.stoppedAtNUL
            ? tr("The segment uses the Qt example's text format, which ends at the file's first NUL byte.")
            : biggerSegment(report))
    }

    /// The advice for a file the segment cannot hold: the exact --size that would hold it.
    private static func biggerSegment(_ report: WriteReport) -> String {
        guard !report.totalIsLowerBound else {
            return tr("The segment is too small; start the viewer with a larger --size to load it whole.")
        }
        let needed = SegmentLimits.sizeNeeded(forFileOf: report.total, format: report.format)
        guard needed <= SegmentLimits.maximumSize else {
            return tr("The segment is too small, and the file is larger than the largest segment ({maximum}).")
                .filling(["maximum": ByteCount.format(SegmentLimits.maximumSize)])
        }
        return tr("The segment is too small; start the viewer with --size {size} or more to load it whole.")
            .filling(["size": "\(needed)"])
    }

    /// Why a segment size is refused, for the viewer's and `sharedmemory-ctl create`'s --size.
    public static func sizeProblem(_ problem: SizeProblem) -> String {
        switch problem {
        case .tooSmall(let size, let minimum):
            tr("--size {size} is too small: the segment needs at least {minimum} bytes (a {header}-byte header and some content)")
                .filling(["size": "\(size)", "minimum": "\(minimum)", "header": "\(SegmentLimits.headerSize)"])
        case .tooLarge(let size, let maximum):
            tr("--size {size} is larger than the allowed {maximum}")
                .filling(["size": "\(size)", "maximum": ByteCount.formatExact(maximum)])
        }
    }

    /// The status for a file that could not be opened: "Unable to open file: " and the reason.
    public static func openProblem(_ name: String, _ problem: FileProblem) -> String {
        tr("Unable to open file: {reason}").filling(["reason": fileProblem(name, problem)])
    }

    /// Why `name` could not be opened (the reason after "Unable to open file: "), a clause of its own.
    public static func fileProblem(_ name: String, _ problem: FileProblem) -> String {
        let name = DisplayName.shown(name)
        // One filling per sentence: a name that holds "{…}" is not filled again.
        return switch problem {
        case .notAName: tr("\"{name}\" is not a file name inside the assets folder").filling(["name": name])
        case .outsideFolder(let resolved):
            tr("{name} leads to {target}, outside the assets folder; it is not read")
                .filling(["target": DisplayName.shown(resolved), "name": name])
        case .folderUnusable(let path, let error):
            tr("the assets folder {path} cannot be used: {reason}").filling(["reason": error.explanation, "path": DisplayName.shown(path)])
        case .noAssetsFolder(let tried):
            tr("no assets folder found (tried {folders})").filling(["folders": tried.map(DisplayName.shown).joined(separator: ", ")])
        case .notRegularFile(let kind): notRegular(kind).filling(["name": name])
        case .system(let error): "\(name): \(error.explanation)"
        }
    }

    /// One whole clause per kind: the article and the noun change together in other languages.
    private static func notRegular(_ kind: FileProblem.FileKind) -> String {
        switch kind {
        case .directory: tr("{name} is a folder, not a regular file")
        case .fifo: tr("{name} is a FIFO (named pipe), not a regular file")
        case .socket: tr("{name} is a socket, not a regular file")
        case .device: tr("{name} is a device, not a regular file")
        case .other: tr("{name} is a special file, not a regular file")
        }
    }

    /// The status when the assets folder cannot be listed.
    public static func listing(_ problem: FileProblem) -> String {
        let reason = switch problem {
        case .folderUnusable(let path, let error):
            tr("cannot list the assets folder {path}: {reason}").filling(["reason": error.explanation, "path": DisplayName.shown(path)])
        default: fileProblem(tr("the assets folder"), problem)
        }
        return tr("Unable to list files: {reason}\nPass an existing folder with --assets DIR.").filling(["reason": reason])
    }

    /// The loader's status when it has no folder to offer files from.
    public static func assetsFolder(_ problem: FileProblem) -> String {
        let reason = fileProblem(tr("the assets folder"), problem)
        return tr("{Reason}. Pass one with --assets DIR.")
            .filling(["Reason": reason.prefix(1).uppercased() + reason.dropFirst()])
    }

    /// The status while a load runs.
    public static func loading(_ name: String) -> String { tr("Loading {name}…").filling(["name": DisplayName.shown(name)]) }

    /// The loader's first status.
    public static func pickPrompt(folder: String, key: String) -> String {
        tr("Pick a file of {folder} to load it into the shared memory segment \"{key}\".").filling(["key": DisplayName.shown(key), "folder": DisplayName.shown(folder)])
    }

    /// Reload with nothing picked.
    public static var pickFirst: String { tr("Pick a file first; Reload loads the picked file again.") }

    /// The title of a group of entries in a long file list: its first and last names.
    public static func fileGroup(first: String, last: String) -> String {
        "\(DisplayName.shown(first)) … \(DisplayName.shown(last))"
    }

    /// `sharedmemory-ctl remove` found nothing for the key.
    public static func nothingToRemove(key: String, nativeKey: String) -> String {
        tr("nothing to remove for key \"{key}\": no segment, no semaphore and no key file {nativeKey}")
            .filling(["nativeKey": DisplayName.shown(nativeKey), "key": DisplayName.shown(key)])
    }
}
