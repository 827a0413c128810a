import Foundation
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
        let loader = BackgroundLoader(key: key, assetsDirectory: files.url, lockTimeout: lockTimeout) {
            outcomes.append($0)
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

    @Test func listingNamesTheProblem() throws {
        let loader = BackgroundLoader(key: uniqueKey(), assetsDirectory: URL(fileURLWithPath: "/nonexistent-assets")) { _ in }
        let listed = DispatchSemaphore(value: 0)
        final class Seen: Sendable { let listing = Mutex<Result<[String], FileProblem>?>(nil) }
        let seen = Seen()
        loader.listFiles { result in
            seen.listing.withLock { $0 = result }
            listed.signal()
        }
        #expect(listed.wait(timeout: .now() + 5) == .success)
        #expect(seen.listing.withLock { $0 } == .failure(.folderUnusable(path: "/nonexistent-assets", .noSuchFileOrDirectory)))
    }
}
