import Foundation
import Synchronization
import Testing
import TestSupport
@testable import SharedFile

/// The viewer's search counts as `grep -o` does: non-overlapping, left to right, across slices.
@Suite struct ByteSearchTests {
    /// The reference: scan left to right, jump past each match.
    private func naive(_ needle: [UInt8], in haystack: [UInt8], caseSensitive: Bool) -> [Int] {
        let fold: (UInt8) -> UInt8 = { caseSensitive || !(0x41...0x5A).contains($0) ? $0 : $0 + 0x20 }
        var found: [Int] = []
        var index = 0
        while index + needle.count <= haystack.count {
            if (0..<needle.count).allSatisfy({ fold(haystack[index + $0]) == fold(needle[$0]) }) {
                found.append(index)
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }

    @Test func findsWhatAScanFindsWhateverTheSlices() {
        var random = SplitMix64(seed: 20)
        for _ in 0..<200 {
            let haystack = (0..<Int(random.next() % 400)).map { _ in Array("aAbB".utf8)[Int(random.next() % 4)] }
            let needle = (0..<(1 + Int(random.next() % 4))).map { _ in Array("aAb".utf8)[Int(random.next() % 3)] }
            let slice = 1 + Int(random.next() % 50)
            for caseSensitive in [true, false] {
                let query = ByteSearch.Query(needle: needle, caseSensitive: caseSensitive)
                var found: [Int] = []
                var from = 0
                while from < haystack.count {
                    from = ByteSearch.find(query, in: haystack, from: from, startingBefore: min(haystack.count, from + slice), into: &found)
                }
                #expect(found == naive(needle, in: haystack, caseSensitive: caseSensitive))
            }
        }
    }

    @Test func reportsEveryMatchOnItsQueue() async {
        let haystack = Array(String(repeating: "xaa", count: 100_000).utf8) + Array("aa".utf8)
        let search = ByteSearch()
        let total = await withCheckedContinuation { (done: CheckedContinuation<Int, Never>) in
            let counted = Mutex(0)
            search.start(.init(needle: Array("aa".utf8), caseSensitive: true), in: haystack) { progress in
                let sum = counted.withLock { $0 += progress.matches.count; return $0 }
                if progress.isDone { done.resume(returning: sum) }
            }
        }
        #expect(total == 100_001)
    }
}
