import Foundation
import Messages
import SystemPackage
import Testing
@testable import SharedFile

/// What a drop on the loader window loads, and what it says when it loads nothing (issue 12).
@Suite struct DroppedFilesTests {
    @Test func oneLocalFileIsChosen() {
        #expect(DroppedFiles.choose(uris: ["file:///tmp/a%20b.txt"]) == .success(URL(fileURLWithPath: "/tmp/a b.txt")))
        #expect(DroppedFiles.choose(uris: ["file://localhost/tmp/x"]) == .success(URL(fileURLWithPath: "/tmp/x")))
        // A uri-list ends with CRLF: GTK splits it, an empty last item is no file.
        #expect(DroppedFiles.choose(uris: ["file:///tmp/x", ""]) == .success(URL(fileURLWithPath: "/tmp/x")))
    }

    @Test func everythingElseIsRefused() {
        #expect(DroppedFiles.choose(uris: []) == .failure(.nothing))
        #expect(DroppedFiles.choose(uris: ["http://example.com/a.txt"]) == .failure(.notLocalFile("http://example.com/a.txt")))
        #expect(DroppedFiles.choose(uris: ["sftp://host/a.txt"]) == .failure(.notLocalFile("sftp://host/a.txt")))
        #expect(DroppedFiles.choose(uris: ["file://elsewhere.example/a.txt"]) == .failure(.notLocalFile("file://elsewhere.example/a.txt")))
        #expect(DroppedFiles.choose(uris: ["/tmp/a.txt"]) == .failure(.notLocalFile("/tmp/a.txt")))   // a path is no URI
        #expect(DroppedFiles.choose(uris: ["file:///a", "file:///b"]) == .failure(.severalFiles(count: 2)))
    }

    @Test func refusalsAndGoneFilesAreSaid() {
        #expect(Messages.dropRefused(.notLocalFile("http://x/y")).contains("\"http://x/y\" is not a file on this computer"))
        #expect(Messages.dropRefused(.severalFiles(count: 3)).contains("3 files were dropped"))
        #expect(Messages.recentFileGone("/tmp/gone.txt").hasPrefix("Unable to open file: /tmp/gone.txt is gone"))
        let gone = LoadOutcome.fileProblem(name: "gone.txt", .system(.noSuchFileOrDirectory))
        #expect(gone.isMissingFile(named: "gone.txt"))
        #expect(!gone.isMissingFile(named: "other.txt"))
        #expect(!LoadOutcome.fileProblem(name: "gone.txt", .system(.permissionDenied)).isMissingFile(named: "gone.txt"))
        #expect(gone.fileName == "gone.txt" && gone.isFileFailure)
        #expect(LoadOutcome.readFailed(name: "r", .ioError, stored: nil).isFileFailure)
        #expect(LoadOutcome.viewerGone(key: "k", creator: nil).fileName == nil)
        #expect(!LoadOutcome.viewerGone(key: "k", creator: nil).isFileFailure)   // the file may be fine: offered again
    }
}
