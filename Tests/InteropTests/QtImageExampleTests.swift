import Foundation
import SharedFile
import SharedMemory
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Qt's shared memory example (qtbase examples/corelib/ipc/sharedmemory), both ways, against real Qt:
/// its "Load Image from File..." writes a QImage through QDataStream and we read the picture; our
/// `sharedmemory-ctl load --qt-image` writes and its "Display Image from Shared Memory" reads it.
/// PyQt6 (Qt 6.11) with the legacy key (the Qt 5 example) and the POSIX key (the Qt 6.6+ example's
/// `QNativeIpcKey(u"QSharedMemoryExample"_s)`); Debian's Qt 5 and Qt 6 built from C++ with the legacy key.
@Suite("Qt's image example", .serialized)
struct QtImageExampleTests {
    enum Key: String, CaseIterable, CustomTestStringConvertible {
        case legacy, posix
        var testDescription: String { rawValue }
        func native(_ name: String) -> NativeIpcKey { self == .legacy ? .legacy(name) : .platformSafe(name) }
        func peer(_ name: String) -> String { self == .legacy ? "legacy=" + name : native(name).description }
        func ctlOptions(_ name: String) -> [String] { ["--key", name, "--key-type", self == .legacy ? "legacy" : "posix"] }
    }

    static let script = PyQt6Peer.root.appendingPathComponent("Tests/pyqt6/qt_image_example.py").path

