import Foundation
import SharedFile
import SharedMemory
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The library against a real Qt 6.6+ (PyQt6, Qt 6.11) with the key types Qt 6 programs use
/// today: POSIX (Qt's default on Linux) and its System V platformSafeKey, plus the legacy key.
@Suite("Qt 6 interop: native keys, POSIX backend", .serialized)
struct QtPosixInteropTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case posix, posixLegacy, systemV, legacy
        var testDescription: String { rawValue }

        func key(_ name: String) -> NativeIpcKey {
            switch self {
            case .posix: return .platformSafe(name)
            case .posixLegacy: return .legacy(name, type: .posixRealtime)
            case .systemV: return .platformSafe(name, type: .systemV)
            case .legacy: return .legacy(name)
            }
        }

        /// What the peer is given: the string form, or QSharedMemory(QString) for the legacy key.
        func peerKey(_ name: String) -> String { self == .legacy ? "legacy=" + name : key(name).description }
    }

    static let posixKinds: [Kind] = [.posix, .posixLegacy]

    /// The POSIX files of a key left in /dev/shm (segment, semaphore).
    static func leftovers(_ key: NativeIpcKey) -> [String] {
        guard key.type == .posixRealtime else { return [] }
        let paths = ["/dev/shm" + key.nativeKey, "/dev/shm/sem." + key.semaphoreKey.nativeKey.dropFirst()]
        return paths.filter { FileManager.default.fileExists(atPath: $0) }
    }

    static func removeLeftovers(_ key: NativeIpcKey) {
        if key.type == .posixRealtime {
            shm_unlink(key.nativeKey)
            sem_unlink(key.semaphoreKey.nativeKey)
        } else if let legacy = key.legacyKey {
            try? SharedMemory.remove(key: legacy, force: true)
        }
    }

    static func text(_ bytes: UnsafeMutableRawBufferPointer) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    @Test(.enabled(if: PyQt6Peer.installed, PyQt6Peer.skipReason))
    func keysAgreeWithQt() {
        for name in [uniqueKey("keys"), "grüße ключ", "fileloader_shm_key"] {
            let qt = PyQt6Peer.run(["keys", name])
            #expect(qt.status == 0, "\(qt.error)")
            #expect(qt.output.split(separator: "\n").map(String.init) == [
                NativeIpcKey.platformSafe(name).description,
                NativeIpcKey.platformSafe(name, type: .systemV).description,
                NativeIpcKey.legacy(name).description,
            ])
        }
    }

    @Test(.enabled(if: PyQt6Peer.installed, PyQt6Peer.skipReason), arguments: Kind.allCases)
    func bothWays(kind: Kind) throws {
        let name = uniqueKey("qt6 \(kind)")
        let key = kind.key(name)
        defer { Self.removeLeftovers(key) }

        // We create and write; Qt 6 attaches, locks and reads.
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 4096)
        try memory.withLock(timeout: .seconds(5)) { $0.copyBytes(from: Array("from swift – grüße\0".utf8)) }
        let read = PyQt6Peer.run(["read", kind.peerKey(name)])
        #expect(read.status == 0 && read.output == "from swift – grüße\n", "\(read.error)")
        memory.detach()
        #expect(Self.leftovers(key) == [], "our clean close left files behind")

        // Qt 6 creates and writes; we attach read-only, lock and read.
        let peer = try PyQt6Peer.start(["create", kind.peerKey(name), "from qt6"])
        defer { if peer.process.isRunning { kill(peer.process.processIdentifier, SIGKILL) } }
        #expect(readLine(peer.output) == "ready")
        let reader = SharedMemory(nativeKey: key)
        try reader.attach(access: .readOnly)
        #expect(try reader.withLock(timeout: .seconds(5)) { Self.text($0) } == "from qt6")
        reader.detach()
        try peer.input.close()
        peer.process.waitUntilExit()
        #expect(peer.process.terminationStatus == 0)

        // Qt 6 never unlinks a POSIX segment: ours replaces the leftover instead of failing.
        if key.type == .posixRealtime {
            #expect(FileManager.default.fileExists(atPath: "/dev/shm" + key.nativeKey), "Qt did not leak: check the test")
        }
        let again = SharedMemory(nativeKey: key)
        try again.create(size: 1024)
        #expect(again.size == 1024)
        again.detach()
        #expect(Self.leftovers(key) == [])
    }

    @Test(.enabled(if: PyQt6Peer.installed, PyQt6Peer.skipReason), arguments: Kind.allCases)
    func lockExcludesBothWays(kind: Kind) throws {
        let name = uniqueKey("qt6 lock \(kind)")
        let key = kind.key(name)
        defer { Self.removeLeftovers(key) }
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 4096)
        defer { memory.detach() }

        // We hold the lock: Qt's attach (under the lock) and write wait for us.
        try memory.lock()
        let writer = try PyQt6Peer.start(["write", kind.peerKey(name), "written by qt6"])
        defer { if writer.process.isRunning { kill(writer.process.processIdentifier, SIGKILL) } }
        usleep(700_000)
        #expect(writer.process.isRunning, "Qt wrote while we held the lock")
        memory.data!.copyBytes(from: Array("ours\0".utf8))
        try memory.unlock()
        #expect(readLine(writer.output) == "done")
        writer.process.waitUntilExit()
        #expect(try memory.withLock(timeout: .seconds(5)) { Self.text($0) } == "written by qt6")

        // Qt holds the lock: ours times out, then gets it once Qt unlocks.
        let holder = try PyQt6Peer.start(["hold", kind.peerKey(name)])
        defer { if holder.process.isRunning { kill(holder.process.processIdentifier, SIGKILL) } }
        #expect(readLine(holder.output) == "locked")
        #expect(try memory.lock(timeout: .milliseconds(300)) == false)
        holder.input.write(Data("\n".utf8))
        #expect(readLine(holder.output) == "unlocked")
        #expect(try memory.lock(timeout: .seconds(5)))
        try memory.unlock()
        try holder.input.close()
        holder.process.waitUntilExit()
    }

    /// The product halves: our viewer's model shows what Qt 6 loader code writes, and a Qt 6
    /// viewer reads what our loader writes, for each Qt 6 key type.
    @Test(.enabled(if: PyQt6Peer.installed, PyQt6Peer.skipReason), arguments: Kind.allCases)
    func viewerAndLoaderMeetQt6(kind: Kind) throws {
        let name = uniqueKey("qt6 product \(kind)")
        let key = kind.key(name)
        defer { Self.removeLeftovers(key) }
        let viewer = SegmentReader(key: name, size: 10240, nativeKey: key)
        try viewer.open()
        guard case .changed(let empty) = viewer.poll() else { Issue.record("no first snapshot"); return }
        #expect(empty.isEmpty)
        let write = PyQt6Peer.run(["write", kind.peerKey(name), "Written by Qt 6 – grüße"])
        #expect(write.status == 0, "\(write.error)")
        guard case .changed(let snapshot) = viewer.poll() else { Issue.record("the Qt 6 write was not seen"); return }
        #expect(snapshot.format == .seed)
        #expect(DisplayText(snapshot: snapshot, key: name, segmentSize: viewer.segmentSize).text == "Written by Qt 6 – grüße")
        viewer.close()
        #expect(Self.leftovers(key) == [])

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("smtest-qt6-\(getpid())-\(kind)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("Written by sharedmemory_loader – grüße".utf8).write(to: folder.appendingPathComponent("note.txt"))
        let qtViewer = try PyQt6Peer.start(["serve", kind.peerKey(name), "10240"])
        defer { if qtViewer.process.isRunning { kill(qtViewer.process.processIdentifier, SIGKILL) } }
        #expect(readLine(qtViewer.output) == "ready")
        let loader = FileLoader(key: name, assetsDirectory: folder, nativeKey: key)
        loader.loadFile("note.txt")
        #expect(loader.outcome?.isLoaded == true, "\(String(describing: loader.outcome))")
        qtViewer.input.write(Data("read\n".utf8))
        #expect(readLine(qtViewer.output) == "Written by sharedmemory_loader – grüße")
        try qtViewer.input.close()
        qtViewer.process.waitUntilExit()

        // The Qt 6 viewer leaked its POSIX segment: our viewer replaces it, and leaves nothing.
        let again = SegmentReader(key: name, size: 4096, nativeKey: key)
        try again.open()
        #expect(again.created && again.segmentSize == 4096)
        again.close()
        #expect(Self.leftovers(key) == [])
    }

    /// A Qt 6 process SIGKILLed while holding a POSIX lock leaves the semaphore at 0 for ever:
    /// Qt programs then hang; ours fail within their bound, naming the repair, which works.
    @Test(.enabled(if: PyQt6Peer.installed, PyQt6Peer.skipReason), arguments: posixKinds)
    func killedQtHolderNeverHangsUs(kind: Kind) throws {
        let name = uniqueKey("qt6 kill \(kind)")
        let key = kind.key(name)
        defer { Self.removeLeftovers(key) }
        let memory = SharedMemory(nativeKey: key)
        try memory.create(size: 4096)
        defer { memory.detach() }
        let holder = try PyQt6Peer.start(["hold", kind.peerKey(name)])
        #expect(readLine(holder.output) == "locked")
        kill(holder.process.processIdentifier, SIGKILL)
        holder.process.waitUntilExit()

        let clock = ContinuousClock()
        let start = clock.now
        let other = SharedMemory(nativeKey: key)
        other.setupLockTimeout = .seconds(1)
        do {
            try other.attach()
            Issue.record("attach went through a lock held by a killed process")
        } catch {
            #expect(error.code == .lockError)
            #expect(error.message.contains("sharedmemory-ctl repair --native-key '\(key)'"), "\(error.message)")
            #expect(error.message.contains("no other process has it open"), "\(error.message)")
        }
        #expect(clock.now - start < .seconds(3), "attach took \(clock.now - start)")
        #expect(throws: SharedMemoryError.self) { try memory.withLock(timeout: .milliseconds(200)) { _ in } }

        // We map the segment, so the repair refuses without --force, then gives the lock back.
        #expect(throws: SharedMemoryError.self) { try SharedMemory.repairLock(key, force: false) }
        #expect(try SharedMemory.repairLock(key, force: true) == .released)
        #expect(try SharedMemory.repairLock(key, force: true) == .wasFree)
        #expect(try memory.withLock(timeout: .seconds(1)) { _ in true })
        try other.attach()
        other.detach()
    }
}

/// `make test` makes the PyQt6 environment and sets SHAREDMEMORY_PYQT6=1: then it must work, so
/// that a failed install cannot turn the Qt 6 interop tests into silent skips.
@Test(.enabled(if: ProcessInfo.processInfo.environment["SHAREDMEMORY_PYQT6"] != nil))
func pyQt6IsTested() {
    #expect(PyQt6Peer.installed, "no working PyQt6 at \(PyQt6Peer.python); run `make test-deps`")
    if let version = PyQt6Peer.version {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        #expect(parts.count >= 2 && (parts[0], parts[1]) >= (6, 6), "PyQt6's Qt \(version) predates QNativeIpcKey (6.6)")
    }
}
