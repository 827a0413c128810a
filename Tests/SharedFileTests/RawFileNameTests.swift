import Foundation
import SystemPackage
import Testing
import TestSupport
@testable import SharedFile

/// Names that are not valid UTF-8: listed (shown repaired), opened by their real bytes.
@Suite struct RawFileNameTests {
    /// Creates `bytes` (a name) in `folder` with `content`, by the raw bytes.
    private func create(_ bytes: [UInt8], in folder: URL, content: String) throws {
        let path = Array(folder.path.utf8) + [0x2F] + bytes + [0]
        let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
        #expect(fd >= 0)
        _ = Array(content.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    @Test func anInvalidNameIsListedShownRepairedAndLoadedByItsBytes() throws {
        let assets = try TempAssets()
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".txt".utf8)      // "café.txt" in Latin-1
        let cut: [UInt8] = Array("cut-".utf8) + [0xE2, 0x82] + Array("-end".utf8)   // a truncated "€"
        try create(latin1, in: assets.url, content: "latin-1 name\n")
        try create(cut, in: assets.url, content: "cut name\n")
        try assets.add("plain.txt", Array("plain\n".utf8))

        let names = try AssetsFolder(assets.url).fileNames()
        #expect(Set(names) == ["caf/E9.txt", "cut-/E2/82-end", "plain.txt"])
        #expect(DisplayName.shown("caf/E9.txt") == "caf\u{FFFD}.txt")
        #expect(DisplayName.shown("cut-/E2/82-end") == "cut-\u{FFFD}\u{FFFD}-end")
        #expect(DisplayName.shown("plain.txt") == "plain.txt")
        for (name, content) in [("caf/E9.txt", "latin-1 name\n"), ("cut-/E2/82-end", "cut name\n")] {
            let file = try AssetsFolder(assets.url).open(name)
            var buffer = [UInt8](repeating: 0, count: 64)
            let read = buffer.withUnsafeMutableBytes { AssetsFolder.read(file.descriptor, into: $0) }
            #expect(Array(buffer[0..<read.count]) == Array(content.utf8))
        }
    }

    @Test func theEncodingRoundTripsAnyBytesAndLeavesValidNamesAlone() {
        var random = SplitMix64(seed: 14)
        for _ in 0..<2000 {
            let bytes = (0..<random.below(24)).map { _ in UInt8(1 + random.below(255)) }.filter { $0 != 0x2F }
            let name = RawFileName.string(bytes)
            #expect(RawFileName.bytes(name) == bytes)
            if String(validating: bytes, as: UTF8.self) != nil { #expect(name == String(decoding: bytes, as: UTF8.self)) }
        }
    }

    @Test(arguments: ["a/2Fb", "/2E/2E", "/2E", "x/00y"])
    func anEncodedSlashDotsOrNulIsNotAName(name: String) throws {
        let assets = try TempAssets()
        #expect(throws: FileProblem.notAName) { try AssetsFolder(assets.url).open(name) }
    }
}
