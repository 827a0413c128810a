import Foundation
import SharedMemory
import Testing
@testable import SharedFile

@Suite struct LineFoldingTests {
    /// Lengths in characters of the display paragraphs (split at newlines and folds), not counting
    /// the inserted U+200B (none of these texts has its own).
    private func paragraphs(_ text: String) -> [Int] {
        text.unicodeScalars.filter { $0 != "\u{200B}" }
            .split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\u{2029}" }.map(\.count)
    }

    /// The text without fold separators and inserted breaks, scalar by scalar (Foundation's search
    /// would skip a separator that combining marks follow). Only for texts without their own U+200B.
    private func unfolded(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\u{2029}" && $0 != "\u{200B}" }))
    }

    private func zeroWidthSpaces(_ text: String) -> Int {
        text.unicodeScalars.count { $0 == "\u{200B}" }
    }

    @Test func longWordsOfFoldedLinesGetABreakEvery16Characters() {
        let text = "start\n" + String(repeating: "b", count: 10_001) + "\nend"
        let folding = LineFolding(text, limit: 1000)
        // 20 paragraphs of 500 b's: a break after every 16 of them (31 each), none at a fold.
        #expect(folding.breaks == 620)
        #expect(zeroWidthSpaces(folding.text) == 620)
        let runs = folding.text.unicodeScalars.split { $0 != "b" }.map(\.count)
        #expect(runs.max() == 16)
        #expect(unfolded(folding.text) == text)
    }

    @Test func repairedBytesAreAWordLikeLetters() {
        // 0xFF bytes, each shown as U+FFFD (no break opportunity between two of them, like letters):
        // paragraphs of half the limit, a break after every 16, none inside a U+FFFD's bytes.
        let text = DisplayText.repaired(Array(repeating: 0xFF, count: 3_000)[...])
        let folding = LineFolding(text, limit: 1000)
        #expect(paragraphs(folding.text) == Array(repeating: 500, count: 6))
        #expect(folding.breaks == 6 * 31)
        let runs = folding.text.unicodeScalars.split { $0 != "\u{FFFD}" }.map(\.count)
        #expect(runs.max() == 16)
        #expect(unfolded(folding.text) == text)
        // Letters and repaired bytes make one run: 10 of each, then a space, is a break per run.
        let mixed = DisplayText.repaired(Array(repeating: Array("abcdefghij".utf8) + Array(repeating: 0xFF, count: 10) + [0x20],
                                               count: 100).flatMap { $0 }[...])
        let mixedFolding = LineFolding(mixed, limit: 1000)
        #expect(mixedFolding.breaks == 100)
        #expect(unfolded(mixedFolding.text) == mixed)
    }

    @Test func aBreakGoesOnlyBetweenTwoLettersOrDigits() {
        // 32 letters then a space: one break in the middle, none before the space.
        let text = String(repeating: String(repeating: "a", count: 31) + "9 ", count: 100)
        let folding = LineFolding(text, limit: 1000)
        #expect(folding.foldedLines == 1)
        #expect(folding.breaks == 100)
        #expect(!folding.text.contains("\u{200B} ") && !folding.text.contains("\u{200B}\u{2029}"))
        #expect(unfolded(folding.text) == text)
    }

    @Test func aFilesOwnZeroWidthSpacesStayAndCountApart() {
        // Runs of 10 letters between the file's own U+200B: nothing to add; the shown text is the file.
        let own = String(repeating: "abcdefghij\u{200B}", count: 300)
        let folding = LineFolding(own, limit: 1000)
        #expect(folding.breaks == 0)
        #expect(zeroWidthSpaces(folding.text) == 300)
        // With long runs too: what is shown holds the file's and the added ones, and nothing else.
        let mixed = own + String(repeating: "z", count: 100)
        let both = LineFolding(mixed, limit: 1000)
        #expect(both.breaks == 6)
        #expect(zeroWidthSpaces(both.text) == 300 + both.breaks)
    }

    @Test func shortLinesGetNoBreaks() {
        let text = String(repeating: "q", count: 1000)
        #expect(LineFolding(text, limit: 1000).text == text)
    }

