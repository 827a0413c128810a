import Foundation
import Synchronization
import Testing
import TestSupport
@testable import SharedFile

/// The viewer's line index (issue 18): exact counts, and the line of any byte, off the main loop.
@Suite struct LineIndexTests {
    private func built(_ bytes: [UInt8]) async -> LineIndex.Progress {
        await withCheckedContinuation { (done: CheckedContinuation<LineIndex.Progress, Never>) in
            LineIndex().build(bytes) { progress in if progress.isDone { done.resume(returning: progress) } }
        }
    }

    /// Lines as a reader counts them: a final newline starts no line; nothing is no line.
    private func naiveLines(_ bytes: [UInt8]) -> Int {
        bytes.isEmpty ? 0 : bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count - (bytes.last == 0x0A ? 1 : 0)
    }

    @Test func countsLinesAndFindsTheLineOfAnyByte() async {
        var random = SplitMix64(seed: 18)
        for round in 0..<12 {
            // Some rounds with more than `sampleEvery` lines, some newline-only, some without any.
            let length = [0, 1, 5000, 20_000, 70_000][round % 5]
            let bytes = (0..<length).map { _ in round % 3 == 0 ? 0x0A : (random.next() % 5 == 0 ? 0x0A : 0x61) } as [UInt8]
            let index = await built(bytes)
            #expect(index.lines == naiveLines(bytes), "round \(round)")
            for _ in 0..<50 where !bytes.isEmpty {
                let byte = Int(random.next() % UInt64(bytes.count))
                #expect(index.line(containing: byte, in: bytes) == bytes[0..<byte].count { $0 == 0x0A }, "byte \(byte)")
            }
        }
    }
}
