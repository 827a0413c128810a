import Foundation
import SharedMemory
import Messages
import SystemPackage
import Testing
import TestSupport
@testable import SharedFile
#if canImport(Glibc)
import Glibc
#endif

/// Every awkward file, through the real FileLoader into a real segment read by a SegmentReader:
/// a clear status, the right bytes in the viewer, never a crash or a hang.
@Suite struct BadFileTests {
    final class Rig {
        let key = uniqueKey("badfile")
        let assets: TempAssets
        let reader: SegmentReader
        let loader: FileLoader
        init(size: Int = 4096) throws {
            assets = try TempAssets()
            reader = SegmentReader(key: key, size: size)
            try reader.open()
            _ = reader.poll()
            loader = FileLoader(key: key, assetsDirectory: assets.url)
        }
        deinit { reader.close(); removeLeftovers(key) }

        /// Loads `name` (bounded: a hang fails the test instead of stalling it) and returns what the viewer shows.
        func load(_ name: String) -> (status: String, shown: Snapshot?, took: Duration) {
            let took = elapsed { loader.loadFile(name) }
            if case .changed(let snapshot) = reader.poll() { return (loader.status, snapshot, took) }
            return (loader.status, nil, took)
        }
    }

    @Test(arguments: [
        ("empty.txt", [UInt8]()),
        ("binary.bin", [0, 1, 2, 0, 255, 0, 0x89, 0x50, 0x4E, 0x47]),
        ("invalid-utf8.txt", [0x61, 0xFF, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xE2, 0x82]),
        ("latin1.txt", Array("caf".utf8) + [0xE9, 0x20, 0xE0, 0x20, 0xFC]),
        ("a name with spaces.txt", Array("spaces".utf8)),
        ("Ünïcödé 日本.txt", Array("non-ASCII name".utf8)),
        ("new\nline.txt", Array("a newline in the name".utf8)),
    ] as [(String, [UInt8])])
    func loadsExactlyAndDisplaysValidText(name: String, bytes: [UInt8]) throws {
        let rig = try Rig()
        try rig.assets.add(name, bytes)
        #expect((try rig.loader.assets.fileNames()).contains(name))
        let result = rig.load(name)
        #expect(result.status == "Loaded file \(DisplayName.shown(name)) to shared memory")
        let shown = try #require(result.shown)
        #expect(shown.payload == bytes && shown.fileName == name && shown.originalSize == bytes.count)
        let display = DisplayText(snapshot: shown, key: rig.key, segmentSize: rig.reader.segmentSize)
        #expect(!display.text.utf8.contains(0))
        if bytes.isEmpty { #expect(display.text.isEmpty && !shown.isEmpty) }
        #expect(display.text == DisplayText.repaired(bytes))
    }

    @Test func largerThanTheSegmentAndVeryLongLinesAreCutAndSaid() throws {
        let rig = try Rig(size: 64 << 10)
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20) + [10]   // one 3 MiB line
        try rig.assets.add("long-line.txt", line)
        let result = rig.load("long-line.txt")
        #expect(result.status.hasPrefix("Loaded file long-line.txt to shared memory (truncated: \((64 << 10) - 320) of \(line.count) bytes)"))
        #expect(result.status.contains("--size \(line.count + 320) or more"))
        let shown = try #require(result.shown)
        #expect(shown.payload.count == (64 << 10) - 320 && shown.isTruncated)
        let display = DisplayText(snapshot: shown, key: rig.key, segmentSize: rig.reader.segmentSize, limit: 1000)
        #expect(display.text.utf8.count == 1000 && display.isCapped)
        #expect(display.info.contains("truncated") && display.info.contains("showing the first"))
    }

    @Test func missingFolderFifoAndDirectoryGiveAStatusQuickly() throws {
        let rig = try Rig()
        try rig.assets.add("kept.txt", Array("kept".utf8))
        _ = rig.load("kept.txt")
        #expect(mkfifo(rig.assets.path("pipe"), 0o644) == 0)
        try FileManager.default.createDirectory(atPath: rig.assets.path("dir"), withIntermediateDirectories: false)
        #expect((try rig.loader.assets.fileNames()) == ["kept.txt"])
        for (name, words) in [("pipe", "FIFO"), ("dir", "folder"), ("gone.txt", "No such file"),
                              ("../secret.txt", "not a file name inside"), ("/etc/passwd", "not a file name inside")] {
            let result = rig.load(name)
            #expect(result.status.hasPrefix("Unable to open file: ") && result.status.contains(words), "\(name): \(result.status)")
            #expect(result.took < .milliseconds(500))
            #expect(result.shown == nil)   // the segment kept its content
        }
        let absent = rig.assets.url.appendingPathComponent("absent")
        let problem = #expect(throws: FileProblem.folderUnusable(path: absent.path, .noSuchFileOrDirectory)) {
            try AssetsFolder(absent).fileNames()
        }
        let listing = problem.map(Messages.listing) ?? ""
        #expect(listing.hasPrefix("Unable to list files: ") && listing.contains("--assets"), "\(listing)")
    }

    @Test func linksLeadingOutsideAreNeitherListedNorRead() throws {
        let rig = try Rig()
        try rig.assets.add("real.txt", Array("inside".utf8))
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: rig.assets.path("out"), withDestinationPath: rig.assets.outside.path)
        try fm.createSymbolicLink(atPath: rig.assets.path("up"), withDestinationPath: "../secret.txt")
        try fm.createSymbolicLink(atPath: rig.assets.path("in"), withDestinationPath: "real.txt")
        #expect((try rig.loader.assets.fileNames()) == ["in", "real.txt"])
        for name in ["out", "up"] {
            let result = rig.load(name)
            #expect(result.status.contains("outside the assets folder"), "\(result.status)")
            #expect(result.shown == nil)
        }
        #expect(rig.load("in").shown?.payload == Array("inside".utf8))
    }

    /// Root reads every file, so the file is made unreadable for a thread whose filesystem uid is nobody's.
    @Test func unreadableFileGivesPermissionDenied() throws {
        let rig = try Rig()
        try rig.assets.add("private.txt", Array("root only".utf8))
        #expect(chmod(rig.assets.path("private.txt"), 0o600) == 0)
        try rig.assets.add("public.txt", Array("everyone".utf8))
        #expect(chmod(rig.assets.url.deletingLastPathComponent().path, 0o755) == 0)
        let loader = rig.loader
        let statuses = asFilesystemUser(65534) {
            loader.loadFile("private.txt")
            let denied = loader.outcome
            loader.loadFile("public.txt")
            return [denied, loader.outcome]
        }
        #expect(statuses[0] == .fileProblem(name: "private.txt", .system(.permissionDenied)))
        #expect(statuses[0].map { Messages.status($0) } == "Unable to open file: private.txt: Permission denied (EACCES)")
        #expect(statuses[1]?.isLoaded == true)
    }
}