    @Test func shortLinesAreLeftExactlyAsTheyAre() {
        let text = String(repeating: "0123456789 abc\n", count: 500) + "é🙂\r\nend"
        let folding = LineFolding(text, limit: 20)
        #expect(folding.text == text)
        #expect(folding.foldedLines == 0 && folding.folds == 0)
    }

    @Test func aLineOfExactlyTheLimitIsNotFolded() {
        let text = String(repeating: "é", count: 100) + "\n" + String(repeating: "a", count: 100)
        #expect(LineFolding(text, limit: 100).folds == 0)
        #expect(LineFolding(text, limit: 99).foldedLines == 2)
    }

    @Test func oneLongWordIsCutAtHalfTheLimitAndComesBackWhole() {
        let text = "start\n" + String(repeating: "b", count: 10_001) + "\nend"
        let folding = LineFolding(text, limit: 1000)
        #expect(folding.foldedLines == 1)
        #expect(folding.folds == 20)
        #expect(paragraphs(folding.text) == [5] + Array(repeating: 500, count: 20) + [1, 3])
        #expect(unfolded(folding.text) == text)
    }

    @Test func aLongWordInAShortLineIsLeftAlone() {
        // The word limit applies inside folded lines only: a line at the limit stays whole.
        let text = "x " + String(repeating: "w", count: 998) + "\n" + String(repeating: "v", count: 1000)
        let folding = LineFolding(text, limit: 1000)
        #expect(folding.folds == 0)
        #expect(folding.text == text)
    }

    @Test func wordsOfLettersInAFoldedLineEndAtHalfTheLimit() {
        let text = String(repeating: "word ", count: 100) + String(repeating: "q", count: 1200)
        let folding = LineFolding(text, limit: 1000)
        #expect(paragraphs(folding.text).allSatisfy { $0 <= 1000 })
        // After the words, no run of q's is longer than 500.
        let runs = folding.text.split { $0 != "q" }.map(\.count)
        #expect(runs.allSatisfy { $0 <= 500 })
        #expect(unfolded(folding.text) == text)
    }

    @Test func foldsPreferTheLastSpaceOrComma() {
        let words = String(repeating: "lorem ipsum, ", count: 400)   // 5200 characters, one line
        let folding = LineFolding(words, limit: 1000)
        let pieces = folding.text.split(separator: "\u{2029}")
        #expect(pieces.count >= 6)
        for piece in pieces.dropLast() {
            #expect(piece.unicodeScalars.count <= 1000)
            #expect(piece.last == " " || piece.last == ",")
        }
        #expect(unfolded(folding.text) == words)
    }

    @Test func carriageReturnsEndLinesToo() {
        let text = String(repeating: "x", count: 150) + "\r\n" + String(repeating: "y", count: 150) + "\r"
            + String(repeating: "z", count: 250)
        let folding = LineFolding(text, limit: 200)
        #expect(folding.foldedLines == 1 && folding.folds == 2)   // 250 letters: words end at half the limit
        #expect(unfolded(folding.text) == text)
    }

    @Test func tabsAndEmojiWeighTen() {
        let tabs = String(repeating: "\t", count: 250)
        let folding = LineFolding(tabs + "\n" + String(repeating: "🙂", count: 25), limit: 100)
        #expect(paragraphs(folding.text) == Array(repeating: 10, count: 25) + [10, 10, 5])
        #expect(folding.foldedLines == 2)
    }

    @Test func endlessNewlinesAreLeftAlone() {
        let text = String(repeating: "\n", count: 100_000)
        #expect(LineFolding(text, limit: 50).folds == 0)
    }

    @Test func multiByteCharactersAreNeverSplit() {
        let text = String(repeating: "日本語🙂é", count: 3000)
        let folding = LineFolding(text, limit: 777)
        #expect(folding.folds > 0)
        #expect(paragraphs(folding.text).allSatisfy { $0 <= 777 })
        #expect(unfolded(folding.text) == text)
    }

    @Test func combiningSequencesStayWholeWhenShort() {
        // Each letter carries two accents: no fold may start with an accent.
        let text = String(repeating: "a\u{301}\u{323}", count: 2000)
        let folding = LineFolding(text, limit: 500)
        for piece in folding.text.unicodeScalars.split(separator: "\u{2029}") {
            #expect(piece.first == "a")
            #expect(piece.count <= 500)
        }
        #expect(unfolded(folding.text) == text)
    }

