import Foundation
import Glibc
import SharedMemory
import Synchronization
import SystemPackage
import Testing
import TestSupport
@testable import SharedFile

/// `BackgroundLoader`: loads off the caller's thread, in order, picks coalesced while one runs.
@Suite struct BackgroundLoaderTests {
    /// Collects outcomes delivered on the loader's thread; waits for them with a deadline.
    final class Outcomes: Sendable {
        private let seen = Mutex<[LoadOutcome]>([])

        func append(_ outcome: LoadOutcome) { seen.withLock { $0.append(outcome) } }

        /// The outcomes once there are `count` of them, or what came within `limit`.
        func wait(for count: Int, within limit: Duration = .seconds(5)) -> [LoadOutcome] {
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline {
                let now = seen.withLock { $0 }
                if now.count >= count { return now }
                Thread.sleep(forTimeInterval: 0.005)
            }
            return seen.withLock { $0 }
        }
    }

    private func setUp(_ key: String, lockTimeout: Duration = .milliseconds(500))
        throws -> (SegmentReader, BackgroundLoader, Outcomes, TempAssets) {
        let files = try TempAssets()
        for (name, text) in [("a.txt", "first"), ("b.txt", "second"), ("c.txt", "third")] {
            try files.add(name, Array(text.utf8))
        }
        let reader = SegmentReader(key: key, size: 4096)
        try reader.open()
        let outcomes = Outcomes()
        let loader = BackgroundLoader(key: key, assetsDirectory: files.url, lockTimeout: lockTimeout) { outcome, _ in
            outcomes.append(outcome)
        }
        return (reader, loader, outcomes, files)
    }

