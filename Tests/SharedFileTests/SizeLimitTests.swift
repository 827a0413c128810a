import Foundation
import Messages
import Testing
import TestSupport
@testable import SharedFile

/// One size limit everywhere, the exact size a file needs, and a load that stores nothing is a failure.
@Suite struct SizeLimitTests {
    /// GLib puts a no-break space between the number and the unit.
    @Test func sizesAreWrittenTheGLibWay() {
        #expect(ByteCount.format(512) == "512 bytes")
        #expect(ByteCount.format(1 << 20) == "1.0\u{00A0}MiB")
        #expect(ByteCount.format(921_888 * 1024) == "900.3\u{00A0}MiB")
        #expect(ByteCount.formatExact(1 << 30) == "1.0\u{00A0}GiB (1073741824 bytes)")
    }

    @Test func aFileOfExactlyTheSegmentSizeGetsTheSizeThatHoldsIt() {
        let report = WriteReport(format: .framed, written: (1 << 20) - 320, total: 1 << 20)
        #expect(Messages.status(.loaded(name: "m.bin", report: report)).hasSuffix(
            "start the viewer with --size 1048896 or more to load it whole."))
        let seed = WriteReport(format: .seed, written: 99, total: 200)
        #expect(Messages.status(.loaded(name: "s", report: seed)).contains("--size 201 or more"))
    }

    @Test func aFileOverTheLimitIsNotToldToUseALargerSize() {
        let report = WriteReport(format: .framed, written: 10, total: 1 << 31)
        #expect(Messages.status(.loaded(name: "huge", report: report)).hasSuffix(
            "the file is larger than the largest segment (1.0\u{00A0}GiB)."))
    }

    @Test(arguments: [(320, false), (321, true), (1 << 30, true), ((1 << 30) + 1, false), (0, false), (-1, false)])
    func theFramedSegmentLimits(size: Int, fits: Bool) {
        #expect((SegmentLimits.problem(framedSize: size) == nil) == fits)
    }

    /// The case: a 1-byte (seed) segment, a 6-byte file: was "loaded 0 of 6 bytes", exit 0.
    @Test func aLoadThatStoresNothingFails() throws {
        let key = uniqueKey()
        defer { removeLeftovers(key) }
        let viewer = try CtlProcess(["create", "--key", key, "--size", "1"])
        defer { viewer.kill9() }
        let assets = try TempAssets()
        try Data("hello\n".utf8).write(to: assets.url.appendingPathComponent("six.txt"))
        let loader = FileLoader(key: key, assetsDirectory: assets.url)
        loader.loadFile("six.txt")
        #expect(loader.outcome == .nothingStored(name: "six.txt", report: WriteReport(format: .seed, written: 0, total: 6)))
        #expect(loader.status == "Unable to load file six.txt: the segment has no room for any of its 6 bytes."
                + "\nThe segment is too small; start the viewer with --size 7 or more to load it whole.")
    }
}