    @Test func anEndlessRunOfMarksIsCutAnyway() {
        let text = "a" + String(repeating: "\u{301}", count: 50_000)
        let folding = LineFolding(text, limit: 2000)
        #expect(paragraphs(folding.text).allSatisfy { $0 <= 2000 })
        #expect(folding.folds == 249)   // 200 marks per paragraph: the first weighs 1, the others 10
        #expect(unfolded(folding.text) == text)
    }

    @Test func stackedMarksWeighTenAndSingleMarksOne() {
        // One accent per letter weighs like a letter; a run of accents on one letter: 1 + 10 each after the first.
        let single = String(repeating: "e\u{301}", count: 60)   // 120 scalars, weight 120
        #expect(LineFolding(single, limit: 120).folds == 0)
        let stacked = "a" + String(repeating: "\u{301}", count: 300)   // weight 1 + 1 + 299 * 10
        let folding = LineFolding(stacked, limit: 100)
        #expect(paragraphs(folding.text).allSatisfy { $0 <= 11 })
        #expect(unfolded(folding.text) == stacked)
    }

    @Test func emojiJoinedByZWJStayTogether() {
        let family = "👨\u{200D}👩\u{200D}👧"
        let text = String(repeating: family, count: 400)
        let folding = LineFolding(text, limit: 100)
        for piece in folding.text.unicodeScalars.split(separator: "\u{2029}") {
            #expect(piece.first == "👨")
        }
        #expect(unfolded(folding.text) == text)
    }

    @Test func displayTextSaysWhatWasFolded() {
        let payload = Array(("short\n" + String(repeating: "x", count: 4500) + "\n"
                             + String(repeating: "y", count: 2500)).utf8)
        let snapshot = Snapshot(format: .framed, payload: payload, fileName: "long.txt", originalSize: payload.count,
                                loadTime: Date(timeIntervalSince1970: 0), generation: 1)
        let display = DisplayText(snapshot: snapshot, key: "k", segmentSize: 1 << 20)
        #expect(display.foldedLines == 2)
        #expect(display.info.contains("2 lines over \(1000.localizedDigits) characters folded for display (a tab, an emoji or a combining mark stacked on another counts as 10; "
                                      + "12 breaks added)"))   // runs of letters end every 500
        // 14 paragraphs of 500 letters, a U+200B after every 16 of them.
        #expect(display.addedBreaks == 434)
        #expect(display.info.contains("434 invisible break opportunities (zero width spaces) added inside runs of over 16 letters or digits, so that wrapping draws no hyphen"))
        #expect(unfolded(display.text) == String(decoding: payload, as: UTF8.self))
    }

    @Test func displayTextShowsAtMostLineLimitLines() {
        let payload = Array(String(repeating: "\n", count: 100).utf8) + Array("tail".utf8)
        let snapshot = Snapshot(format: .seed, payload: payload, originalSize: payload.count)
        let display = DisplayText(snapshot: snapshot, key: "k", segmentSize: 1 << 20, lineLimit: 30)
        #expect(display.text == String(repeating: "\n", count: 30))
        #expect(display.isCapped)
        #expect(display.info.contains("showing the first 30 lines (30 bytes) of 104 bytes: the view holds at most 30 lines"))
        let exact = DisplayText(snapshot: snapshot, key: "k", segmentSize: 1 << 20, lineLimit: 101)
        #expect(exact.text == String(decoding: payload, as: UTF8.self))
        #expect(!exact.isCapped)
    }

    @Test func displayTextOfFriendlyTextHasNoFoldNote() {
        let payload = Array(String(repeating: "a line of text\n", count: 1000).utf8)
        let snapshot = Snapshot(format: .seed, payload: payload, originalSize: payload.count)
        let display = DisplayText(snapshot: snapshot, key: "k", segmentSize: 1 << 20)
        #expect(display.foldedLines == 0)
        #expect(!display.info.contains("folded"))
        #expect(display.text == String(decoding: payload, as: UTF8.self))
    }
}