    @Test func theCallerDoesNotWaitAndPicksWaitingBehindALoadAreCoalescedAndNotReported() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, loader, outcomes, files) = try setUp(key, lockTimeout: .milliseconds(400))
        defer { withExtendedLifetime(files) {} }
        defer { reader.close() }
        let holder = SharedMemory(key: key)
        try holder.attach()
        try holder.lock()   // the first load waits for it

        let submitted = elapsed {
            loader.load("a.txt")
            Thread.sleep(forTimeInterval: 0.05)   // a.txt has started and waits for the lock
            loader.load("b.txt")
            loader.load("c.txt")   // replaces b.txt, which has not started
        }
        #expect(submitted < .milliseconds(200), "submitting took \(submitted): the caller waited for the load")
        Thread.sleep(forTimeInterval: 0.1)
        try holder.unlock()   // a.txt gets the lock within its budget and loads
        holder.detach()
        let all = outcomes.wait(for: 1)
        #expect(all == [.loaded(name: "c.txt", report: WriteReport(format: .framed, written: 5, total: 5))],
                "a.txt's outcome, old news once c.txt waited, was delivered")
        #expect(outcomes.wait(for: 2, within: .milliseconds(300)).count == 1)
        guard case .changed(let shown) = reader.poll() else { Issue.record("load not seen"); return }
        #expect(shown.payload == Array("third".utf8))
        #expect(shown.generation == 2, "b.txt ran although c.txt replaced it (generation \(shown.generation))")
        loader.finish()
    }

    @Test func releaseDetachesButNeverDropsAWaitingLoad() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, loader, outcomes, files) = try setUp(key)
        defer { withExtendedLifetime(files) {} }
        defer { reader.close() }
        loader.load("a.txt")
        #expect(outcomes.wait(for: 1).last?.isLoaded == true)
        #expect(try SharedMemory.info(key: key).segment?.attachedCount == 2)
        loader.release()
        loader.waitUntilIdle()
        #expect(try SharedMemory.info(key: key).segment?.attachedCount == 1)
        #expect(outcomes.wait(for: 2, within: .milliseconds(100)).count == 1, "a release reported a status")

        // A release behind a waiting load is dropped; the load still runs.
        let holder = SharedMemory(key: key)
        try holder.attach()
        try holder.lock()
        loader.load("a.txt")
        Thread.sleep(forTimeInterval: 0.05)
        loader.load("b.txt")
        loader.release()
        try holder.unlock()
        holder.detach()
        let all = outcomes.wait(for: 2)   // a.txt's outcome is not delivered: b.txt waited behind it
        #expect(all.count == 2)
        #expect(all.last == .loaded(name: "b.txt", report: WriteReport(format: .framed, written: 6, total: 6)))
        loader.waitUntilIdle()
        #expect(try SharedMemory.info(key: key).segment?.attachedCount == 2, "the release ran after the load")
        loader.finish()
        #expect(try SharedMemory.info(key: key).segment?.attachedCount == 1)
    }

    /// Quitting waits for a running load only so long: a load stuck behind a held lock (or a hung
    /// disk) does not hold the window's quit.
    @Test func finishWaitsForARunningLoadAtMostItsLimit() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let (reader, loader, outcomes, files) = try setUp(key, lockTimeout: .seconds(3))
        defer { withExtendedLifetime(files) {} }
        defer { reader.close() }
        let holder = SharedMemory(key: key)
        try holder.attach()
        try holder.lock()
        loader.load("a.txt")
        Thread.sleep(forTimeInterval: 0.1)   // the load now waits for the lock
        var finished = true
        let took = elapsed { finished = loader.finish(within: .milliseconds(200)) }
        #expect(!finished && took < .seconds(1), "finish took \(took)")
        try holder.unlock()
        holder.detach()
        let last = outcomes.wait(for: 1).last
        #expect(last?.isLoaded == true, "\(String(describing: last))")
        #expect(loader.finish(within: .seconds(3)))
    }

    /// Issue 20: the window lists through `onListingThread` and `AssetsFolder.listing`, the path
    /// tested here (a `listFiles` only tests used is gone).
    @Test func listingNamesTheProblem() throws {
        let loader = BackgroundLoader(key: uniqueKey(), assetsDirectory: URL(fileURLWithPath: "/nonexistent-assets")) { _, _ in }
        let listed = DispatchSemaphore(value: 0)
        final class Seen: Sendable { let listing = Mutex<Result<[String], FileProblem>?>(nil) }
        let seen = Seen()
        loader.onListingThread { assets in
            seen.listing.withLock { $0 = assets.listing(changed: [Array("a.txt".utf8)], after: nil) }
            listed.signal()
        }
        #expect(listed.wait(timeout: .now() + 5) == .success)
        #expect(seen.listing.withLock { $0 } == .failure(.folderUnusable(path: "/nonexistent-assets", .noSuchFileOrDirectory)))
    }

    /// A change is applied to the last listing; without one the whole folder is read.
    @Test func aListingAfterAChangeChecksOnlyTheChangedNames() throws {
        let files = try TempAssets()
        try files.add("b.txt", Array("b".utf8))
        let folder = AssetsFolder(files.url)
        #expect(folder.listing(changed: nil, after: ["stale.txt"]) == .success(["b.txt"]))
        try files.add("a.txt", Array("a".utf8))
        // Only a.txt is checked: b.txt stays because the last listing had it, stale.txt because
        // nobody said it changed.
        #expect(folder.listing(changed: [Array("a.txt".utf8)], after: ["b.txt", "stale.txt"]) == .success(["a.txt", "b.txt", "stale.txt"]))
    }

    /// Issue 20: each outcome comes with the ticket of its own request, so that a file picked
    /// outside the folder and a listed file of the same name are never confused (the window
    /// matched them by name).
    @Test func outcomesComeWithTheTicketOfTheirRequest() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let files = try TempAssets()
        try files.add("same.txt", Array("listed".utf8))
        let elsewhere = try TempAssets()
        #expect(mkfifo(elsewhere.path("same.txt"), 0o600) == 0)   // a FIFO: refused, never recent
        let reader = SegmentReader(key: key, size: 4096)
        try reader.open()
        defer { reader.close() }
        final class Seen: Sendable { let all = Mutex<[(LoadOutcome, BackgroundLoader.Ticket)]>([]) }
        let seen = Seen()
        let loader = BackgroundLoader(key: key, assetsDirectory: files.url) { outcome, ticket in
            seen.all.withLock { $0.append((outcome, ticket)) }
        }
        let listed = loader.load("same.txt")
        loader.waitUntilIdle()
        let picked = loader.load(at: URL(fileURLWithPath: elsewhere.path("same.txt")))
        loader.waitUntilIdle()
        #expect(listed != picked)
        let all = seen.all.withLock { $0 }
        #expect(all.count == 2)
        #expect(all.first?.1 == listed && all.first?.0.isLoaded == true)
        #expect(all.last?.1 == picked && all.last?.0 == .fileProblem(name: "same.txt", .notRegularFile(.fifo)))
        #expect(all.first?.0.fileName == all.last?.0.fileName, "the same name: only the tickets tell them apart")
        loader.finish()
    }
}
