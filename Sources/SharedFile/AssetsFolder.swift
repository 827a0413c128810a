import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folder the loader offers files from, and the rules for reading one of them safely:
/// a name must stay inside the folder (no `/`, no `..`, no symlink pointing outside), the file must be
/// a regular file (a FIFO or device would block or never end), and it is read without blocking.
public struct AssetsFolder: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url }

    /// Why a file could not be read, in words for the status line.
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The names of the regular files (or symlinks to regular files inside the folder) in the folder,
    /// sorted; hidden files and links leading outside left out (the loader never offers what it would refuse).
    public func fileNames() throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw ReadError(reason: "cannot list the assets folder \(url.path): \(Self.errnoText(for: error))")
        }
        let folder = Self.realPath(url.path)
        return names.filter { name in
            guard !name.hasPrefix(".") else { return false }
            let path = url.appendingPathComponent(name).path
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
            guard let folder, let target = Self.realPath(path) else { return false }
            return target.hasPrefix(folder + "/")
        }.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
    }

    /// Opens `name` inside the folder, checks it, and returns its size and an open descriptor.
    /// The caller reads and closes it.
    public func open(_ name: String) throws -> (fd: Int32, size: Int) {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
            throw ReadError(reason: "\"\(name)\" is not a file name inside the assets folder")
        }
        guard let folder = Self.realPath(url.path) else {
            throw ReadError(reason: "the assets folder \(url.path) does not exist (\(String(cString: strerror(errno))))")
        }
        let candidate = folder + "/" + name
        guard let target = Self.realPath(candidate) else {
            throw ReadError(reason: "\(name): \(String(cString: strerror(errno)))")
        }
        guard target.hasPrefix(folder + "/") else {
            throw ReadError(reason: "\(name) is a link to \(target), outside the assets folder; it is not read")
        }
        let (fd, size) = try Self.openRegularFile(target, name: name, followLinks: false)
        // A folder on the way swapped for a link between realpath and open would escape the check
        // above: ask the kernel what was really opened.
        if let opened = Self.linkTarget("/proc/self/fd/\(fd)"), !opened.hasPrefix(folder + "/") {
            close(fd)
            throw ReadError(reason: "\(name) resolved to \(opened), outside the assets folder; it is not read")
        }
        return (fd, size)
    }

    /// Opens a file the user picked explicitly (in a file dialog), wherever it is: not confined to
    /// the folder, but checked and opened the same way (a regular file, opened without blocking).
    public static func openPicked(_ url: URL) throws -> (fd: Int32, size: Int) {
        try openRegularFile(url.path, name: url.lastPathComponent, followLinks: true)
    }

    /// Opens `path` for reading and checks that it is a regular file. O_NONBLOCK: opening a FIFO
    /// must not wait for a writer. Without `followLinks`, O_NOFOLLOW: the path was resolved already.
    private static func openRegularFile(_ path: String, name: String, followLinks: Bool) throws -> (fd: Int32, size: Int) {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { throw ReadError(reason: "\(name): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let text = String(cString: strerror(errno))
            close(fd)
            throw ReadError(reason: "\(name): \(text)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ReadError(reason: "\(name) is \(kind(info.st_mode)), not a regular file")
        }
        return (fd, Int(info.st_size))
    }

    /// Reads up to `limit` bytes from `fd` and closes it. Returns the bytes and the file's full size
    /// (the larger of what fstat said and what was read, for files whose size grows or lies).
    public static func read(fd: Int32, size: Int, limit: Int, name: String) throws -> (bytes: [UInt8], total: Int) {
        defer { close(fd) }
        let want = min(size, limit)
        var bytes = [UInt8](repeating: 0, count: want)
        let count = try bytes.withUnsafeMutableBytes { try read(fd: fd, into: $0, name: name) }
        bytes.removeSubrange(count...)
        return (bytes, max(size, count))
    }

    /// Reads from `fd` (left open) until `buffer` is full or the file ends; returns the byte count.
    public static func read(fd: Int32, into buffer: UnsafeMutableRawBufferPointer, name: String) throws -> Int {
        let result = readAvailable(fd: fd, into: buffer)
        if let error = result.error { throw ReadError(reason: "\(name): \(error)") }
        return result.count
    }

    /// Like `read(fd:into:name:)`, but keeps what was read before an error: the byte count, and the
    /// error in words (nil when the file simply ended or the buffer is full).
    static func readAvailable(fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> (count: Int, error: String?) {
        guard let base = buffer.baseAddress else { return (0, nil) }
        var count = 0
        while count < buffer.count {
            let n = Glibc.read(fd, base + count, buffer.count - count)
            if n < 0 {
                if errno == EINTR { continue }
                return (count, String(cString: strerror(errno)))
            }
            if n == 0 { break }
            count += n
        }
        return (count, nil)
    }

    /// True when the first `length` bytes of the file are all in the page cache, so that reading them
    /// is one copy with no disk wait. `mincore` on a mapping of the file that is never touched (no
    /// SIGBUS if the file shrinks meanwhile). False when it cannot tell.
    public static func isCached(fd: Int32, length: Int) -> Bool {
        guard length > 0 else { return true }
        guard let map = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else { return false }
        defer { munmap(map, length) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var resident = [UInt8](repeating: 0, count: (length + page - 1) / page)
        guard mincore(map, length, &resident) == 0 else { return false }
        return resident.allSatisfy { $0 & 1 != 0 }
    }

    private static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "a special file"
        }
    }

    private static func errnoText(for error: Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}
