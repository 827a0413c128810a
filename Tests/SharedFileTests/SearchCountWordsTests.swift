import Messages
import Testing

/// The search bar's count, in words (English here; German through the catalogue).
@Suite struct SearchCountWordsTests {
    @Test func theCountSaysWhereTheSelectedMatchIs() {
        #expect(Messages.searchCount(total: nil, position: nil) == "Counting…")
        #expect(Messages.searchCount(total: 0, position: nil) == "No matches")
        #expect(Messages.searchCount(total: 1, position: nil) == "1 match")
        #expect(Messages.searchCount(total: 12, position: nil) == "12 matches")
        #expect(Messages.searchCount(total: 12, position: 3) == "3 of 12")
        #expect(Messages.searchCount(total: 1, position: 1) == "1 of 1")
    }
}
