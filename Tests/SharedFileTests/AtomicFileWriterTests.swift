import Foundation
import Messages
import SystemPackage
import Testing
import TestSupport
@testable import SharedFile
#if canImport(Glibc)
import Glibc
#endif

/// "Save As…": the file holds exactly the bytes, or nothing is left (no target, no temporary file).
/// Every failure is a real errno from the kernel. The tests run as root here, where permission
/// bits do not stop a write: read-only and full disks are tiny tmpfs mounts (skipped where `mount`
/// is not allowed), and the rest are paths no user can write through (a file as a folder, ...).
@Suite(.serialized) struct AtomicFileWriterTests {
    /// Bytes no text path would keep: NULs, invalid UTF-8, a lone continuation byte, CR/LF.
    static let binary: [UInt8] = [0, 0xFF, 0xFE, 0x80, 0xC3, 0x28, 0, 0x0D, 0x0A, 0xED, 0xA0, 0x80, 0x41, 0]

    @Test func theFileHoldsExactlyTheBytesBinaryIncluded() throws {
        let folder = try TempFolder()
        var random = SplitMix64(seed: 12)
        let big = (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for (name, bytes) in [("binary.bin", Self.binary), ("big.bin", big), ("empty", [])] {
            let target = folder.path(name)
            try AtomicFileWriter.write(bytes, to: target)
            #expect(try folder.bytes(name) == bytes)
        }
        #expect(folder.names() == ["big.bin", "binary.bin", "empty"])   // no temporary file left
    }

    @Test func anExistingFileIsReplacedAndKeepsItsPermissions() throws {
        let folder = try TempFolder()
        try Data("old content, longer than the new".utf8).write(to: URL(fileURLWithPath: folder.path("a").string))
        #expect(chmod(folder.path("a").string, 0o640) == 0)
        try AtomicFileWriter.write(Self.binary, to: folder.path("a"))
        #expect(try folder.bytes("a") == Self.binary)
        var status = stat()
        #expect(stat(folder.path("a").string, &status) == 0)
        #expect(status.st_mode & 0o7777 == 0o640)
        #expect(folder.names() == ["a"])
    }

    @Test func aFileAsFolderIsNotAFolder() throws {
        let folder = try TempFolder()
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder.path("file").string))
        let problem = try #require(saveProblem(Self.binary, to: folder.path("file").appending("out.bin")))
        #expect(problem.kind == .notAFolder)
        #expect(problem.errno == .notDirectory)
        #expect(folder.names() == ["file"])
    }

    @Test func aMissingFolderIsGone() throws {
        let folder = try TempFolder()
        let problem = try #require(saveProblem(Self.binary, to: folder.path("gone").appending("out.bin")))
        #expect(problem.kind == .folderGone)
        #expect(problem.step == .create)
        #expect(folder.names().isEmpty)
    }

    /// Issue 23: /proc exists but answers ENOENT to a new file; the words must not say it does not exist.
    @Test func aFolderThatTakesNoNewFilesIsNotCalledGone() throws {
        let problem = try #require(saveProblem(Self.binary, to: "/proc/x"))
        #expect(problem.kind == .noNewFiles && problem.errno == .noSuchFileOrDirectory)
        #expect(Messages.saveProblem(problem) == "Unable to save /proc/x: the folder /proc does not take new files"
                + " (No such file or directory (ENOENT)).\nChoose another folder, e.g. your home folder."
                + "\nNo file was written; an existing file of that name is unchanged.")
    }

    /// The temporary name fits, the target's does not: the rename fails and the temporary file goes.
    @Test func aTooLongNameLeavesNoTemporaryFile() throws {
        let folder = try TempFolder()
        let problem = try #require(saveProblem(Self.binary, to: folder.path(String(repeating: "n", count: 300))))
        #expect(problem.kind == .nameTooLong)
        #expect(problem.step == .rename)
        #expect(folder.names().isEmpty)
    }

    @Test func aFolderOfThatNameIsNotReplaced() throws {
        let folder = try TempFolder()
        try FileManager.default.createDirectory(atPath: folder.path("dir").string, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: folder.path("dir").appending("inside").string))
        let problem = try #require(saveProblem(Self.binary, to: folder.path("dir")))
        #expect(problem.kind == .targetIsFolder)
        #expect(folder.names() == ["dir"])
        #expect(try folder.bytes("dir/inside") == Array("keep".utf8))
    }

    /// ENOSPC from the kernel without a full disk: the temporary file is made, but its bytes go
    /// to `/dev/full`, which fails every write with ENOSPC.
    @Test func aWriteThatFindsNoSpaceLeavesNoTemporaryFile() throws {
        let folder = try TempFolder()
        var made: FilePath?
        let result = Result<Void, SaveProblem> { () throws(SaveProblem) in
            try AtomicFileWriter.write(Self.binary, to: folder.path("out.bin")) { path, mode throws(Errno) in
                try AtomicFileWriter.createTemporary(path, mode).closeChecked()
                made = path
                let full = Glibc.open("/dev/full", O_WRONLY | O_CLOEXEC)
                guard full >= 0 else { throw Errno(rawValue: errno) }
                return FileDescriptor(rawValue: full)
            }
        }
        guard case .failure(let problem) = result else { Issue.record("saved to /dev/full"); return }
        #expect(problem.errno == .noSpace)
        #expect(problem.kind == .diskFull)
        #expect(problem.step == .write)
        #expect(made != nil)   // it existed, and is gone
        #expect(folder.names().isEmpty)
    }

    @Test(.enabled(if: TinyDisk.canMount)) func aFullDiskLeavesNothing() throws {
        let disk = try TinyDisk()
        let target = disk.path.appending("big.bin")
        let problem = try #require(saveProblem([UInt8](repeating: 7, count: 1 << 20), to: target))
        #expect(problem.kind == .diskFull)
        #expect(problem.errno == .noSpace)
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path.string).isEmpty)
        // Room for a small one: the same folder works.
        try AtomicFileWriter.write(Self.binary, to: disk.path.appending("small.bin"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path.string) == ["small.bin"])
    }

    @Test(.enabled(if: TinyDisk.canMount)) func aReadOnlyDiskSaysSo() throws {
        let disk = try TinyDisk(readOnly: true)
        let problem = try #require(saveProblem(Self.binary, to: disk.path.appending("out.bin")))
        #expect(problem.kind == .readOnly)
        #expect(problem.errno == .readOnlyFileSystem)
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path.string).isEmpty)
    }

    /// The words, once: the cause (errno's text and name) and what to do.
    @Test func theWordsSayTheCauseAndWhatToDo() {
        let full = SaveProblem(step: .write, errno: .noSpace, target: "/media/stick/a.bin")
        #expect(Messages.saveProblem(full) == "Unable to save /media/stick/a.bin: the disk is full (No space left on device (ENOSPC))."
                + "\nFree some space or choose a folder on another disk."
                + "\nNo file was written; an existing file of that name is unchanged.")
        let readOnly = SaveProblem(step: .create, errno: .readOnlyFileSystem, target: "/cdrom/a.bin")
        #expect(Messages.saveProblem(readOnly).hasPrefix(
            "Unable to save /cdrom/a.bin: the folder /cdrom is on a read-only file system (Read-only file system (EROFS))."))
        let denied = SaveProblem(step: .create, errno: .permissionDenied, target: "/etc/a.bin")
        #expect(Messages.saveProblem(denied).contains("you may not write in the folder /etc"))
        #expect(Messages.saved(.saved("/tmp/a.bin", bytes: 1)) == "Saved 1 byte to /tmp/a.bin")
        #expect(Messages.saved(.saved("/tmp/a.bin", bytes: 14)) == "Saved 14 bytes to /tmp/a.bin")
    }

    private func saveProblem(_ bytes: [UInt8], to target: FilePath) -> SaveProblem? {
        do {
            try AtomicFileWriter.write(bytes, to: target)
            return nil
        } catch {
            return error
        }
    }
}

