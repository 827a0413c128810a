import Foundation
import Testing
@testable import SharedFile

/// The loader's listing of a big folder: the order shown and the grouping of long lists.
struct ListingTests {
    /// Case folding follows the locale (none in the test process); numbers sort by value in any.
    @Test func numbersSortByValue() {
        #expect(AssetsFolder.sortedForDisplay(["file-10.txt", "file-2.txt", "file-1.txt", "b", "a"])
                == ["a", "b", "file-1.txt", "file-2.txt", "file-10.txt"])
    }

    @Test(arguments: [(0, nil), (200, nil), (201, 100), (10_000, 100), (10_001, 101), (100_000, 317)] as [(Int, Int?)])
    func longListsAreGroupedBySquareRoot(count: Int, size: Int?) {
        #expect(ListGrouping(count: count).size == size)
    }

    @Test func aBigFolderIsListedWhole() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("listing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for i in 0..<2_000 { _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("f\(i)").path, contents: nil) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("out").path, withDestinationPath: "/etc/hostname")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("in").path, withDestinationPath: "f1")
        let names = try AssetsFolder(folder).fileNames()
        #expect(names.count == 2_001)   // the files and the link inside, not the folder or the link out
        #expect(names.first == "f0" && names.last == "in" && names[10] == "f10")
    }
}
