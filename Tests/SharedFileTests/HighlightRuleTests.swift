import SharedFile
import Testing

@Suite struct HighlightRuleTests {
    @Test func slowLanguagesUpToTheirOwnLimitUnlessAskedFor() {
        let small = HighlightRule.slowToDrawLimit, big = HighlightRule.slowToDrawLimit + 1
        #expect(HighlightRule.decide(languageId: "json", bytes: small, foldedLines: 0, limit: 1 << 20, limitGiven: false) == .on)
        #expect(HighlightRule.decide(languageId: "json", bytes: big, foldedLines: 0, limit: 1 << 20, limitGiven: false) == .slowToDraw)
        #expect(HighlightRule.decide(languageId: "markdown", bytes: big, foldedLines: 0, limit: 1 << 20, limitGiven: false) == .slowToDraw)
        #expect(HighlightRule.decide(languageId: "json", bytes: big, foldedLines: 0, limit: 1 << 20, limitGiven: true) == .on)
        #expect(HighlightRule.decide(languageId: "swift", bytes: big, foldedLines: 0, limit: 1 << 20, limitGiven: false) == .on)
    }

    @Test func otherLanguagesUpToTheLimit() {
        #expect(HighlightRule.decide(languageId: "swift", bytes: 1 << 20, foldedLines: 0, limit: 1 << 20, limitGiven: false) == .on)
        #expect(HighlightRule.decide(languageId: "swift", bytes: (1 << 20) + 1, foldedLines: 0, limit: 1 << 20, limitGiven: false) == .overLimit)
        #expect(HighlightRule.decide(languageId: "c", bytes: 1, foldedLines: 0, limit: 0, limitGiven: true) == .overLimit)
    }

    @Test func limitAndFoldsComeFirst() {
        #expect(HighlightRule.decide(languageId: "json", bytes: 100, foldedLines: 0, limit: 50, limitGiven: false) == .overLimit)
        #expect(HighlightRule.decide(languageId: "json", bytes: 10, foldedLines: 3, limit: 50, limitGiven: true) == .folded)
        #expect(HighlightRule.decide(languageId: "swift", bytes: 10, foldedLines: 1, limit: 50, limitGiven: false) == .folded)
    }
}
