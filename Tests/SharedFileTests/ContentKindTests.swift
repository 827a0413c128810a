import Foundation
import Testing
@testable import SharedFile

/// A 3 × 2 red PNG (RGB, 8 bits), made with zlib: a real file, IEND included.
let redPNG: [UInt8] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0x12, 0x16, 0xf1, 0x4d, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41,
    0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x41, 0x0c, 0x70, 0x16, 0x00, 0x41, 0xd2, 0x05, 0xfb, 0x87, 0xf0, 0xb9,
    0x48, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
]

@Suite struct ContentKindTests {
    @Test func picturesByTheirSignature() {
        #expect(ContentKind.detect(redPNG) == .picture(.png))
        #expect(ContentKind.detect([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10] + Array("JFIF".utf8)) == .picture(.jpeg))
        #expect(ContentKind.detect(Array("GIF89a".utf8) + [1, 0, 1, 0]) == .picture(.gif))
        #expect(ContentKind.detect(Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8 ".utf8)) == .picture(.webp))
        #expect(ContentKind.detect([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0]) == .picture(.tiff))
        #expect(ContentKind.detect([0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8]) == .picture(.tiff))
        var bmp = Array("BM".utf8) + [UInt8](repeating: 0, count: 52)
        bmp[14] = 40
        #expect(ContentKind.detect(bmp) == .picture(.bmp))
        let ico: [UInt8] = [0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0] + [UInt8](repeating: 0, count: 12)
        #expect(ContentKind.detect(ico) == .picture(.ico))
    }

    @Test func theBytesDecideNotAName() {
        // "BM" starting a text is not a bitmap; "<svg" inside a text is not a picture.
        #expect(ContentKind.detect(Array("BMW and Audi are car makers, and this line is long enough.".utf8)) == .text)
        #expect(ContentKind.detect(Array("Use <svg> elements for vector pictures.\n".utf8)) == .text)
    }

    @Test func svgAfterDeclarationCommentAndDoctype() {
        let svg = """
        \u{FEFF}<?xml version="1.0"?>
        <!-- made by hand -->
        <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
        <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>
        """
        #expect(ContentKind.detect(Array(svg.utf8)) == .picture(.svg))
        #expect(ContentKind.detect(Array("<svgfoo/>".utf8)) == .text)
    }

    @Test func textBinaryAndTheHardCases() {
        #expect(ContentKind.detect([UInt8]()) == .text)
        #expect(ContentKind.detect(Array("Grüße, 世界 🙂\n".utf8)) == .text)
        // One stray NUL in a text file keeps it text; an ELF header is binary.
        #expect(ContentKind.detect(Array("line one\n".utf8) + [0] + Array("line two\n".utf8)) == .text)
        let elf: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 56)
        #expect(ContentKind.detect(elf) == .binary)
        // Latin-1 text (invalid UTF-8 above 0xA0) is still text.
        #expect(ContentKind.detect(Array("Gr".utf8) + [0xFC, 0xDF] + Array("e aus K".utf8) + [0xF6] + Array("ln\n".utf8)) == .text)
        // UTF-16 with and without a byte-order mark is binary (the text view reads UTF-8).
        #expect(ContentKind.detect([0xFF, 0xFE] + Array("hello".utf16.flatMap { [UInt8($0), 0] })) == .binary)
        #expect(ContentKind.detect(Array("hello world".utf16.flatMap { [UInt8($0), 0] })) == .binary)
    }

    @Test func randomBytesAreBinary() {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Could only be text or a picture by a fluke far below one in a billion.
        #expect(ContentKind.detect(random) == .binary)
    }

    @Test func aUTF8CharacterCutByTheSampleIsNotSuspicious() {
        let text = [UInt8](repeating: 0x61, count: ContentKind.sampleSize - 1) + Array("é".utf8) + Array("tail".utf8)
        #expect(ContentKind.detect(text) == .text)
    }

    @Test func declaredSizes() {
        #expect(PictureHeader.read(redPNG, format: .png) == PictureHeader(format: .png, width: 3, height: 2))
        var huge = redPNG
        huge.replaceSubrange(16..<24, with: [0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60])
        #expect(PictureHeader.read(huge, format: .png)?.pixels == 60000 * 60000)
        #expect(PictureHeader.read(Array("GIF89a".utf8) + [0x10, 0x27, 0x20, 0x00], format: .gif) == PictureHeader(format: .gif, width: 10000, height: 32))
        // JPEG: APP0 skipped by its length, then SOF0 gives height 0x0102, width 0x0304.
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0x02, 0x03, 0x04, 0x03]
        #expect(PictureHeader.read(jpeg, format: .jpeg) == PictureHeader(format: .jpeg, width: 0x0304, height: 0x0102))
        #expect(PictureHeader.read(Array(redPNG.prefix(20)), format: .png) == nil)
    }
}

