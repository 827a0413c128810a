import Foundation
import Testing
@testable import SharedFile

/// A folder change applied to the last listing (issue 14): the same list as listing the folder again.
struct FolderChangeTests {
    @Test func aVerdictPutsANameInPlaceOrTakesItOut() {
        let listed = ["a", "file-1.txt", "file-2.txt", "file-10.txt"]
        #expect(AssetsFolder.applying([("file-3.txt", true)], to: listed) == ["a", "file-1.txt", "file-2.txt", "file-3.txt", "file-10.txt"])
        #expect(AssetsFolder.applying([("file-2.txt", false)], to: listed) == ["a", "file-1.txt", "file-10.txt"])
        #expect(AssetsFolder.applying([("0", true), ("z", true)], to: listed) == ["0"] + listed + ["z"])
        // A rewritten file is checked again and stays once; a name not listed and gone changes nothing.
        #expect(AssetsFolder.applying([("file-1.txt", true), ("nothing", false)], to: listed) == listed)
        #expect(AssetsFolder.applying([("x", true)], to: []) == ["x"])
    }

    @Test func changesGiveWhatAFullListingGives() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("change-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        for i in 0..<50 { _ = FileManager.default.createFile(atPath: path("f\(i)"), contents: nil) }
        let assets = AssetsFolder(folder)
        let before = try assets.fileNames()
        _ = FileManager.default.createFile(atPath: path("f7b"), contents: nil)        // created
        try FileManager.default.removeItem(atPath: path("f3"))                          // deleted
        try FileManager.default.moveItem(atPath: path("f4"), toPath: path("F40"))      // renamed
        try FileManager.default.createDirectory(atPath: path("g"), withIntermediateDirectories: false)   // not a file
        try FileManager.default.createSymbolicLink(atPath: path("out"), withDestinationPath: "/etc/hostname")
        _ = FileManager.default.createFile(atPath: path(".hidden"), contents: nil)
        let names = ["f7b", "f3", "f4", "F40", "g", "out", ".hidden", "f10"].map { Array($0.utf8) }
        let applied = assets.applying(changed: names, to: before)
        #expect(applied == (try assets.fileNames()))
        #expect(applied.contains("f7b") && !applied.contains("f3") && applied.contains("F40") && !applied.contains("g"))
    }

    @Test func aNameThatIsNotUTF8IsListedByItsBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("change-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let raw: [UInt8] = [0x61, 0xFF, 0x62]
        let fd = (Array(folder.path.utf8) + [0x2F] + raw + [0]).withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        #expect(fd >= 0)
        close(fd)
        let applied = AssetsFolder(folder).applying(changed: [raw], to: [])
        #expect(applied == (try AssetsFolder(folder).fileNames()))
        #expect(applied.count == 1)
    }
}