    static func python(_ arguments: [String]) -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PyQt6Peer.python)
        process.arguments = [script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return (127, "", "cannot run \(PyQt6Peer.python)") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    /// A PNG of one colour made by Qt itself.
    static func picture(_ width: Int, _ height: Int, _ rgb: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("smtest-\(getpid())-\(UUID().uuidString.prefix(8)).png").path
        let made = python(["make", path, "\(width)", "\(height)", rgb])
        guard made.status == 0 else { throw QtPeerError(message: "Qt could not write \(path): \(made.error)") }
        return path
    }

    /// Starts `sharedmemory-ctl load --qt-image`; returns it with its first output line.
    static func startCtl(_ arguments: [String]) throws -> (process: Process, line: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ctlPath)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, readLine(output.fileHandleForReading))
    }

    /// What our viewer's reader sees: the snapshot of the segment, read under its lock.
    static func readAsViewer(_ key: NativeIpcKey) throws -> Snapshot {
        let memory = SharedMemory(nativeKey: key)
        try memory.attach(access: .readOnly)
        defer { memory.detach() }
        return try memory.withLock(timeout: .seconds(5)) { SegmentContent.read(UnsafeRawBufferPointer($0)) }
    }

    static func cleanUp(_ key: NativeIpcKey) {
        if key.type == .posixRealtime {
            shm_unlink(key.nativeKey)
            sem_unlink(key.semaphoreKey.nativeKey)
        } else if let legacy = key.legacyKey {
            try? SharedMemory.remove(key: legacy, force: true)
        }
    }

    @Test(.enabled(if: PyQt6Peer.installed, PyQt6Peer.skipReason), arguments: Key.allCases)
    func qtWritesWeShow(key: Key) throws {
        let name = uniqueKey("qtimage \(key)")
        defer { Self.cleanUp(key.native(name)) }
        let path = try Self.picture(120, 80, "3366cc")
        defer { unlink(path) }
        let example = Process()
        example.executableURL = URL(fileURLWithPath: PyQt6Peer.python)
        example.arguments = [Self.script, "load", key.peer(name), path]
        let input = Pipe(), output = Pipe()
        example.standardInput = input
        example.standardOutput = output
        try example.run()
        defer { try? input.fileHandleForWriting.close(); example.waitUntilExit() }
        #expect(readLine(output.fileHandleForReading) == "ready")

        let snapshot = try Self.readAsViewer(key.native(name))
        #expect(snapshot.format == .qtImage)
        #expect(ContentKind.detect(snapshot.payload) == .picture(.png))
        #expect(PictureHeader.read(snapshot.payload, format: .png) == PictureHeader(format: .png, width: 120, height: 80))
        // Qt's stream is the marker and exactly the PNG: the payload ends at IEND, as a file would.
        #expect(Array(snapshot.payload.suffix(8)) == [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }

    @Test(.enabled(if: PyQt6Peer.installed, PyQt6Peer.skipReason), arguments: Key.allCases)
    func weWriteQtShows(key: Key) throws {
        let name = uniqueKey("ctlimage \(key)")
        defer { Self.cleanUp(key.native(name)) }
        let path = try Self.picture(64, 48, "cc3366")
        defer { unlink(path) }
        // No segment: the ctl creates it, as the example does, and holds it until SIGTERM.
        let ctl = try Self.startCtl(["load", "--qt-image"] + key.ctlOptions(name) + [path])
        #expect(ctl.line.contains("64 × 48"), "\(ctl.line)")
        let shown = Self.python(["show", key.peer(name)])
        #expect(shown.status == 0 && shown.output == "64x48 #ffcc3366\n", "\(shown.output) \(shown.error)")
        kill(ctl.process.processIdentifier, SIGTERM)
        ctl.process.waitUntilExit()
        #expect(ctl.process.terminationStatus == 0)

        // The example holds a segment with a bigger picture: ours goes into it, and it shows ours.
        let big = try Self.picture(300, 200, "00ff00")
        defer { unlink(big) }
        let example = Process()
        example.executableURL = URL(fileURLWithPath: PyQt6Peer.python)
        example.arguments = [Self.script, "load", key.peer(name), big]
        let input = Pipe(), output = Pipe()
        example.standardInput = input
        example.standardOutput = output
        try example.run()
        defer { try? input.fileHandleForWriting.close(); example.waitUntilExit() }
        #expect(readLine(output.fileHandleForReading) == "ready")
        let small = try run(ctlPath, ["load", "--qt-image"] + key.ctlOptions(name) + [path])
        #expect(small.status == 0, "\(small.output)")
        let again = Self.python(["show", key.peer(name)])
        #expect(again.output == "64x48 #ffcc3366\n", "\(again.error)")
    }

    @Test(.enabled(if: PyQt6Peer.installed, PyQt6Peer.skipReason))
    func aSegmentTooSmallIsNotCutSilently() throws {
        let name = uniqueKey("ctlimage small")
        let key = Key.legacy
        defer { Self.cleanUp(key.native(name)) }
        let small = try Self.picture(2, 2, "000000")
        let noisy = try Self.picture(400, 400, "123456")
        defer { unlink(small); unlink(noisy) }
        let holder = try Self.startCtl(["load", "--qt-image"] + key.ctlOptions(name) + [small])
        defer { kill(holder.process.processIdentifier, SIGTERM); holder.process.waitUntilExit() }
        let refused = try run(ctlPath, ["load", "--qt-image"] + key.ctlOptions(name) + [noisy])
        #expect(refused.status == 1)
        #expect(refused.output.contains("nothing was written"), "\(refused.output)")
        #expect(Self.python(["show", key.peer(name)]).output == "2x2 #ff000000\n")
    }

    @Test func aJPEGOrTextIsRefusedBeforeAnySegmentIsMade() throws {
        let name = uniqueKey("ctlimage jpeg")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("smtest-\(getpid()).jpg").path
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10] + Array("JFIF".utf8)).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let result = try run(ctlPath, ["load", "--qt-image", "--key", name, path])
        #expect(result.status == 1)
        #expect(result.output.contains("JPEG"), "\(result.output)")
        #expect(throws: SharedMemoryError.self) { try SharedMemory.info(.legacy(name)) }
    }

    // Debian's Qt 5 (and Qt 6.4) built from C++: the example's own two functions, legacy key.
    @Test(.enabled(if: !QtImagePeer.installed.isEmpty, QtPeer.skipReason), arguments: QtImagePeer.installed)
    func bothWaysWithDebianQt(peer: QtImagePeer) throws {
        let name = uniqueKey("qtimage c++")
        defer { Self.cleanUp(.legacy(name)) }
        let dir = FileManager.default.temporaryDirectory.path
        let path = "\(dir)/smtest-\(getpid())-\(UUID().uuidString.prefix(8)).png"
        #expect(try peer.run(["make", path, "50", "40", "3366cc"]).status == 0)
        defer { unlink(path) }

        let example = try peer.start(["load", name, path])
        #expect(readLine(example.output) == "ready")
        let snapshot = try Self.readAsViewer(.legacy(name))
        #expect(snapshot.format == .qtImage)
        #expect(PictureHeader.read(snapshot.payload, format: .png) == PictureHeader(format: .png, width: 50, height: 40))
        try example.input.close()
        example.process.waitUntilExit()

        let ctl = try Self.startCtl(["load", "--qt-image", "--key", name, path])
        defer { kill(ctl.process.processIdentifier, SIGTERM); ctl.process.waitUntilExit() }
        let shown = try peer.run(["show", name])
        #expect(shown.status == 0 && shown.output == "50x40 #ff3366cc\n", "\(shown.output)")
    }
}

