import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A Qt 6.6+ program on the other side: Tests/pyqt6/qt6peer.py run by the PyQt6 of the checkout's
/// `.venv-qt6` (made by `make test-deps`). Tests that need it are skipped without it, saying why;
/// `make test` sets SHAREDMEMORY_PYQT6=1 so that a missing one fails instead.
enum PyQt6Peer {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv-qt6/bin/python").path
    static let script = root.appendingPathComponent("Tests/pyqt6/qt6peer.py").path

    static let version: String? = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
        let result = run(["version"])
        return result.status == 0 ? result.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }()

    static var installed: Bool { version != nil }
    static let skipReason: Comment = "PyQt6 is not installed in .venv-qt6 (make test-deps makes it)"

    /// Runs the peer to completion: exit status, stdout, stderr.
    static func run(_ arguments: [String]) -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return (127, "", "cannot run \(python)") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    /// Starts the peer with pipes on stdin and stdout, for the modes that stay.
    static func start(_ arguments: [String]) throws -> (process: Process, input: FileHandle, output: FileHandle) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, input.fileHandleForWriting, output.fileHandleForReading)
    }
}
