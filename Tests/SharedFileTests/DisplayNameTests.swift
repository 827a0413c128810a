import Messages
import SystemPackage
import Testing
@testable import SharedFile

/// Names in sentences: control and bidi formatting characters visible, right-to-left names isolated.
struct DisplayNameTests {
    @Test func plainNamesAreUnchanged() {
        #expect(DisplayName.shown("notes-2024.txt") == "notes-2024.txt")
        #expect(DisplayName.shown("Ελληνικά 中文.txt") == "Ελληνικά 中文.txt")
    }

    @Test func aRightToLeftOverrideIsShownNotObeyed() {
        // The "Loaded file rtlyromem derahs ot txt.live".
        #expect(Messages.status(.loaded(name: "evil\u{202E}txt.memory", report: WriteReport(format: .framed, written: 1, total: 1)))
                == "Loaded file evil<U+202E>txt.memory to shared memory")
    }

    @Test func controlCharactersAreVisibleAndKeepTheStatusOnOneLine() {
        let shown = DisplayName.shown("two\nlines\t\u{1B}[31m\u{7F}\u{85}.txt")
        #expect(shown == "two<U+000A>lines<U+0009><U+001B>[31m<U+007F><U+0085>.txt")
        #expect(!Messages.loading("a\nb").contains("\n"))
    }

    /// Issue 23: the Control Pictures (U+2400...) are in few fonts (none of Debian's DejaVu, Cantarell):
    /// what stands for an invisible character is ASCII, which every font draws.
    @Test func invisibleCharactersAreWrittenInASCII() {
        let name = String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self)
            + "\u{200E}\u{2028}\u{2066}\u{FEFF}"
        #expect(DisplayName.shown(name).unicodeScalars.allSatisfy { $0.isASCII })
        #expect(DisplayName.proposed("\u{202E}txt.exe") == "<U+202E>txt.exe")
        #expect(DisplayName.proposed("שלום.txt") == "שלום.txt")   // no isolates inside a file name
    }

    /// Issue 23: the viewer's Segment line, its title and the Save As words show a name as the loader does.
    @Test func theViewerShowsNamesAsTheLoaderDoes() {
        var bytes = [UInt8](repeating: 0, count: 4096)
        let name = "\u{202E}txt.exe", rtl = "שלום עולם.txt"
        for (file, shown) in [(name, "<U+202E>txt.exe"), (rtl, "\u{2068}\(rtl)\u{2069}"), ("a\nb", "a<U+000A>b")] {
            bytes.withUnsafeMutableBytes { segment in
                SegmentContent.stampEmpty(segment)
                _ = Array("plain text".utf8).withUnsafeBytes { SegmentContent.write($0, name: file, into: segment) }
            }
            let display = DisplayText(snapshot: bytes.withUnsafeBytes { SegmentContent.read($0) }, key: "k", segmentSize: 4096)
            #expect(display.shownFileName == shown)
            #expect(display.info.contains(" · \(shown), "))
            #expect(!display.info.contains("\n"))
        }
        #expect(Messages.saved(.saved(FilePath("/tmp/\u{202E}txt.exe"), bytes: 2)) == "Saved 2 bytes to /tmp/<U+202E>txt.exe")
    }

    @Test func rightToLeftNamesAreIsolated() {
        #expect(DisplayName.shown("שלום.txt") == "\u{2068}שלום.txt\u{2069}")
        #expect(Messages.loading("مرحبا.txt") == "Loading \u{2068}مرحبا.txt\u{2069}…")
    }
}
