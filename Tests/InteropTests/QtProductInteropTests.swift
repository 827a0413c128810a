import Foundation
import SharedFile
import SharedMemory
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The two halves of the product against the two halves of the Qt example: the seed's loader
/// writing into our viewer's segment, and our loader writing into a Qt viewer's segment.
@Suite("Qt interop: loader and viewer")
struct QtProductInteropTests {
    private func assets(_ text: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("smtest-qt-assets-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: folder.appendingPathComponent("note.txt"))
        return folder
    }

    @Test(.enabled(if: !QtPeer.installed.isEmpty, QtPeer.skipReason), arguments: QtPeer.installed)
    func theQtExampleLoaderWritesIntoOurViewer(qt: QtPeer) throws {
        let text = "Written by the Qt example's FileLoader – grüße"
        let folder = try assets(text)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = uniqueKey("qtloader")
        let viewer = SegmentReader(key: key, size: 10240)
        try viewer.open()
        defer { viewer.close() }
        guard case .changed(let empty) = viewer.poll() else { Issue.record("no first snapshot"); return }
        #expect(empty.isEmpty)

        let load = try qt.run(["seedload", key, folder.appendingPathComponent("note.txt").path])
        #expect(load.status == 0)
        guard case .changed(let snapshot) = viewer.poll() else { Issue.record("the Qt load was not seen"); return }
        #expect(snapshot.format == .seed)
        #expect(DisplayText(snapshot: snapshot, key: key, segmentSize: viewer.segmentSize).text == text)
    }

    @Test(.enabled(if: !QtPeer.installed.isEmpty, QtPeer.skipReason), arguments: QtPeer.installed)
    func ourLoaderWritesIntoTheQtExampleViewer(qt: QtPeer) throws {
        let text = "Written by sharedmemory_loader – grüße"
        let folder = try assets(text)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = uniqueKey("qtviewer")
        let peer = try qt.start(["serve", key, "10240"])
        defer {
            try? peer.input.close()
            peer.process.waitUntilExit()
            try? SharedMemory.remove(key: key, force: true)
        }
        #expect(readLine(peer.output) == "ready")

        let loader = FileLoader(key: key, assetsDirectory: folder)
        loader.loadFile("note.txt")
        #expect(loader.outcome?.isLoaded == true, "\(String(describing: loader.outcome))")
        peer.input.write(Data("read\n".utf8))
        #expect(readLine(peer.output) == text)
    }
}
