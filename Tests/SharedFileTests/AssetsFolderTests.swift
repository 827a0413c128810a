import Glibc
import Messages
import Foundation
import SystemPackage
import Testing
import TestSupport
@testable import SharedFile

/// A temporary assets folder with every kind of awkward entry.
final class TempAssets {
    let url: URL
    let outside: URL
    init() throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("smtest-\(getpid())-\(UUID().uuidString)")
        url = base.appendingPathComponent("files")
        outside = base.appendingPathComponent("secret.txt")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: outside)
    }
    deinit { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    func add(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: url.appendingPathComponent(name)) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

@Suite struct AssetsFolderTests {
    @Test func listsRegularFilesSortedAndSkipsTheRest() throws {
        let assets = try TempAssets()
        try assets.add("b.txt", [1])
        try assets.add("a file with spaces.md", [1])
        try assets.add("Ünïcödé.txt", [1])
        try assets.add(".hidden", [1])
        try FileManager.default.createDirectory(atPath: assets.path("folder"), withIntermediateDirectories: false)
        #expect(mkfifo(assets.path("pipe"), 0o600) == 0)
        let names = try AssetsFolder(assets.url).fileNames()
        #expect(names == ["a file with spaces.md", "b.txt", "Ünïcödé.txt"])
    }

    @Test(arguments: ["../secret.txt", "..", ".", "", "sub/x", "/etc/passwd"])
    func namesThatLeaveTheFolderAreRefused(name: String) throws {
        let assets = try TempAssets()
        #expect(throws: FileProblem.self) { try AssetsFolder(assets.url).open(name) }
    }

    @Test func symlinkOutsideIsRefusedInsideIsRead() throws {
        let assets = try TempAssets()
        try assets.add("real.txt", Array("inside".utf8))
        try FileManager.default.createSymbolicLink(atPath: assets.path("out"), withDestinationPath: assets.outside.path)
        try FileManager.default.createSymbolicLink(atPath: assets.path("in"), withDestinationPath: "real.txt")
        let folder = AssetsFolder(assets.url)
        #expect(throws: FileProblem.outsideFolder(resolved: assets.outside.path)) { try folder.open("out") }
        let file = try folder.open("in")
        var bytes = [UInt8](repeating: 0, count: 100)
        let read = bytes.withUnsafeMutableBytes { AssetsFolder.read(file.descriptor, into: $0) }
        #expect(read.ended && read.error == nil && bytes[0..<read.count] == Array("inside".utf8)[...])
    }

    @Test func fifoAndFolderAreRefusedWithoutBlocking() throws {
        let assets = try TempAssets()
        #expect(mkfifo(assets.path("pipe"), 0o600) == 0)
        try FileManager.default.createDirectory(atPath: assets.path("dir"), withIntermediateDirectories: false)
        let folder = AssetsFolder(assets.url)
        #expect(throws: FileProblem.notRegularFile(.fifo)) { try folder.open("pipe") }
        #expect(throws: FileProblem.notRegularFile(.directory)) { try folder.open("dir") }
    }

    /// Issue 23: open(2) of a Unix socket fails with ENXIO; the words say what it is instead.
    @Test func aSocketIsNamedAsOne() throws {
        let assets = try TempAssets()
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = assets.path("sock")
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8.prefix(raw.count - 1)))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        #expect(throws: FileProblem.notRegularFile(.socket)) { try AssetsFolder(assets.url).open("sock") }
        #expect(throws: FileProblem.notRegularFile(.socket)) { try AssetsFolder.openPicked(path) }
        #expect(Messages.openProblem("sock", .notRegularFile(.socket)) == "Unable to open file: sock is a socket, not a regular file")
    }

    @Test func readStopsAtTheLimitButKnowsTheWholeSize() throws {
        let assets = try TempAssets()
        try assets.add("big", Array(repeating: 7, count: 5000))
        let file = try AssetsFolder(assets.url).open("big")
        var bytes = [UInt8](repeating: 0, count: 1000)
        let read = bytes.withUnsafeMutableBytes { AssetsFolder.read(file.descriptor, into: $0) }
        #expect(read.count == 1000 && !read.ended && file.sizeHint == 5000)
        #expect(FileLoader.total(read: read.count, ended: read.ended, descriptor: file.descriptor,
                                 sizeHint: file.sizeHint) == (5000, false))
    }

    @Test func missingFileAndFolderSayWhy() throws {
        let assets = try TempAssets()
        #expect(throws: FileProblem.system(.noSuchFileOrDirectory)) { try AssetsFolder(assets.url).open("nope") }
        let absent = assets.url.appendingPathComponent("absent")
        #expect(throws: FileProblem.folderUnusable(path: absent.path, .noSuchFileOrDirectory)) {
            try AssetsFolder(absent).fileNames()
        }
    }
}

@Suite struct PickedFileTests {
    @Test func aFileThePickerChoseLoadsFromOutsideTheFolder() throws {
        let assets = try TempAssets()
        let key = uniqueKey()
        let reader = SegmentReader(key: key, size: 4096)
        try reader.open()
        defer { reader.close() }
        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        loader.loadFile(at: assets.outside)   // secret.txt lies beside the folder, not in it
        #expect(loader.status == "Loaded file secret.txt to shared memory")
        #expect(loader.outcome == .loaded(name: "secret.txt", report: WriteReport(format: .framed, written: 6, total: 6)))
        guard case .changed(let snapshot) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(snapshot.payload == Array("secret".utf8) && snapshot.fileName == "secret.txt")
        // The same file by name is still refused: only an explicit pick leaves the folder.
        loader.loadFile("../secret.txt")
        #expect(loader.outcome == .fileProblem(name: "../secret.txt", .notAName))
    }

    @Test func aPickedFifoOrFolderIsRefusedWithoutBlocking() throws {
        let assets = try TempAssets()
        #expect(mkfifo(assets.path("pipe"), 0o600) == 0)
        let loader = FileLoader(key: uniqueKey(), assetsDirectory: assets.url)
        loader.loadFile(at: assets.url.appendingPathComponent("pipe"))
        #expect(loader.outcome == .fileProblem(name: "pipe", .notRegularFile(.fifo)))
        #expect(loader.status == "Unable to open file: pipe is a FIFO (named pipe), not a regular file")
        loader.loadFile(at: assets.url)
        #expect(loader.outcome == .fileProblem(name: "files", .notRegularFile(.directory)))
        #expect(loader.status == "Unable to open file: files is a folder, not a regular file")
    }
}