@Suite struct QtImageStreamTests {
    @Test func theExampleLayoutIsReadAsAPicture() {
        // The segment is larger than what was written (an older, bigger segment): the PNG ends at IEND.
        let segment = FakeSegment(size: 4096, fill: 0xCD)
        let stream = QtImageStream.encode(redPNG)
        #expect(Array(stream.prefix(4)) == [0, 0, 0, 1])
        segment.buffer.copyBytes(from: stream)
        let snapshot = SegmentContent.read(segment.readOnly)
        #expect(snapshot.format == .qtImage)
        #expect(snapshot.payload == redPNG)
        #expect(!snapshot.isEmpty)
        #expect(ContentKind.detect(snapshot.payload) == .picture(.png))
        // Unchanged: no copy; another picture of the same length: changed.
        var detector = ChangeDetector()
        func poll() -> Snapshot? {
            guard let next = ChangeDetector.changed(segment.readOnly, since: detector.last) else { return nil }
            detector.commit(next)
            return next
        }
        #expect(poll() != nil)
        #expect(poll() == nil)
        segment.buffer[4 + 60] ^= 0xFF
        #expect(poll()?.format == .qtImage)
    }

    @Test func aNullImageOrZeroesAreAnEmptySeed() {
        let segment = FakeSegment(size: 64)
        #expect(SegmentContent.read(segment.readOnly).isEmpty)
        segment.buffer.copyBytes(from: [0, 0, 0, 1] + Array("not a picture".utf8))
        #expect(SegmentContent.read(segment.readOnly).format == .seed)
    }

    @Test func aTruncatedPNGRunsToTheSegmentsEnd() {
        let stream = QtImageStream.encode(Array(redPNG.prefix(50)))
        let segment = FakeSegment(size: stream.count)
        segment.buffer.copyBytes(from: stream)
        let snapshot = SegmentContent.read(segment.readOnly)
        #expect(snapshot.format == .qtImage)
        #expect(snapshot.payload == Array(redPNG.prefix(50)))
    }
}

@Suite struct HexDumpTests {
    @Test func rowsLikeHexdumpC() {
        let bytes: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8) + Array("Hi!~".utf8) + [0x80]
        bytes.withUnsafeBytes { raw in
            #expect(HexDump.rowCount(byteCount: raw.count) == 2)
            #expect(HexDump.row(raw, row: 0) == "00000000  7f 45 4c 46 02 01 01 00  00 00 00 00 00 00 00 00  .ELF............")
            #expect(HexDump.row(raw, row: 1) == "00000010  48 69 21 7e 80                                    Hi!~.")
        }
        #expect(HexDump.rowCount(byteCount: 0) == 0)
        #expect(HexDump.rowCount(byteCount: 16) == 1)
        #expect(HexDump.offsetDigits(byteCount: 1 << 30) == 8)
        #expect(HexDump.offsetDigits(byteCount: (1 << 32) + 1) == 9)
        #expect(HexDump.hex([0x7f, 0x45, 0x4c, 0x46]) == "7f 45 4c 46")
    }
}

@Suite struct ByteQueryTests {
    @Test func queriesAreHexOrText() {
        #expect(ByteQuery("7f 45 4c 46") == .hex([0x7f, 0x45, 0x4c, 0x46]))
        #expect(ByteQuery("0x7F454C46") == .hex([0x7f, 0x45, 0x4c, 0x46]))
        #expect(ByteQuery("cafe") == .text(Array("cafe".utf8)))
        #expect(ByteQuery("ca fe") == .hex([0xca, 0xfe]))
        #expect(ByteQuery("ELF") == .text(Array("ELF".utf8)))
        #expect(ByteQuery("7f 4") == .text(Array("7f 4".utf8)))
        #expect(ByteQuery("   ") == nil)
    }
}

@Suite struct PictureCompletenessTests {
    @Test func endMarkers() {
        #expect(PictureHeader.isComplete(redPNG, format: .png))
        #expect(PictureHeader.isComplete(redPNG + [0, 0, 0], format: .png))
        #expect(!PictureHeader.isComplete(Array(redPNG.prefix(60)), format: .png))
        #expect(PictureHeader.isComplete([0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xD9], format: .jpeg))
        #expect(!PictureHeader.isComplete([0xFF, 0xD8, 0xFF, 0xE0, 0x12, 0x34], format: .jpeg))
        #expect(PictureHeader.isComplete(Array("GIF89a".utf8) + [0x3B], format: .gif))
        #expect(!PictureHeader.isComplete(Array("GIF89a".utf8) + [0x2C], format: .gif))
    }
}
