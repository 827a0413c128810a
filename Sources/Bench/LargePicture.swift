import Foundation
import Glibc

/// A 6000 × 6000 PNG (36 Mpx) loaded into the real viewer: the longest main-loop gap from the load
/// until 1 s after the decoded picture was handed to the Picture view (its first draws included),
/// the time to that hand-over, the decode on its thread, and the viewer's peak memory. Baseline: the
/// longest gap of a 10 KiB text load in the same viewer.
struct LargePicture {
    let effort: Effort
    let workspace: Workspace
    let viewer: String

    static let side = 6000

    func run() throws -> [Figure] {
        let png = Self.png(side: Self.side)
        let name = "picture-\(Self.side).png"
        guard FileManager.default.createFile(atPath: workspace.directory.appendingPathComponent(name).path, contents: Data(png)) else {
            throw Child.Failure(description: "cannot write \(name)")
        }
        let text = try workspace.file(size: 10 << 10)
        var floor: [Double] = [], gaps: [Double] = [], shown: [Double] = [], decode: [Double] = [], peak: [Double] = []
        for _ in 0..<effort.largeTextRuns {
            let session = try ViewerSession(viewer: viewer, workspace: workspace, purpose: "picture", size: png.count + 320)
            session.collectEvents(for: 0.3)
            _ = try session.load(text)
            _ = try session.waitForRender()
            let textGeneration = String(session.generation)
            session.collectEvents(for: 3) { $0.event == "ticks" && $0.generation == textGeneration }
            if let gap = session.events.last(where: { $0.event == "ticks" && $0.generation == textGeneration })?.microseconds("max_gap_us") {
                floor.append(gap / 1000)
            }
            session.events.removeAll()
            let end = try session.load(name)
            _ = try session.waitForRender(timeout: 60)
            let generation = String(session.generation)
            session.collectEvents(for: 60) { $0.event == "ticks" && $0.generation == generation }
            if let picture = session.events.first(where: { $0.event == "picture" }) {
                if let at = picture.nanoseconds { shown.append(Double(at - end) / 1e6) }
                if let micros = picture.microseconds("decode_us") { decode.append(micros / 1000) }
            }
            if let gap = session.events.last(where: { $0.event == "ticks" && $0.generation == generation })?.microseconds("max_gap_us") {
                gaps.append(gap / 1000)
            }
            if let hwm = ProcessStats.statusBytes(session.pid, "VmHWM") { peak.append(Double(hwm) / 1048576) }
            session.child.terminate()
        }
        let missing = "the viewer printed no event=picture / event=ticks line (docs/PERFORMANCE.md)"
        let base = Figure("picture_floor_gap_ms", "same-run baseline: longest main-loop gap around a 10 KiB text load, same viewer",
                          unit: "ms", samples: floor)
        return [
            base,
            Figure("picture_6000_max_gap_ms", "6000 x 6000 PNG: longest main-loop gap, load to 1 s after the picture is shown",
                   unit: "ms", samples: gaps, note: gaps.isEmpty ? missing : nil)
                .against(base).target("<= 50 ms") { $0.p95 <= 50 },
            Figure("picture_6000_shown_ms", "6000 x 6000 PNG: loader write end to the decoded picture handed to the view",
                   unit: "ms", samples: shown, note: shown.isEmpty ? missing : nil),
            Figure("picture_6000_decode_ms", "6000 x 6000 PNG: decode on its thread (GdkPixbuf, cairo levels)",
                   unit: "ms", samples: decode, note: decode.isEmpty ? missing : nil),
            Figure("picture_6000_rss_peak_mib", "6000 x 6000 PNG: viewer VmHWM after showing it",
                   unit: "MiB", samples: peak).target("< 500 MiB") { $0.p95 < 500 },
        ]
    }

    /// A palette PNG of `side` × `side` pixels (diagonal colour bands) in stored deflate blocks: no
    /// zlib needed here, and 36 MB that the viewer inflates and expands to RGB.
    static func png(side: Int) -> [UInt8] {
        var raw = [UInt8]()
        raw.reserveCapacity(side * (side + 1))
        for y in 0..<side {
            raw.append(0)
            for x in 0..<side { raw.append(UInt8(truncatingIfNeeded: (x + y) / 24)) }
        }
        var palette = [UInt8]()
        for index in 0..<256 { palette += [UInt8(index), UInt8(255 - index), UInt8((index * 7) & 0xFF)] }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        while offset < raw.count {
            let count = min(65535, raw.count - offset)
            zlib.append(offset + count == raw.count ? 1 : 0)
            zlib += [UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + count)]
            offset += count
        }
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        zlib += bigEndian(b << 16 | a)
        var header = bigEndian(UInt32(side)) + bigEndian(UInt32(side))
        header += [8, 3, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("PLTE", palette)
            + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        var crc: UInt32 = 0xFFFFFFFF
        for byte in body { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc ^ 0xFFFFFFFF)
    }
}
