import Foundation
import SharedMemory
import Testing
import TestSupport
@testable import SharedFile
#if canImport(Glibc)
import Glibc
#endif

/// `FileLoader.keepsSegmentAttached`: the mapping is reused between loads, yet a restarted, closed,
/// killed or replaced viewer is handled as when the loader attaches for each load.
@Suite struct KeptSegmentTests {
    private func assets() throws -> TempAssets {
        let assets = try TempAssets()
        try assets.add("a.txt", Array("first".utf8))
        try assets.add("b.txt", Array("second".utf8))
        return assets
    }

    /// A viewer that checks reachability on every poll, and a loader that keeps the segment after
    /// loading a.txt; also the segment's id.
    private func viewerAndKeepingLoaderAfterALoad(_ key: String) throws -> (SegmentReader, FileLoader, TempAssets, Int32) {
        let files = try assets()
        let reader = SegmentReader(key: key, size: 4096, reachabilityInterval: .zero)
        try reader.open()
        let loader = FileLoader(key: key, assetsDirectory: files.url)
        loader.keepsSegmentAttached = true
        loader.loadFile("a.txt")
        let id = try #require(try SharedMemory.info(key: key).segment?.id)
        return (reader, loader, files, id)
    }

    /// A viewer process (`sharedmemory-ctl create --stamp`), and a loader that keeps its segment
    /// after loading a.txt.
    private func viewerProcessAndKeepingLoaderAfterALoad(_ key: String) throws -> (CtlProcess, FileLoader, TempAssets) {
        let files = try assets()
        let loader = FileLoader(key: key, assetsDirectory: files.url)
        loader.keepsSegmentAttached = true
        let viewer = try CtlProcess(["create", "--key", key, "--size", "4096", "--stamp"])
        loader.loadFile("a.txt")
        #expect(loader.status == "Loaded file a.txt to shared memory")
        #expect(loader.holdsSegment)
        return (viewer, loader, files)
    }

    private func attachedCount(_ key: String) throws -> Int? {
        try SharedMemory.info(key: key).segment?.attachedCount
    }

