import Foundation
import Messages
import SharedMemory
import SystemPackage
import Testing
@testable import SharedFile

/// The one table of words: the seed's sentences stay what users read, and each outcome says its
/// cause and what to do.
@Suite struct MessagesTests {
    @Test func loadedAndTruncatedLoadsSaySoAndHowToFixIt() {
        #expect(Messages.status(.loaded(name: "a.txt", report: WriteReport(format: .framed, written: 5, total: 5)))
                == "Loaded file a.txt to shared memory")
        #expect(Messages.status(.loaded(name: "big", report: WriteReport(format: .framed, written: 10, total: 30)))
                == "Loaded file big to shared memory (truncated: 10 of 30 bytes)"
                + "\nThe segment is too small; start the viewer with --size 350 or more to load it whole.")
        let stream = WriteReport(format: .framed, written: 10, total: 11, totalIsLowerBound: true)
        #expect(Messages.status(.loaded(name: "stdin", report: stream)).hasPrefix(
            "Loaded file stdin to shared memory (truncated: 10 bytes, the input is longer)"))
        let nul = WriteReport(format: .seed, written: 3, total: 9, stoppedAtNUL: true)
        #expect(Messages.status(.loaded(name: "b", report: nul)).contains("ends at the file's first NUL byte"))
    }

    @Test func failuresNameTheCauseAndTheRemedy() {
        #expect(Messages.status(.fileProblem(name: "p", .notRegularFile(.fifo)))
                == "Unable to open file: p is a FIFO (named pipe), not a regular file")
        #expect(Messages.status(.fileProblem(name: "zero", .notRegularFile(.device)))
                == "Unable to open file: zero is a device, not a regular file")
        #expect(Messages.status(.fileProblem(name: "x", .system(.noSuchFileOrDirectory)))
                == "Unable to open file: x: No such file or directory (ENOENT)")
        #expect(Messages.status(.readFailed(name: "x", .ioError, stored: nil))
                == "Unable to read file x: Input/output error (EIO)"
                + "\nThe segment was not changed; check the file and pick it again.")
        #expect(Messages.status(.readFailed(name: "x", .ioError, stored: 7)).hasSuffix("holds only its first 7 bytes."))
        // Issue 23: our own words, once, without the library's "attach:" and its backticks; the
        // ctl's words tell a terminal user to run the command again, not to pick the file.
        let missing = SharedMemoryError(.notFound, "attach: no segment; `sharedmemory` must be started first")
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        #expect(Messages.status(.noViewer(missing)) == "Unable to load: no viewer is running for this key (none found in \(folder))."
                + "\nStart the sharedmemory viewer first, then pick the file again.")
        #expect(Messages.status(.noViewer(missing), for: .terminal).hasSuffix("\nStart the sharedmemory viewer first, then run this command again."))
        for outcome in [LoadOutcome.noViewer(missing), .viewerGone(key: "k", creator: 42), .viewerGone(key: "k", creator: nil),
                        .readFailed(name: "x", .ioError, stored: nil)] {
            #expect(Messages.status(outcome).contains("pick"))
            #expect(!Messages.status(outcome, for: .terminal).contains("pick"))
            #expect(!Messages.status(outcome).contains("`"))
        }
        let busy = SharedMemoryError(.lockError, "held by pid 7")
        #expect(Messages.status(.lockBusy(busy)) == "Unable to lock shared memory: held by pid 7"
                + "\nThe file was not loaded; try again when the writer is done.")
        #expect(Messages.status(.viewerGone(key: "k", creator: 42)).contains("(pid 42) is gone; the file was not loaded."))
        #expect(Messages.assetsFolder(.noAssetsFolder(tried: ["/a", "/b"]))
                == "No assets folder found (tried /a, /b). Pass one with --assets DIR.")
    }
}
