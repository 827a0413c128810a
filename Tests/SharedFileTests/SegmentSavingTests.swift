import Foundation
import SharedMemory
import Synchronization
import SystemPackage
import Testing
import TestSupport
@testable import SharedFile

/// `BackgroundReader.save`: the file gets what the segment holds, the whole payload (also past the
/// display limit the polls copy), binary included, read again under the lock.
@Suite struct SegmentSavingTests {
    final class Waiter: Sendable {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<SaveOutcome?>(nil)
        func callAsFunction(_ outcome: SaveOutcome) {
            self.outcome.withLock { $0 = outcome }
            done.signal()
        }
        func wait() -> SaveOutcome? {
            done.wait(timeout: .now() + 10) == .success ? outcome.withLock { $0 } : nil
        }
    }

    @Test func theSavedFileHoldsTheSegmentsWholePayload() throws {
        let key = uniqueKey("save")
        defer { removeLeftovers(key) }
        let assets = try TempAssets()
        let folder = try TempFolder()
        // Past the display limit, which the polls' copies stop at: the save must not.
        let size = DisplayText.defaultLimit + (1 << 20)
        var random = SplitMix64(seed: 99)
        let bytes = AtomicFileWriterTests.binary
            + (0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let reader = BackgroundReader<Int>(key: key, size: size + 4096) { snapshot, _ in snapshot.payload.count }
        let opened = DispatchSemaphore(value: 0)
        reader.open({ _ in opened.signal() }, updated: {})
        #expect(opened.wait(timeout: .now() + 5) == .success)
        defer { reader.close() }

        let empty = Waiter()
        reader.save(to: folder.path("none.bin"), empty.callAsFunction)
        #expect(empty.wait() == .nothingLoaded)

        try assets.add("data.bin", bytes)
        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        loader.loadFile("data.bin")
        guard case .loaded = loader.outcome else { Issue.record("not loaded: \(String(describing: loader.outcome))"); return }
        loader.releaseSegment()

        let saved = Waiter()
        reader.save(to: folder.path("copy.bin"), saved.callAsFunction)
        #expect(saved.wait() == .saved(folder.path("copy.bin"), bytes: bytes.count))
        #expect(try folder.bytes("copy.bin") == bytes)
        #expect(folder.names() == ["copy.bin"])

        let failed = Waiter()
        reader.save(to: folder.path("missing").appending("x.bin"), failed.callAsFunction)
        guard case .failed(let problem) = failed.wait() else { Issue.record("saved into a missing folder"); return }
        #expect(problem.kind == .folderGone)

        // Quitting during a save: the reader closes, then the saves are waited for. A save not
        // copied yet says so; one copied is finished. Never a temporary file left behind.
        let last = Waiter()
        reader.save(to: folder.path("last.bin"), last.callAsFunction)
        #expect(reader.close(within: .seconds(5)))
        #expect(SegmentSaving.finish(within: .seconds(5)))
        let names = folder.names()
        switch last.wait() {
        case .saved(_, let count):
            #expect(count == bytes.count && names == ["copy.bin", "last.bin"])
            #expect(try folder.bytes("last.bin") == bytes)
        case .notOpen: #expect(names == ["copy.bin"])
        case let other: Issue.record("quitting during a save gave \(String(describing: other))")
        }
    }

    /// Save As writes the version that was on screen when the user chose it (issue 23: a load while
    /// the dialog was open put welcome.html's bytes under the name about.txt, and said "Saved").
    @Test func contentLoadedWhileTheDialogIsOpenIsNotSavedUnderTheShownName() throws {
        let key = uniqueKey("save-changed")
        defer { removeLeftovers(key) }
        let assets = try TempAssets()
        let folder = try TempFolder()
        try assets.add("about.txt", Array("about this program\n".utf8))
        try assets.add("welcome.html", Array("<p>welcome</p>\n".utf8))
        // Each version shown, with the file it shows: the first poll's empty segment may be
        // reported after the open, so a version is taken by its name, not by its place.
        let versions = Mutex<[(name: String?, version: ContentVersion)]>([])
        let polled = DispatchSemaphore(value: 0)
        let reader = BackgroundReader<String?>(key: key, size: 4096) { snapshot, _ in snapshot.fileName }
        reader.open({ _ in polled.signal() }, updated: {
            if let content = reader.takeUpdate()?.content {
                versions.withLock { $0.append((content.display, content.version)) }
            }
            polled.signal()
        })
        #expect(polled.wait(timeout: .now() + 5) == .success)
        defer { reader.close() }
        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        defer { loader.releaseSegment() }

        func shownVersion(after name: String) -> ContentVersion? {
            loader.loadFile(name)
            let shown = { versions.withLock { $0.last(where: { $0.name == name })?.version } }
            for _ in 0..<100 where shown() == nil {
                reader.requestPoll()
                _ = polled.wait(timeout: .now() + 0.05)
            }
            return shown()
        }
        guard let about = shownVersion(after: "about.txt") else { Issue.record("about.txt never shown"); return }
        // The dialog opens on about.txt; welcome.html is loaded before the user presses Save.
        guard let welcome = shownVersion(after: "welcome.html") else { Issue.record("welcome.html never shown"); return }
        #expect(about != welcome)

        let stale = Waiter()
        reader.save(to: folder.path("about.txt"), showing: about, stale.callAsFunction)
        #expect(stale.wait() == .contentChanged(now: "welcome.html"))
        #expect(folder.names() == [], "a file was written: \(folder.names())")

        let current = Waiter()
        reader.save(to: folder.path("welcome.html"), showing: welcome, current.callAsFunction)
        #expect(current.wait() == .saved(folder.path("welcome.html"), bytes: 15))
        #expect(try folder.bytes("welcome.html") == Array("<p>welcome</p>\n".utf8))
    }

    /// The seed format has no generation: its version is its length and bytes, so the same length
    /// with other bytes is another version, and the same bytes written again are the same one.
    @Test func seedVersionsAreTheirBytes() {
        let a = Snapshot(format: .seed, payload: Array("hello".utf8), originalSize: 5)
        let b = Snapshot(format: .seed, payload: Array("jello".utf8), originalSize: 5)
        #expect(a.version() == Snapshot(format: .seed, payload: Array("hello".utf8), originalSize: 5).version())
        #expect(a.version() != b.version())
        // A viewer that copied only the first 3 bytes compares those (and the length).
        let partial = Snapshot(format: .seed, payload: Array("hel".utf8), storedLength: 5, originalSize: 5)
        #expect(a.version(digesting: 3) == partial.version())
        #expect(b.version(digesting: 3) != partial.version())
        // Framed: the generation decides, not the name.
        let one = Snapshot(format: .framed, payload: [1], fileName: "x", originalSize: 1, generation: 1)
        let two = Snapshot(format: .framed, payload: [1], fileName: "x", originalSize: 1, generation: 2)
        #expect(one.version() != two.version())
    }
}
