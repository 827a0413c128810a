import Foundation
import Messages
import SharedMemory
import Testing
import TestSupport
@testable import SharedFile
#if canImport(Glibc)
import Glibc
#endif

/// Faults behind the viewer's back: the segment or the semaphore removed (ipcrm), the key file
/// deleted, the viewer killed, a stuck writer. Each must give a clear status and recover.
@Suite struct RecoveryTests {
    private func viewerAndLoader(_ key: String) throws -> (SegmentReader, FileLoader, TempAssets) {
        let assets = try TempAssets()
        try assets.add("a.txt", Array("first".utf8))
        try assets.add("b.txt", Array("second".utf8))
        // Every poll checks reachability here, so that "the next poll" recovers (the default checks
        // at most every 250 ms).
        let reader = SegmentReader(key: key, size: 4096, reachabilityInterval: .zero)
        try reader.open()
        guard case .changed = reader.poll() else { throw CtlProcessError("no first snapshot") }
        return (reader, FileLoader(key: key, assetsDirectory: assets.url), assets)
    }

    @Test func segmentRemovedWithIpcrmIsMadeAgainOnTheNextPoll() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, loader, assets) = try viewerAndLoader(key)
        defer { withExtendedLifetime(assets) {} }
        defer { reader.close() }
        loader.loadFile("a.txt")
        #expect(loader.status == "Loaded file a.txt to shared memory")
        let old = try #require(try SharedMemory.info(key: key).segment?.id)
        #expect(try run("/usr/bin/ipcrm", ["-m", "\(old)"]).status == 0)

        loader.loadFile("b.txt")   // the key no longer finds the segment
        #expect(loader.outcome?.isNoViewer == true, "\(loader.status)")
        guard case .changed(let fresh) = reader.poll() else { Issue.record("no recovery"); return }
        #expect(fresh.isEmpty)
        #expect(reader.lastRecovery?.contains("removed by another process") == true)
        #expect(reader.recoveryCount == 1)
        #expect(try SharedMemory.info(key: key).segment?.id != old)

        loader.loadFile("b.txt")
        #expect(loader.status == "Loaded file b.txt to shared memory")
        guard case .changed(let shown) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("second".utf8))
        #expect(reader.poll() == .unchanged)
    }

    /// A recovery that cannot get the lock (a writer holds it) fails, and the following polls try
    /// again until it works: detached meanwhile, the reachability check alone would never notice.
    @Test func aRecoveryThatFailedIsRetriedOnTheNextPolls() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, _, assets) = try viewerAndLoader(key)
        defer { withExtendedLifetime(assets) {} }
        defer { reader.close() }
        let holder = SharedMemory(key: key)
        try holder.attach()
        try holder.lock()
        let old = try #require(try SharedMemory.info(key: key).segment?.id)
        #expect(try run("/usr/bin/ipcrm", ["-m", "\(old)"]).status == 0)
        guard case .failed(let first) = reader.poll() else { Issue.record("recovered under a held lock"); return }
        #expect(Messages.pollFailure(first, key: key).contains("making it again failed (retrying)"), "\(first)")
        guard case .failed = reader.poll() else { Issue.record("the retry did not wait for the lock"); return }
        try holder.unlock()
        holder.detach()
        guard case .changed(let fresh) = reader.poll() else { Issue.record("never retried"); return }
        #expect(fresh.isEmpty && reader.recoveryCount == 1)
        #expect(fresh.format == .framed && fresh.generation == 0, "made again but not stamped: writers never wake it")
    }

    @Test func deletedKeyFileIsMadeAgainAndTheOldSegmentIsNotLeaked() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, loader, assets) = try viewerAndLoader(key)
        defer { withExtendedLifetime(assets) {} }
        defer { reader.close() }
        let old = try #require(try SharedMemory.info(key: key).segment?.id)
        #expect(unlink(reader.nativeKey) == 0)
        loader.loadFile("a.txt")
        #expect(loader.outcome?.isNoViewer == true, "\(loader.status)")
        guard case .changed = reader.poll() else { Issue.record("no recovery"); return }
        #expect(reader.lastRecovery?.contains("was deleted") == true)
        var ds = shmid_ds()
        #expect(shmctl(old, IPC_STAT, &ds) == -1)   // the unreachable one was removed, not leaked
        loader.loadFile("a.txt")
        #expect(loader.status == "Loaded file a.txt to shared memory")
    }

    @Test func semaphoreRemovedWithIpcrmIsMadeAgainAndStillExcludes() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, loader, assets) = try viewerAndLoader(key)
        defer { withExtendedLifetime(assets) {} }
        defer { reader.close() }
        let old = try #require(try SharedMemory.info(key: key).semaphore?.id)
        #expect(try run("/usr/bin/ipcrm", ["-s", "\(old)"]).status == 0)
        #expect(reader.poll() == .unchanged)
        loader.loadFile("a.txt")
        #expect(loader.status == "Loaded file a.txt to shared memory")
        guard case .changed(let shown) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("first".utf8))
        let now = try #require(try SharedMemory.info(key: key).semaphore)
        #expect(now.id != old && now.value == 1 && now.permissions == 0o600)

        // Viewer, loader and any other process meet on the new semaphore: a holder blocks them all.
        let holder = SharedMemory(key: key)
        try holder.attach()
        try holder.lock()
        if case .failed = reader.poll() {} else { Issue.record("the reader did not wait for the new lock") }
        loader.loadFile("b.txt")
        #expect(loader.status.hasPrefix("Unable to lock shared memory: "))
        try holder.unlock()
        holder.detach()
        loader.loadFile("b.txt")
        #expect(loader.status == "Loaded file b.txt to shared memory")
    }

    @Test func viewerKilledTheLoaderSaysSoAndARestartWorks() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let assets = try TempAssets()
        try assets.add("a.txt", Array("after restart".utf8))
        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        let viewer = try CtlProcess(["create", "--key", key, "--size", "4096", "--stamp"])
        let pid = viewer.pid
        viewer.kill9()
        var took = Duration.zero
        took = elapsed { loader.loadFile("a.txt") }
        #expect(loader.status.contains("(pid \(pid)) is gone"))
        #expect(loader.status.contains("start the sharedmemory viewer again"))
        #expect(took < .seconds(1))
        // The loader was the last one out: the dead viewer's leftovers are gone.
        #expect(throws: SharedMemoryError.self) { try SharedMemory.info(key: key) }

        let reader = SegmentReader(key: key, size: 4096)
        try reader.open()
        defer { reader.close() }
        loader.loadFile("a.txt")
        #expect(loader.status == "Loaded file a.txt to shared memory")
        _ = reader.poll()
    }

    /// The loader's whole load is bounded by its lock timeout, the viewer's poll by its own.
    @Test func aStuckWriterNeverCostsTheWindowASecond() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, _, assets) = try viewerAndLoader(key)
        defer { reader.close() }
        let loader = FileLoader(key: key, assetsDirectory: assets.url)   // default timeout
        let holder = try CtlProcess(["hold-lock", "--key", key, "--seconds", "60"])
        defer { holder.kill9() }
        for _ in 0..<3 {
            let load = elapsed { loader.loadFile("a.txt") }
            #expect(load < .milliseconds(900), "a load under a held lock took \(load)")
            #expect(loader.status.hasPrefix("Unable to lock shared memory: "))
            #expect(loader.status.contains("pid \(holder.pid)"))
            var result = SegmentReader.Poll.unchanged
            let poll = elapsed { result = reader.poll() }
            #expect(poll < .milliseconds(200))
            if case .failed(let problem) = result { #expect(Messages.pollFailure(problem, key: key).contains("timed out")) } else {
                Issue.record("poll under a held lock gave \(result)")
            }
        }
        holder.kill9()   // SIGKILL while holding: SEM_UNDO frees the lock
        loader.loadFile("a.txt")
        #expect(loader.status == "Loaded file a.txt to shared memory")
        guard case .changed(let shown) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("first".utf8))
    }
}
