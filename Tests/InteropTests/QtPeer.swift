import Foundation
import SharedMemory
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A tiny Qt program built from source against each Qt whose development files are installed
/// (Debian qtbase5-dev, qt6-base-dev): an unmodified QSharedMemory on the other side of our
/// segment. The interop tests run once per Qt found; without any they are skipped, saying why.
struct QtPeer: Sendable, CustomTestStringConvertible {
    /// The pkg-config module, `Qt5Core` or `Qt6Core`.
    let module: String
    /// `pkg-config --modversion`, e.g. 5.15.8.
    let version: String
    let flags: String

    var testDescription: String { "Qt \(version)" }

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

    /// Every installed Qt (5 and 6), none without a C++ compiler.
    static let installed: [QtPeer] = {
        guard shell("command -v c++").status == 0 else { return [] }
        return ["Qt5Core", "Qt6Core"].compactMap { module in
            let flags = shell("pkg-config --cflags --libs \(module)")
            let version = shell("pkg-config --modversion \(module)")
            guard flags.status == 0, version.status == 0 else { return nil }
            return QtPeer(module: module, version: version.output.trimmingCharacters(in: .whitespacesAndNewlines),
                          flags: flags.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }()

    static let skipReason: Comment = "Qt development files (pkg-config Qt5Core/Qt6Core) or a C++ compiler are not installed"

    /// The peer's modes:
    /// - `native KEY`: print Qt's native key;
    /// - `read KEY`: attach read-only, lock, print the text up to the first NUL (a Qt viewer);
    /// - `create KEY TEXT`: create 4096 bytes, write TEXT, print "ready", wait for stdin to close;
    /// - `seedload KEY FILE`: the seed example's FileLoader::loadFile, step by step;
    /// - `serve KEY SIZE`: create SIZE bytes (zero-filled, as the Qt viewer does), print "ready",
    ///   then print the text up to the first NUL, under the lock, for every line read from stdin.
    static let source = #"""
    #include <QFile>
    #include <QSharedMemory>
    #include <QString>
    #include <cstdio>
    #include <cstring>
    #include <string>
    static int fail(QSharedMemory &shm) {
        std::fprintf(stderr, "%s\n", shm.errorString().toUtf8().constData()); return 1;
    }
    static void printText(QSharedMemory &shm) {
        const char *data = static_cast<const char *>(shm.constData());
        std::fwrite(data, 1, strnlen(data, shm.size()), stdout);
        std::printf("\n"); std::fflush(stdout);
    }
    int main(int argc, char **argv) {
        if (argc < 3) return 2;
        std::string mode = argv[1];
        QSharedMemory shm(QString::fromUtf8(argv[2]));
        if (mode == "native") { std::printf("%s\n", shm.nativeKey().toUtf8().constData()); return 0; }
        if (mode == "read") {
            if (!shm.attach(QSharedMemory::ReadOnly) || !shm.lock()) return fail(shm);
            printText(shm);
            shm.unlock(); shm.detach(); return 0;
        }
        if (mode == "create" && argc > 3) {
            if (!shm.create(4096) || !shm.lock()) return fail(shm);
            std::strncpy(static_cast<char *>(shm.data()), argv[3], shm.size() - 1);
            shm.unlock();
            std::printf("ready\n"); std::fflush(stdout);
            while (std::fgetc(stdin) != EOF) {}
            shm.detach(); return 0;
        }
        if (mode == "seedload" && argc > 3) {
            QFile file(QString::fromUtf8(argv[3]));
            if (!file.open(QIODevice::ReadOnly)) return 1;
            const QByteArray content = file.readAll();
            if (!shm.attach()) return fail(shm);
            shm.lock();
            std::strncpy(static_cast<char *>(shm.data()), content.constData(), shm.size() - 1);
            shm.unlock();
            shm.detach(); return 0;
        }
        if (mode == "serve" && argc > 3) {
            if (!shm.create(std::stoi(argv[3]))) return fail(shm);
            std::printf("ready\n"); std::fflush(stdout);
            char line[64];
            while (std::fgets(line, sizeof line, stdin)) {
                if (!shm.lock()) return fail(shm);
                printText(shm);
                shm.unlock();
            }
            shm.detach(); return 0;
        }
        return 2;
    }
    """#

    /// The peer binaries, built once per Qt and test process.
    private static let binaries: [String: Result<String, QtPeerError>] = {
        var built: [String: Result<String, QtPeerError>] = [:]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtest-qt-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("qtpeer.cpp").path
        do { try Self.source.write(toFile: source, atomically: true, encoding: .utf8) } catch {
            return [:]
        }
        for peer in installed {
            let binary = directory.appendingPathComponent("qtpeer-\(peer.module)").path
            let build = shell("c++ -std=c++17 -fPIC -o '\(binary)' '\(source)' \(peer.flags) 2>&1")
            built[peer.module] = build.status == 0 ? .success(binary)
                : .failure(QtPeerError(message: "building the Qt peer against \(peer.module) failed: \(build.output)"))
        }
        return built
    }()

    /// This Qt's peer binary.
    func binary() throws -> String {
        guard let built = Self.binaries[module] else { throw QtPeerError(message: "no peer was built for \(module)") }
        return try built.get()
    }

    /// Runs the peer to completion and returns its exit status and stdout.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        Self.shell(([try binary()] + arguments).map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }
            .joined(separator: " "))
    }

    /// Starts the peer with pipes on stdin and stdout, for the modes that stay.
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

struct QtPeerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Reads one line from `handle` (blocking; the peer answers at once or exits).
func readLine(_ handle: FileHandle) -> String {
    var bytes: [UInt8] = []
    while let byte = try? handle.read(upToCount: 1), let first = byte.first, first != 0x0A { bytes.append(first) }
    return String(decoding: bytes, as: UTF8.self)
}
