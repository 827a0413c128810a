import Foundation
public import SystemPackage
import CGLib
#if canImport(Glibc)
import Glibc
#endif

/// The folder the loader offers files from, and the rules for reading one of them safely:
/// a name must stay inside the folder (no `/`, no `..`, no symlink pointing outside), the file must be
/// a regular file (a FIFO or device would block or never end), and it is read without blocking.
public struct AssetsFolder: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url }

    /// The names of the regular files (or symlinks to regular files inside the folder) in the folder,
    /// sorted; hidden files and links leading outside left out (the loader never offers what it would refuse).
    /// Read by their bytes (readdir): a name that is not valid UTF-8 is listed too, as a
    /// ``RawFileName`` (shown repaired, opened by its real bytes).
    public func fileNames() throws(FileProblem) -> [String] {
        guard let directory = opendir(url.path) else {
            throw .folderUnusable(path: url.path, Errno(rawValue: errno))
        }
        defer { closedir(directory) }
        let base = Array(url.path.utf8), folder = Self.realPath(base)
        var kept: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw .folderUnusable(path: url.path, Errno(rawValue: errno)) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard name.first != 0x2E else { continue }   // hidden, "." and ".."
            let keep = Self.keeps(base + [0x2F] + name, folder: folder)
            if keep { kept.append(RawFileName.string(name)) }
        }
        return Self.sortedForDisplay(kept)
    }

    /// Whether the file at `path` (bytes) is listed: a regular file, or a symlink to one inside
    /// `folder` (the folder's real path). One lstat; only symlinks cost a stat and a realpath more.
    static func keeps(_ path: [UInt8], folder: [UInt8]?) -> Bool {
        var info = stat()
        let path = path + [0]
        return path.withUnsafeBufferPointer { buffer -> Bool in
            buffer.withMemoryRebound(to: CChar.self) { path in
                guard lstat(path.baseAddress!, &info) == 0 else { return false }
                switch info.st_mode & S_IFMT {
                case S_IFREG: return true
                case S_IFLNK:
                    guard stat(path.baseAddress!, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
                    guard let folder, let target = Self.realPath(Array(buffer.dropLast())) else { return false }
                    return target.starts(with: folder + [0x2F])
                default: return false
                }
            }
        }
    }

    /// `names` in the order a file manager shows them (numbers by value, case folded): GLib's
    /// filename collation key, made once per name, so that sorting costs n log n byte compares.
    static func sortedForDisplay(_ names: [String]) -> [String] {
        let keys = names.map { g_utf8_collate_key_for_filename($0, -1) ?? g_strdup($0)! }
        defer { keys.forEach { g_free($0) } }
        return names.indices.sorted { a, b in
            let order = strcmp(keys[a], keys[b])
            return order != 0 ? order < 0 : a < b
        }.map { names[$0] }
    }

    /// Opens `name` (a listed name: its real bytes, see ``RawFileName``) inside the folder and checks it.
    public func open(_ name: String) throws(FileProblem) -> OpenedFile {
        let raw = RawFileName.bytes(name)
        guard !raw.isEmpty, raw != [0x2E], raw != [0x2E, 0x2E], !raw.contains(0x2F), !raw.contains(0) else {
            throw .notAName
        }
        guard let folder = Self.realPath(Array(url.path.utf8)) else {
            throw .folderUnusable(path: url.path, Errno(rawValue: errno))
        }
        let inside = folder + [0x2F]
        guard let target = Self.realPath(inside + raw) else { throw .system(Errno(rawValue: errno)) }
        guard target.starts(with: inside) else { throw .outsideFolder(resolved: RawFileName.string(target)) }
        let file = try Self.openRegularFile(Self.filePath(target), followLinks: false)
        // A folder on the way swapped for a link between realpath and open would escape the check
        // above: ask the kernel what was really opened.
        if let opened = Self.linkTarget("/proc/self/fd/\(file.descriptor.rawValue)"), !opened.starts(with: inside) {
            throw .outsideFolder(resolved: RawFileName.string(opened))
        }
        return file
    }

    /// Opens a file the user picked explicitly (a file dialog, `sharedmemory-ctl load PATH`),
    /// wherever it is: not confined to the folder, but checked and opened the same way.
    public static func openPicked(_ path: String) throws(FileProblem) -> OpenedFile {
        try openRegularFile(FilePath(path), followLinks: true)
    }

    /// Opens `path` for reading and checks that it is a regular file. O_NONBLOCK: opening a FIFO
    /// must not wait for a writer. Without `followLinks`, O_NOFOLLOW: the path was resolved already.
    private static func openRegularFile(_ path: FilePath, followLinks: Bool) throws(FileProblem) -> OpenedFile {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(path, .readOnly,
                                                 options: followLinks ? [.nonBlocking, .closeOnExec]
                                                     : [.nonBlocking, .closeOnExec, .noFollow])
        } catch let error as Errno {
            // A Unix socket cannot be opened at all (ENXIO): say what it is, not the errno.
            if error == .noSuchAddressOrDevice, let info = try? path.stat(followTargetSymlink: followLinks),
               info.type != .regular {
                throw .notRegularFile(FileProblem.FileKind(info.type))
            }
            throw .system(error)
        } catch {
            throw .system(.ioError)   // FileDescriptor.open throws nothing but Errno
        }
        let file = OpenedFile(descriptor)
        let info: Stat
        do { info = try descriptor.stat() } catch { throw .system(error) }
        guard info.type == .regular else { throw .notRegularFile(FileProblem.FileKind(info.type)) }
        file.sizeHint = Int(info.size)
        return file
    }

    /// Reads until `buffer` is full, the file ends (`ended`) or a read fails (`error`, with the
    /// count read before it). Never trusts a size from `stat`: /proc files say 0, /sys files 4096.
    public static func read(_ descriptor: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer)
        -> (count: Int, ended: Bool, error: Errno?) {
        var count = 0
        while count < buffer.count {
            let n: Int
            do {
                n = try descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
            } catch {
                return (count, false, error as? Errno ?? .ioError)
            }
            if n == 0 { return (count, true, nil) }
            count += n
        }
        return (count, false, nil)
    }

    /// After a read that filled its buffer: whether the file has more (reads and drops one byte).
    static func hasMore(_ descriptor: FileDescriptor) -> Bool {
        var byte: UInt8 = 0
        return ((try? withUnsafeMutableBytes(of: &byte) { try descriptor.read(into: $0) }) ?? 0) > 0
    }

    /// True when the first `length` bytes of the file are all in the page cache, so that reading them
    /// is one copy with no disk wait. `mincore` on a mapping of the file that is never touched (no
    /// SIGBUS if the file shrinks meanwhile). False when it cannot tell.
    public static func isCached(_ descriptor: FileDescriptor, length: Int) -> Bool {
        guard length > 0 else { return true }
        guard let map = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor.rawValue, 0), map != MAP_FAILED else { return false }
        defer { munmap(map, length) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var resident = [UInt8](repeating: 0, count: (length + page - 1) / page)
        guard mincore(map, length, &resident) == 0 else { return false }
        return resident.allSatisfy { $0 & 1 != 0 }
    }

    /// The bytes a link leads to (readlink), nil when it is not one.
    private static func linkTarget(_ path: String) -> [UInt8]? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return buffer[0..<count].map { UInt8(bitPattern: $0) }
    }

    /// realpath(3) of a path given by its bytes (names need not be UTF-8), nil when it fails (errno).
    static func realPath(_ path: [UInt8]) -> [UInt8]? {
        let resolved = (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { realpath($0.baseAddress!, nil) }
        }
        guard let resolved else { return nil }
        defer { free(resolved) }
        return Array(UnsafeRawBufferPointer(start: resolved, count: strlen(resolved)))
    }

    /// A FilePath of these exact bytes.
    private static func filePath(_ bytes: [UInt8]) -> FilePath {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { FilePath(platformString: $0.baseAddress!) }
        }
    }
}

/// An open file to load, with the size `fstat` gave (a hint only). Owns the descriptor: closed when
/// the value goes away, by whoever holds it last.
public final class OpenedFile {
    public let descriptor: FileDescriptor
    /// `st_size`: 0 for /proc files, 4096 for /sys ones; the loader reads to the end regardless.
    public internal(set) var sizeHint = 0
    private let closes: Bool

    /// - Parameter closes: false for a descriptor someone else owns (standard input).
    public init(_ descriptor: FileDescriptor, closes: Bool = true) {
        self.descriptor = descriptor
        self.closes = closes
    }

    deinit { if closes { try? descriptor.close() } }
}
