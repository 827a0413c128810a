import SharedFile
import SharedMemory
import SystemPackage

/// Every sentence of the load pipeline that users read, made from the model's values: the loader
/// window and `sharedmemory-ctl load` both say things through here, so they say the same. GTK-free,
/// and the one place where translations will hook in.
public enum Messages {
    /// The status line for a finished load.
    public static func status(_ outcome: LoadOutcome) -> String {
        switch outcome {
        case .loaded(let name, let report):
            return loaded(name, report)
        case .nothingStored(let name, let report):
            let name = DisplayName.shown(name)
            return "Unable to load file \(name): the segment has no room for any of its \(report.total) bytes."
                + "\n" + biggerSegment(report)
        case .fileProblem(let name, let problem):
            return "Unable to open file: " + fileProblem(name, problem)
        case .readFailed(let name, let error, let stored):
            let name = DisplayName.shown(name)
            let head = "Unable to read file \(name): \(error.explanation)"
            guard let stored else { return head + "\nThe segment was not changed; check the file and pick it again." }
            return head + "\nThe segment holds only its first \(stored) bytes."
        case .noViewer(let error):
            return "Unable to attach to shared memory: \(error.message)"
                + "\nPlease start the sharedmemory viewer first, then pick the file again."
                + " A viewer started with another TMPDIR is not seen: this program looks in \(keyFolder)."
        case .attachFailed(let error):
            var text = "Unable to attach to shared memory: \(error.message)"
            if error.code == .permissionDenied { text += "\nThe segment belongs to another user; start your own viewer." }
            return text
        case .lockBusy(let error):
            return "Unable to lock shared memory: \(error.message)"
                + "\nThe file was not loaded; try again when the writer is done."
        case .viewerGone(let key, let creator?):
            return "Unable to attach to shared memory: the viewer that created the segment for key \"\(key)\" "
                + "(pid \(creator)) is gone; the file was not loaded."
                + "\nPlease start the sharedmemory viewer again, then pick the file again."
        case .viewerGone(let key, nil):
            return "Unable to attach to shared memory: no process shows the segment for key \"\(key)\" "
                + "(its viewer is gone); the file was not loaded."
                + "\nPlease start the sharedmemory viewer again, then pick the file again."
        }
    }

    /// Where key files are looked for ($TMPDIR, else /tmp, as Qt does): the folder of any native key.
    private static var keyFolder: String {
        let native = SharedMemory(key: "k").nativeKey
        return String(native[..<(native.lastIndex(of: "/") ?? native.endIndex)])
    }

    private static func loaded(_ name: String, _ report: WriteReport) -> String {
        var text = "Loaded file \(DisplayName.shown(name)) to shared memory"
        guard report.isTruncated else { return text }
        text += report.totalIsLowerBound
            ? " (truncated: \(report.written) bytes, the input is longer)"
            : " (truncated: \(report.written) of \(report.total) bytes)"
        text += report.stoppedAtNUL
            ? "\nThe segment uses the Qt example's text format, which ends at the file's first NUL byte."
            : "\n" + biggerSegment(report)
        return text
    }

    /// The advice for a file the segment cannot hold: the exact --size that would hold it.
    private static func biggerSegment(_ report: WriteReport) -> String {
        guard !report.totalIsLowerBound else {
            return "The segment is too small; start the viewer with a larger --size to load it whole."
        }
        let needed = SegmentLimits.sizeNeeded(forFileOf: report.total, format: report.format)
        guard needed <= SegmentLimits.maximumSize else {
            return "The segment is too small, and the file is larger than the largest segment (\(ByteCount.format(SegmentLimits.maximumSize)))."
        }
        return "The segment is too small; start the viewer with --size \(needed) or more to load it whole."
    }

    /// Why a segment size is refused, for the viewer's and `sharedmemory-ctl create`'s --size.
    public static func sizeProblem(_ problem: SizeProblem) -> String {
        switch problem {
        case .tooSmall(let size, let minimum):
            "--size \(size) is too small: the segment needs at least \(minimum) bytes (a \(SegmentLimits.headerSize)-byte header and some content)"
        case .tooLarge(let size, let maximum):
            "--size \(size) is larger than the allowed \(ByteCount.formatExact(maximum))"
        }
    }

    /// Why `name` could not be opened (after "Unable to open file: ").
    public static func fileProblem(_ name: String, _ problem: FileProblem) -> String {
        let name = DisplayName.shown(name)
        return switch problem {
        case .notAName: "\"\(name)\" is not a file name inside the assets folder"
        case .outsideFolder(let resolved): "\(name) leads to \(DisplayName.shown(resolved)), outside the assets folder; it is not read"
        case .folderUnusable(let path, let error): "the assets folder \(path) cannot be used: \(error.explanation)"
        case .noAssetsFolder(let tried): "no assets folder found (tried \(tried.joined(separator: ", ")))"
        case .notRegularFile(let kind): "\(name) is \(article(kind)), not a regular file"
        case .system(let error): "\(name): \(error.explanation)"
        }
    }

    private static func article(_ kind: FileProblem.FileKind) -> String {
        switch kind {
        case .directory: "a folder"
        case .fifo: "a FIFO (named pipe)"
        case .socket: "a socket"
        case .device: "a device"
        case .other: "a special file"
        }
    }

    /// The status when the assets folder cannot be listed.
    public static func listing(_ problem: FileProblem) -> String {
        let reason = switch problem {
        case .folderUnusable(let path, let error): "cannot list the assets folder \(path): \(error.explanation)"
        default: fileProblem("the assets folder", problem)
        }
        return "Unable to list files: \(reason)\nPass an existing folder with --assets DIR."
    }

    /// The loader's status when it has no folder to offer files from.
    public static func assetsFolder(_ problem: FileProblem) -> String {
        let reason = fileProblem("the assets folder", problem)
        return reason.prefix(1).uppercased() + reason.dropFirst() + ". Pass one with --assets DIR."
    }

    /// The status while a load runs.
    public static func loading(_ name: String) -> String { "Loading \(DisplayName.shown(name))…" }

    /// The loader's first status.
    public static func pickPrompt(folder: String, key: String) -> String {
        "Pick a file of \(folder) to load it into the shared memory segment \"\(key)\"."
    }

    /// Reload with nothing picked.
    public static let pickFirst = "Pick a file first; Reload loads the picked file again."

    /// The title of a group of entries in a long file list: its first and last names.
    public static func fileGroup(first: String, last: String) -> String {
        "\(DisplayName.shown(first)) … \(DisplayName.shown(last))"
    }

    /// `sharedmemory-ctl remove` found nothing for the key.
    public static func nothingToRemove(key: String, nativeKey: String) -> String {
        "nothing to remove for key \"\(key)\": no segment, no semaphore and no key file \(nativeKey)"
    }
}