/// A fresh folder under the temporary folder, removed afterwards.
final class TempFolder {
    let root: FilePath
    init() throws {
        root = FilePath(FileManager.default.temporaryDirectory.path).appending("smsave-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: root.string, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: root.string) }
    func path(_ name: String) -> FilePath { root.appending(name) }
    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path(name).string))) }
    func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: root.string)) ?? []).sorted() }
}

/// A 64 KiB tmpfs mounted on a fresh folder (read-only if asked), unmounted afterwards: a real
/// full or read-only file system, for root. `canMount` tells whether this machine allows it.
final class TinyDisk {
    let path: FilePath
    init(readOnly: Bool = false) throws {
        path = FilePath(FileManager.default.temporaryDirectory.path).appending("smdisk-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path.string, withIntermediateDirectories: true)
        let options = readOnly ? "size=64k,ro" : "size=64k"
        guard Self.mount(options, path.string) else {
            try? FileManager.default.removeItem(atPath: path.string)
            throw Errno.notPermitted
        }
    }
    deinit {
        _ = Glibc.umount2(path.string, 0)
        _ = rmdir(path.string)
    }

    static func mount(_ options: String, _ path: String) -> Bool {
        Glibc.mount("tmpfs", path, "tmpfs", options.hasSuffix(",ro") ? UInt(MS_RDONLY) : 0,
                    options.replacingOccurrences(of: ",ro", with: "")) == 0
    }

    /// Mounting works here (root, or a user namespace that allows it).
    static let canMount: Bool = {
        guard let disk = try? TinyDisk() else { return false }
        _ = disk
        return true
    }()
}