    @Test func theSegmentStaysAttachedUntilReleased() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, loader, files, _) = try viewerAndKeepingLoaderAfterALoad(key)
        defer { withExtendedLifetime(files) {} }
        defer { reader.close() }
        #expect(loader.status == "Loaded file a.txt to shared memory")
        #expect(loader.holdsSegment)
        #expect(try attachedCount(key) == 2)
        loader.loadFile("b.txt")   // the same attachment, not a second one
        #expect(try attachedCount(key) == 2)
        guard case .changed(let shown) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("second".utf8) && shown.generation == 2)

        loader.releaseSegment()
        #expect(!loader.holdsSegment)
        #expect(try attachedCount(key) == 1)
        loader.loadFile("a.txt")
        #expect(try attachedCount(key) == 2)
        loader.keepsSegmentAttached = false   // turning it off lets go at once
        #expect(!loader.holdsSegment)
        #expect(try attachedCount(key) == 1)
    }

    @Test func failedLoadsKeepNothing() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let files = try assets()
        let reader = SegmentReader(key: key, size: 4096)
        try reader.open()
        defer { reader.close() }
        let loader = FileLoader(key: key, assetsDirectory: files.url, lockTimeout: .milliseconds(100))
        loader.keepsSegmentAttached = true
        let holder = SharedMemory(key: key)
        try holder.attach()
        try holder.lock()
        loader.loadFile("a.txt")
        #expect(loader.status.hasPrefix("Unable to lock shared memory: "))
        #expect(!loader.holdsSegment)
        try holder.unlock()
        holder.detach()
        #expect(try attachedCount(key) == 1)
    }

    /// The viewer exits cleanly while the loader keeps the segment: the segment outlives it only
    /// until the loader lets go, and the loader, last out, removes everything.
    @Test func aClosedViewerLeavesNothingOnceTheLoaderLetsGo() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (viewer, loader, files) = try viewerProcessAndKeepingLoaderAfterALoad(key)
        defer { withExtendedLifetime(files) {} }
        kill(viewer.pid, SIGTERM)
        viewer.process.waitUntilExit()
        #expect(try attachedCount(key) == 1)   // only the loader's
        let native = SharedMemory(key: key)
        loader.releaseSegment()
        #expect(throws: SharedMemoryError.self) { try SharedMemory.info(key: key) }
        #expect(access(native.nativeKey, F_OK) != 0 && access(native.semaphoreNativeKey, F_OK) != 0)
    }

    @Test func aKilledViewerIsNoticedAndARestartedOneIsFound() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (viewer, loader, files) = try viewerProcessAndKeepingLoaderAfterALoad(key)
        defer { withExtendedLifetime(files) {} }
        let pid = viewer.pid
        viewer.kill9()
        loader.loadFile("b.txt")
        #expect(loader.status.contains("(pid \(pid)) is gone"))
        #expect(!loader.holdsSegment)
        #expect(throws: SharedMemoryError.self) { try SharedMemory.info(key: key) }

        let reader = SegmentReader(key: key, size: 4096)
        try reader.open()
        defer { reader.close() }
        #expect(reader.created)
        loader.loadFile("b.txt")
        guard case .changed(let shown) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("second".utf8))
    }

    /// A viewer restarted while the loader still holds the killed viewer's segment: that segment
    /// is not a live one to share, so the new viewer makes its own, of the size it was asked for.
    @Test func aRestartedViewerGetsItsOwnSegmentWhileTheLoaderHoldsTheOld() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (viewer, loader, files) = try viewerProcessAndKeepingLoaderAfterALoad(key)
        defer { withExtendedLifetime(files) {} }
        let old = try #require(try SharedMemory.info(key: key).segment?.id)
        viewer.kill9()
        let reader = SegmentReader(key: key, size: 100_000)
        try reader.open()
        defer { reader.close() }
        #expect(reader.created && reader.segmentSize >= 100_000)
        loader.loadFile("b.txt")
        #expect(loader.status == "Loaded file b.txt to shared memory")
        guard case .changed(let shown) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("second".utf8))
        var ds = shmid_ds()
        #expect(shmctl(old, IPC_STAT, &ds) == -1)   // gone with the loader's mapping
    }

    /// ipcrm behind everyone's back: the viewer makes a new segment, and the loader's next load
    /// goes to it, not to the removed one it still has mapped.
    @Test func aRemovedSegmentIsLeftForTheOneTheKeyNamesNow() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, loader, files, old) = try viewerAndKeepingLoaderAfterALoad(key)
        defer { withExtendedLifetime(files) {} }
        defer { reader.close() }
        #expect(try run("/usr/bin/ipcrm", ["-m", "\(old)"]).status == 0)
        guard case .changed(let fresh) = reader.poll() else { Issue.record("no recovery"); return }
        #expect(fresh.isEmpty)

        loader.loadFile("b.txt")
        #expect(loader.status == "Loaded file b.txt to shared memory")
        guard case .changed(let shown) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("second".utf8))
        var ds = shmid_ds()
        #expect(shmctl(old, IPC_STAT, &ds) == -1)   // the removed one is gone with our mapping
    }

    /// The key file deleted: the viewer makes a new one naming a new segment. The loader, last out
    /// of the old segment, removes that segment but must not delete the new key file.
    @Test func lettingGoOfAnOrphanKeepsTheNewKeyFile() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, loader, files, old) = try viewerAndKeepingLoaderAfterALoad(key)
        defer { withExtendedLifetime(files) {} }
        defer { reader.close() }
        #expect(unlink(reader.nativeKey) == 0)
        // A file made now takes the freed inode, so the new key file gets another one (another key).
        let placeholder = reader.nativeKey + ".placeholder"
        let fd = open(placeholder, O_CREAT | O_WRONLY, 0o600)
        defer { close(fd); unlink(placeholder) }
        guard case .changed = reader.poll() else { Issue.record("no recovery"); return }
        let new = try #require(try SharedMemory.info(key: key).segment?.id)
        try #require(new != old, "the new key file names the old segment again; nothing to check")

        loader.loadFile("b.txt")
        #expect(loader.status == "Loaded file b.txt to shared memory")
        var ds = shmid_ds()
        #expect(shmctl(old, IPC_STAT, &ds) == -1)
        #expect(access(reader.nativeKey, F_OK) == 0)
        guard case .changed(let shown) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("second".utf8))
        #expect(reader.recoveryCount == 1)
    }
}