/// The example's C++ functions against Debian's Qt (QtGui for QImage), legacy keys only.
struct QtImagePeer: Sendable, CustomTestStringConvertible {
    let module: String
    let flags: String
    var testDescription: String { module }

    static let installed: [QtImagePeer] = {
        guard QtPeer.shell("command -v c++").status == 0 else { return [] }
        return ["Qt5Gui", "Qt6Gui"].compactMap { module in
            let flags = QtPeer.shell("pkg-config --cflags --libs \(module)")
            return flags.status == 0 ? QtImagePeer(module: module, flags: flags.output.trimmingCharacters(in: .whitespacesAndNewlines)) : nil
        }
    }()

    static let source = #"""
    #include <QBuffer>
    #include <QDataStream>
    #include <QImage>
    #include <QSharedMemory>
    #include <cstdio>
    #include <cstring>
    #include <string>
    int main(int argc, char **argv) {
        if (argc < 3) return 2;
        std::string mode = argv[1];
        if (mode == "make" && argc > 5) {
            QImage image(std::stoi(argv[3]), std::stoi(argv[4]), QImage::Format_ARGB32);
            image.fill(0xFF000000u | std::stoul(argv[5], nullptr, 16));
            return image.save(QString::fromUtf8(argv[2]), "PNG") ? 0 : 1;
        }
        QSharedMemory sharedMemory(QString::fromUtf8(argv[2]));
        if (mode == "load" && argc > 3) {   // Dialog::loadFromFile
            QImage image;
            if (!image.load(QString::fromUtf8(argv[3]))) return 1;
            QBuffer buffer;
            buffer.open(QBuffer::ReadWrite);
            QDataStream out(&buffer);
            out << image;
            int size = buffer.size();
            if (!sharedMemory.create(size)) {
                if (sharedMemory.error() != QSharedMemory::AlreadyExists || !sharedMemory.attach()) return 1;
            }
            sharedMemory.lock();
            char *to = (char*)sharedMemory.data();
            const char *from = buffer.data().data();
            memcpy(to, from, qMin(sharedMemory.size(), size));
            sharedMemory.unlock();
            std::printf("ready\n"); std::fflush(stdout);
            while (std::fgetc(stdin) != EOF) {}
            sharedMemory.detach(); return 0;
        }
        if (mode == "show") {   // Dialog::loadFromMemory
            if (!sharedMemory.attach()) return 1;
            QBuffer buffer;
            QDataStream in(&buffer);
            QImage image;
            sharedMemory.lock();
            buffer.setData((char*)sharedMemory.constData(), sharedMemory.size());
            buffer.open(QBuffer::ReadOnly);
            in >> image;
            sharedMemory.unlock();
            sharedMemory.detach();
            if (image.isNull()) { std::printf("null\n"); return 0; }
            std::printf("%dx%d #%08x\n", image.width(), image.height(), image.pixel(image.width() / 2, image.height() / 2));
            return 0;
        }
        return 2;
    }
    """#

    private static let binaries: [String: Result<String, QtPeerError>] = {
        var built: [String: Result<String, QtPeerError>] = [:]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtest-qtimage-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("qtimagepeer.cpp").path
        guard (try? Self.source.write(toFile: source, atomically: true, encoding: .utf8)) != nil else { return [:] }
        for peer in installed {
            let binary = directory.appendingPathComponent("qtimagepeer-\(peer.module)").path
            let build = QtPeer.shell("c++ -std=c++17 -fPIC -o '\(binary)' '\(source)' \(peer.flags) 2>&1")
            built[peer.module] = build.status == 0 ? .success(binary)
                : .failure(QtPeerError(message: "building the image peer against \(peer.module) failed: \(build.output)"))
        }
        return built
    }()

    func binary() throws -> String {
        guard let built = Self.binaries[module] else { throw QtPeerError(message: "no image peer was built for \(module)") }
        return try built.get()
    }

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        QtPeer.shell(([try binary()] + arguments).map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(separator: " "))
    }

    func start(_ arguments: [String]) throws -> (process: Process, input: FileHandle, output: FileHandle) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        return (process, input.fileHandleForWriting, output.fileHandleForReading)
    }
}
