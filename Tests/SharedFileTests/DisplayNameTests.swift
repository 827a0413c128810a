import Messages
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
        #expect(shown == "two\u{240A}lines\u{2409}\u{241B}[31m\u{2421}<U+0085>.txt")
        #expect(!Messages.loading("a\nb").contains("\n"))
    }

    @Test func rightToLeftNamesAreIsolated() {
        #expect(DisplayName.shown("שלום.txt") == "\u{2068}שלום.txt\u{2069}")
        #expect(Messages.loading("مرحبا.txt") == "Loading \u{2068}مرحبا.txt\u{2069}…")
    }
}
