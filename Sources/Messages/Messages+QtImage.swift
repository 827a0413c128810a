import Localization
import SharedFile
import SharedMemory

extension Messages {
    /// What `sharedmemory-ctl load --qt-image` did.
    public static func qtImageStored(_ name: String, _ stored: QtImageStored, nativeKey: String) -> String {
        let values: KeyValuePairs = ["format": stored.format.name, "size": pictureSize(stored.header),
                                     "bytes": "\(stored.written)", "segment": "\(stored.segmentSize)",
                                     "key": nativeKey, "name": DisplayName.shown(name)]
        let line = stored.header == nil
            ? tr("Loaded picture {name} ({format}) in the layout of Qt's image example: {bytes} bytes into the segment of {segment} bytes at {key}").filling(values)
            : tr("Loaded picture {name} ({format}, {size}) in the layout of Qt's image example: {bytes} bytes into the segment of {segment} bytes at {key}").filling(values)
        guard stored.created else { return line }
        return line + "\n" + tr("No segment existed, so this command created it, as the example does; it lives while the command runs: stop it with Ctrl+C when the picture has been read.")
    }

    /// Why `--qt-image` stored nothing.
    public static func qtImageProblem(_ name: String, _ problem: QtImageProblem) -> String {
        switch problem {
        case .file(let problem):
            return openProblem(name, problem)
        case .readFailed(let error):
            return tr("Unable to read file {name}: {reason}").filling(["reason": error.explanation, "name": DisplayName.shown(name)])
        case .notPNG(.picture(let format)):
            return tr("Unable to load {name} with --qt-image: it is a {format} picture, and Qt's example reads PNG only (QDataStream >> QImage).\nConvert it first, e.g. with: convert FILE picture.png").filling(["format": format.name, "name": DisplayName.shown(name)])
        case .notPNG(.text):
            return tr("Unable to load {name} with --qt-image: it is text, not a PNG picture").filling(["name": DisplayName.shown(name)])
        case .notPNG(.binary):
            return tr("Unable to load {name} with --qt-image: it is binary data, not a PNG picture").filling(["name": DisplayName.shown(name)])
        case .tooLarge(let size, let maximum):
            return tr("Unable to load {name}: it has {size} bytes or more, and a segment holds at most {maximum}")
                .filling(["size": "\(size)", "maximum": ByteCount.formatExact(maximum), "name": DisplayName.shown(name)])
        case .segmentTooSmall(let segment, let needed):
            return tr("Unable to load {name}: the existing segment has {segment} bytes and the picture needs {needed}; nothing was written.\nClose the program that holds the segment (the example's window), then load again: a new segment of the right size is made.")
                .filling(["segment": "\(segment)", "needed": "\(needed)", "name": DisplayName.shown(name)])
        case .segment(let error):
            return tr("Unable to create or attach to the shared memory segment: {reason}").filling(["reason": error.message])
        }
    }

    /// "400 × 300 pixels", or an empty string when the size is unknown.
    public static func pictureSize(_ header: PictureHeader?) -> String {
        guard let header else { return "" }
        return tr("{width} × {height} pixels").filling(["width": "\(header.width)", "height": "\(header.height)"])
    }
}
