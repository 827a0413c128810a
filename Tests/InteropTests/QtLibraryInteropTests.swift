import Foundation
import SharedMemory
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The library against an unmodified QSharedMemory: same native key, same segment, same lock.
@Suite("Qt interop: library")
struct QtLibraryInteropTests {
    @Test(.enabled(if: !QtPeer.installed.isEmpty, QtPeer.skipReason), arguments: QtPeer.installed)
    func qtProgramMeetsOurSegment(qt: QtPeer) throws {
        let key = uniqueKey("qt")
        defer { try? SharedMemory.remove(key: key, force: true) }
        #expect(try qt.run(["native", key]).output == SharedMemory.nativeKey(for: key) + "\n")

        // We create and write; Qt attaches, locks and reads.
        let memory = SharedMemory(key: key)
        try memory.create(size: 4096)
        try memory.withLock(timeout: .seconds(5)) { $0.copyBytes(from: Array("from swift\0".utf8)) }
        #expect(try qt.run(["read", key]).output == "from swift\n")
        memory.detach()
        #expect(throws: SharedMemoryError.self) { try SharedMemory.info(key: key) }

        // Qt creates and writes; we attach, lock and read.
        let peer = try qt.start(["create", key, "from qt"])
        defer { if peer.process.isRunning { kill(peer.process.processIdentifier, SIGKILL) } }
        #expect(readLine(peer.output) == "ready")
        let reader = SharedMemory(key: key)
        try reader.attach(access: .readOnly)
        let text = try reader.withLock(timeout: .seconds(5)) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        #expect(text == "from qt")
        reader.detach()
        try peer.input.close()
        peer.process.waitUntilExit()
        #expect(peer.process.terminationStatus == 0)
        // Qt's own detach, as the last one out, removed everything.
        #expect(throws: SharedMemoryError.self) { try SharedMemory.info(key: key) }
    }

    /// `make test` installs Qt 5 and Qt 6 and sets SHAREDMEMORY_QT_MAJORS="5 6": each must then be
    /// found, so that a missing package cannot turn the interop tests into silent skips.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SHAREDMEMORY_QT_MAJORS"] != nil))
    func everyRequiredQtIsTested() {
        let wanted = Set((ProcessInfo.processInfo.environment["SHAREDMEMORY_QT_MAJORS"] ?? "").split(separator: " ").map(String.init))
        let found = Set(QtPeer.installed.map { String($0.version.prefix { $0 != "." }) })
        #expect(wanted.isSubset(of: found), "Qt majors wanted \(wanted.sorted()), found \(found.sorted()) (pkg-config Qt5Core/Qt6Core)")
    }
}
