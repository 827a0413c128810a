// Talking to a Qt program: this process creates a segment and writes a line; a Qt 6
// QSharedMemory (PyQt6, peer.py beside this file) attaches with the same key, reads it under the
// same lock and writes its answer back. Once with Qt 6.6's default (a POSIX key), once with the
// legacy key of Qt 5 and of `QSharedMemory(QString)` (System V).
//
//     qt-interop [PYTHON]    PYTHON: an interpreter with PyQt6 (default: $QT6_PYTHON, else python3)
import Foundation
import SharedMemory

let python = CommandLine.arguments.dropFirst().first ?? ProcessInfo.processInfo.environment["QT6_PYTHON"] ?? "/usr/bin/python3"
let peer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("peer.py").path

/// Runs the Qt peer on `keyArgument` and waits for it; true when it exited 0.
@MainActor func runPeer(_ keyArgument: String) throws -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [peer, keyArgument]
    fflush(nil)   // our lines first, then the peer's
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus == 0
}

@MainActor func exchange(_ memory: SharedMemory, peerKey: String) throws -> Bool {
    try memory.create(size: 4096)
    defer { memory.detach() }
    try memory.withLock { bytes in bytes.copyBytes(from: Array("hello Qt, from Swift pid \(getpid())".utf8) + [0]) }
    print("swift: wrote to \(memory.ipcKey)")
    guard try runPeer(peerKey) else { return false }
    let reply = try memory.withLock(timeout: .seconds(1)) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    print("swift: read \"\(reply)\"")
    return reply.hasPrefix("hello Swift, from Qt")
}

let name = "examples_qt_\(getpid())"
do {
    // Qt 6.6's default: QSharedMemory(QSharedMemory::platformSafeKey(name)), /dev/shm/NAME.
    let posix = SharedMemory(nativeKey: .platformSafe(name))
    let viaPosix = try exchange(posix, peerKey: posix.ipcKey.description)
    // Qt 5's and QSharedMemory(QString)'s: a System V segment named by a key file in $TMPDIR.
    let viaLegacy = try exchange(SharedMemory(key: name), peerKey: "legacy=" + name)
    exit(viaPosix && viaLegacy ? 0 : 1)
} catch {
    print("swift: \(error)")
    exit(1)
}
