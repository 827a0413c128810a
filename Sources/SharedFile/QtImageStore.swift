import Foundation
import SharedMemory
import SystemPackage

/// Why a picture was not stored in Qt's image example's layout; `Messages.qtImageProblem` says it.
public enum QtImageProblem: Error, Sendable, Equatable {
    case file(FileProblem)
    case readFailed(Errno)
    /// Not a PNG (`kind` is what it is): Qt's `QDataStream >> QImage` reads PNG only (Qt 6.11 reads
    /// a JPEG after the marker as a null image), and Qt writes PNG.
    case notPNG(ContentKind)
    /// The file does not fit in a segment of at most `maximum` bytes.
    case tooLarge(Int, maximum: Int)
    /// An existing segment is smaller than the stream (the example would cut it silently).
    case segmentTooSmall(segment: Int, needed: Int)
    case segment(SharedMemoryError)
}

/// What `QtImageStore.store` did.
public struct QtImageStored: Sendable, Equatable {
    public var format: PictureFormat
    /// The declared size, when the header tells it.
    public var header: PictureHeader?
    /// Bytes written: the marker and the file.
    public var written: Int
    /// The segment's size.
    public var segmentSize: Int
    /// The segment was made here (nobody had it): it lives while this process holds it.
    public var created: Bool
}

/// Writes a picture file the way Qt's shared memory example's "Load Image from File..." does
/// (`QtImageStream`): creates a segment of exactly the stream's size, or, when one exists, attaches to
/// it and writes at its start under the lock. Unlike the example it refuses a segment too small
/// rather than cutting the picture.
public enum QtImageStore {
    /// Reads the picture at `path` (a regular file, at most `SegmentLimits.maximumSize` bytes with the marker).
    public static func readPicture(at path: String) throws(QtImageProblem) -> [UInt8] {
        let file: OpenedFile
        do { file = try AssetsFolder.openPicked(path) } catch { throw .file(error) }
        let room = SegmentLimits.maximumSize - QtImageStream.marker.count
        var bytes = [UInt8](repeating: 0, count: min(max(file.sizeHint, 0), room) + 1)
        var count = 0
        while true {
            let result = bytes.withUnsafeMutableBytes { AssetsFolder.read(file.descriptor, into: UnsafeMutableRawBufferPointer(rebasing: $0[count...])) }
            count += result.count
            if let error = result.error { throw .readFailed(error) }
            if result.ended { break }
            guard bytes.count <= room else { throw .tooLarge(count, maximum: room) }
            bytes += [UInt8](repeating: 0, count: min(bytes.count, room + 1 - bytes.count))   // a file larger than stat said
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Stores `picture` in the segment of `key`; the returned memory stays attached (the caller keeps
    /// a segment it created alive by holding it, as the example's window does).
    public static func store(_ picture: [UInt8], key: NativeIpcKey, lockTimeout: Duration)
        throws(QtImageProblem) -> (memory: SharedMemory, stored: QtImageStored) {
        let kind = ContentKind.detect(picture)
        guard case .picture(let format) = kind, format == .png else { throw .notPNG(kind) }
        let stream = QtImageStream.encode(picture)
        let memory = SharedMemory(nativeKey: key)
        memory.setupLockTimeout = lockTimeout
        var created = true
        do {
            try memory.create(size: stream.count)
        } catch where error.code == .alreadyExists {
            created = false
            do { try memory.attach() } catch { throw .segment(error) }
        } catch {
            throw .segment(error)
        }
        let fits: Bool
        do {
            fits = try memory.withLock(timeout: lockTimeout) { segment in
                guard segment.count >= stream.count else { return false }
                segment.copyBytes(from: stream)
                return true
            }
        } catch {
            memory.detach()
            throw .segment(error)
        }
        guard fits else {
            let size = memory.size
            memory.detach()
            throw .segmentTooSmall(segment: size, needed: stream.count)
        }
        return (memory, QtImageStored(format: format, header: PictureHeader.read(Array(picture.prefix(ContentKind.sampleSize)), format: format),
                                      written: stream.count, segmentSize: memory.size, created: created))
    }
}
