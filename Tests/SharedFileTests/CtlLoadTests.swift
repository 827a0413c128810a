import Foundation
import Messages
import SharedMemory
import Testing
import TestSupport
@testable import SharedFile
#if canImport(Glibc)
import Glibc
#endif

/// `sharedmemory-ctl load` runs `FileLoader`: the same refusals and reports as the loader window,
/// in words made by `Messages`, and never a hang or unbounded memory on a FIFO, device or huge file.
@Suite struct CtlLoadTests {
    /// A viewer's segment (framed) and the in-process loader the ctl must agree with.
    final class Rig {
        let key = uniqueKey()
        let reader: SegmentReader
        let assets: TempAssets
        let loader: FileLoader

        init(size: Int = 4096) throws {
            reader = SegmentReader(key: key, size: size)
            try reader.open()
            assets = try TempAssets()
            loader = FileLoader(key: key, assetsDirectory: assets.url)
        }

        deinit {
            reader.close()
            removeLeftovers(key)
        }

        /// Runs `sharedmemory-ctl load` on `path` (stdin from `input` when given): its status, its
        /// output (stdout and stderr) and how long it took.
        func ctlLoad(_ path: String, input: FileHandle? = nil) throws -> (status: Int32, output: String, took: Duration) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ctlPath)
            process.arguments = ["load", "--key", key, path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            if let input { process.standardInput = input }
            var data = Data()
            let took = try elapsed {
                try process.run()
                data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
            }
            return (process.terminationStatus, String(decoding: data, as: UTF8.self), took)
        }

