import Foundation
import Testing
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

/// Builds a tiny Qt program when Qt's development files are installed (Debian qtbase5-dev,
/// or Qt 6) and checks that it meets our segment both ways. Skipped, saying so, without Qt.
enum QtProbe {
    static func shell(_ command: String) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return (127, "") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// pkg-config flags for QtCore, nil without Qt or a C++ compiler.
    static let flags: String? = {
        guard shell("command -v c++").status == 0 else { return nil }
        for module in ["Qt5Core", "Qt6Core"] {
            let result = shell("pkg-config --cflags --libs \(module)")
            if result.status == 0 { return result.output.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return nil
    }()

    static let source = #"""
    #include <QSharedMemory>
    #include <QString>
    #include <cstdio>
    #include <cstring>
    #include <string>
    // qtpeer native KEY | read KEY | create KEY TEXT (then waits for stdin to close)
    int main(int argc, char **argv) {
        if (argc < 3) return 2;
        std::string mode = argv[1];
        QSharedMemory shm(QString::fromUtf8(argv[2]));
        if (mode == "native") { std::printf("%s\n", shm.nativeKey().toUtf8().constData()); return 0; }
        if (mode == "read") {
            if (!shm.attach(QSharedMemory::ReadOnly) || !shm.lock()) {
                std::fprintf(stderr, "%s\n", shm.errorString().toUtf8().constData()); return 1;
            }
            const char *data = static_cast<const char *>(shm.constData());
            std::fwrite(data, 1, strnlen(data, shm.size()), stdout);
            shm.unlock(); shm.detach(); return 0;
        }
        if (mode == "create" && argc > 3) {
            if (!shm.create(4096) || !shm.lock()) {
                std::fprintf(stderr, "%s\n", shm.errorString().toUtf8().constData()); return 1;
            }
            std::strncpy(static_cast<char *>(shm.data()), argv[3], shm.size() - 1);
            shm.unlock();
            std::printf("ready\n"); std::fflush(stdout);
            while (std::fgetc(stdin) != EOF) {}
            shm.detach(); return 0;
        }
        return 2;
    }
    """#
}

@Suite("Qt interop")
struct QtInteropTests {
    @Test(.enabled(if: QtProbe.flags != nil,
                   "Qt development files (pkg-config Qt5Core/Qt6Core) or a C++ compiler are not installed"))
    func qtProgramMeetsOurSegment() throws {
        let flags = try #require(QtProbe.flags)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtest-qt-\(getpid())-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("qtpeer.cpp").path
        let binary = directory.appendingPathComponent("qtpeer").path
        try QtProbe.source.write(toFile: source, atomically: true, encoding: .utf8)
        let build = QtProbe.shell("c++ -std=c++17 -fPIC -o '\(binary)' '\(source)' \(flags) 2>&1")
        try #require(build.status == 0, "building the Qt peer failed: \(build.output)")

        let key = uniqueKey("qt")
        defer { cleanUp(key) }
        #expect(QtProbe.shell("'\(binary)' native '\(key)'").output == SharedMemory.nativeKey(for: key) + "\n")

        // We create and write; Qt attaches, locks and reads.
        let memory = SharedMemory(key: key)
        try memory.create(size: 4096)
        try memory.withLock(timeout: .seconds(5)) { $0.copyBytes(from: Array("from swift\0".utf8)) }
        #expect(QtProbe.shell("'\(binary)' read '\(key)'").output == "from swift")
        memory.detach()
        #expect(throws: SharedMemoryError.self) { try SharedMemory.info(key: key) }

        // Qt creates and writes; we attach, lock and read.
        let peer = Process()
        peer.executableURL = URL(fileURLWithPath: binary)
        peer.arguments = ["create", key, "from qt"]
        let input = Pipe(), output = Pipe()
        peer.standardInput = input
        peer.standardOutput = output
        try peer.run()
        defer { if peer.isRunning { kill(peer.processIdentifier, SIGKILL) } }
        let ready = output.fileHandleForReading.readData(ofLength: 6)
        #expect(String(decoding: ready, as: UTF8.self) == "ready\n")
        let reader = SharedMemory(key: key)
        try reader.attach(access: .readOnly)
        let text = try reader.withLock(timeout: .seconds(5)) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        #expect(text == "from qt")
        reader.detach()
        try input.fileHandleForWriting.close()
        peer.waitUntilExit()
        #expect(peer.terminationStatus == 0)
    }
}