        /// What the loader window says for `path`, as the ctl prints it (a failure on one line).
        func windowSays(_ path: String) -> (loaded: Bool, words: String) {
            loader.loadFile(at: URL(fileURLWithPath: path))
            let words = loader.status
            guard loader.outcome?.isLoaded == true else {
                return (false, "sharedmemory-ctl: " + words.split(whereSeparator: \.isNewline).joined(separator: " ") + "\n")
            }
            return (true, words + "\n")
        }
    }

    @Test func fifoFolderAndDeviceAreRefusedAsTheLoaderWindowRefusesThem() throws {
        let rig = try Rig()
        #expect(mkfifo(rig.assets.path("pipe"), 0o600) == 0)
        try FileManager.default.createDirectory(atPath: rig.assets.path("dir"), withIntermediateDirectories: false)
        for path in [rig.assets.path("pipe"), rig.assets.path("dir"), "/dev/zero", rig.assets.path("missing")] {
            let result = try rig.ctlLoad(path)
            let window = rig.windowSays(path)
            #expect(!window.loaded)
            #expect(result.status == 1 && result.output == window.words, "\(path): \(result.output)")
            #expect(result.took < .seconds(1), "\(path) took \(result.took)")
        }
        guard case .changed(let shown) = rig.reader.poll() else { Issue.record("no first snapshot"); return }
        #expect(shown.isEmpty, "a refused load changed the segment")
    }

    @Test func aFileOverTheSegmentSizeIsCutAndSaidWithoutReadingItAll() throws {
        let rig = try Rig(size: 1 << 20)
        // 3 GiB, sparse: reading it whole would take seconds and gigabytes.
        let path = rig.assets.path("huge.bin")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("start".utf8)))
        #expect(truncate(path, 3 << 30) == 0)
        let result = try rig.ctlLoad(path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.took < .seconds(1), "took \(result.took)")
        let capacity = (1 << 20) - FramedHeader.size
        let report = WriteReport(format: .framed, written: capacity, total: 3 << 30)
        #expect(result.output == Messages.status(.loaded(name: "huge.bin", report: report)) + "\n")
        #expect(rig.windowSays(path) == (true, result.output))
        guard case .changed(let shown) = rig.reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.storedLength == capacity && shown.originalSize == 3 << 30)
        #expect(Array(shown.payload.prefix(5)) == Array("start".utf8))
    }

    /// /proc files say size 0 and /sys ones 4096: the file is read to its end all the same.
    @Test func procFilesAreReadToTheirEndWhateverStatSays() throws {
        let rig = try Rig()
        let expected = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/version")).readToEnd() ?? Data()
        let result = try rig.ctlLoad("/proc/version")
        #expect(result.status == 0 && result.output == "Loaded file version to shared memory\n", "\(result.output)")
        guard case .changed(let shown) = rig.reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array(expected) && !expected.isEmpty)
        // Longer than the segment and st_size 0: cut, and said to be longer without a made-up size.
        rig.loader.loadFile(at: URL(fileURLWithPath: "/proc/self/smaps"))
        guard case .loaded(_, let report) = rig.loader.outcome else { Issue.record("\(rig.loader.status)"); return }
        #expect(report.written == 4096 - FramedHeader.size && report.totalIsLowerBound && report.isTruncated)
    }

    @Test func standardInputIsReadUpToWhatTheSegmentHoldsAndTruncationIsSaid() throws {
        let rig = try Rig()
        let short = try rig.ctlLoad("-", input: try input(Array("piped text\n".utf8)))
        #expect(short.status == 0 && short.output == "Loaded file stdin to shared memory\n", "\(short.output)")
        guard case .changed(let shown) = rig.reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("piped text\n".utf8) && shown.fileName == "stdin")

        // An endless writer: the ctl stops at the segment's size and says the input was longer.
        let yes = Process()
        yes.executableURL = URL(fileURLWithPath: "/usr/bin/yes")
        let pipe = Pipe()
        yes.standardOutput = pipe
        try yes.run()
        defer { yes.terminate() }
        let endless = try rig.ctlLoad("-", input: pipe.fileHandleForReading)
        let capacity = 4096 - FramedHeader.size
        let report = WriteReport(format: .framed, written: capacity, total: capacity + 1, totalIsLowerBound: true)
        #expect(endless.status == 0 && endless.output == Messages.status(.loaded(name: "stdin", report: report)) + "\n",
                "\(endless.output)")
        #expect(endless.took < .seconds(1))
    }

    /// The issue's lost write: the viewer killed with -9, the ctl said "loaded" and the data was gone.
    @Test func aDeadViewersSegmentIsNotWrittenAndSaysSo() throws {
        let assets = try TempAssets()
        try assets.add("a.txt", Array("lost?".utf8))
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let viewer = try CtlProcess(["create", "--key", key, "--size", "4096", "--stamp"])
        let pid = viewer.pid
        viewer.kill9()
        let result = try run(ctlPath, ["load", "--key", key, assets.path("a.txt")])
        let words = Messages.status(.viewerGone(key: key, creator: pid), for: .terminal).split(whereSeparator: \.isNewline).joined(separator: " ")
        #expect(result.status == 1 && result.output == "sharedmemory-ctl: \(words)\n", "\(result.output)")
        #expect((try? SharedMemory.info(key: key))?.segment == nil, "the leftover was not removed")
    }

    /// The same with a POSIX key (Qt 6's default), whose segment records no creator: a segment no
    /// other process maps is not written, while one a live viewer maps is.
    @Test func aPosixSegmentNobodyMapsIsNotWritten() throws {
        let assets = try TempAssets()
        try assets.add("a.txt", Array("lost?".utf8))
        let name = uniqueKey().replacingOccurrences(of: " ", with: "_")
        let key = "posix:/" + name
        defer { _ = try? run(ctlPath, ["remove", "--native-key", key, "--force"]) }
        let viewer = try CtlProcess(["create", "--native-key", key, "--size", "4096", "--stamp"])
        let live = try run(ctlPath, ["load", "--native-key", key, assets.path("a.txt")])
        #expect(live.status == 0 && live.output.hasPrefix("Loaded file a.txt"), "\(live.output)")
        viewer.kill9()
        #expect(FileManager.default.fileExists(atPath: "/dev/shm/" + name), "a killed creator leaves its POSIX segment")
        let result = try run(ctlPath, ["load", "--native-key", key, assets.path("a.txt")])
        let words = Messages.status(.viewerGone(key: key, creator: nil), for: .terminal).split(whereSeparator: \.isNewline).joined(separator: " ")
        #expect(result.status == 1 && result.output == "sharedmemory-ctl: \(words)\n", "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: "/dev/shm/" + name), "the leftover was not removed")
    }

    /// Issue 23: the ctl's one line keeps its sentences apart (a full stop where a line had none),
    /// says "no viewer" once, without the library's "attach:", and tells a terminal user to run
    /// the command again; a lock timeout does not begin with "attach:".
    @Test func failuresReadAsSentences() throws {
        let assets = try TempAssets()
        try assets.add("a.txt", Array("x".utf8))
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let none = try run(ctlPath, ["load", "--key", key, assets.path("a.txt")])
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        #expect(none.status == 1 && none.output == "sharedmemory-ctl: Unable to load: no viewer is running for this key (none found in \(folder))."
                + " Start the sharedmemory viewer first, then run this command again.\n", "\(none.output)")
        let viewer = try CtlProcess(["create", "--key", key, "--size", "4096", "--stamp"])
        defer { viewer.kill9() }
        let holder = try CtlProcess(["hold-lock", "--key", key, "--seconds", "60"])
        defer { holder.kill9() }
        let busy = try run(ctlPath, ["load", "--key", key, "--timeout", "0.2", assets.path("a.txt")])
        #expect(busy.status == 1 && busy.output.hasPrefix("sharedmemory-ctl: Unable to lock shared memory: timed out after "), "\(busy.output)")
        #expect(busy.output.contains("stop that process if it is stuck. The file was not loaded;"), "\(busy.output)")
        #expect(!busy.output.contains("attach:") && !busy.output.contains("pick"), "\(busy.output)")
    }

    private func input(_ bytes: [UInt8]) throws -> FileHandle {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(bytes))
        try pipe.fileHandleForWriting.close()
        return pipe.fileHandleForReading
    }
}
