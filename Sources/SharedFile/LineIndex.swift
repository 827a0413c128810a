import Foundation
import Synchronization

/// Where the lines of a load start, found off the main loop: the exact number of lines, and the
/// start of every `sampleEvery`-th line (compact: 8 bytes per 1,024 lines), so that the line of any
/// byte is found with a binary search and one short count. Built on a queue of its own in slices;
/// each slice's progress is reported as it grows. A newer `build` cancels an older one within a slice.
public final class LineIndex: Sendable {
    /// What is known so far.
    public struct Progress: Sendable {
        /// Which `build` this is about.
        public let build: Int
        /// Line starts found so far (the first line counts; a file ending in a newline has no line after it).
        public let lines: Int
        /// How many bytes were scanned.
        public let scanned: Int
        public let isDone: Bool
        /// The start of every `sampleEvery`-th line (the first is 0), so far.
        public let samples: [Int]

        /// The number (0-based) of the line that holds `byte`, counting from the nearest sample.
        public func line(containing byte: Int, in bytes: [UInt8]) -> Int {
            guard !samples.isEmpty else { return 0 }
            let index = DisplayMap.lastIndex(in: samples, notAbove: byte)
            return index * LineIndex.sampleEvery + LineIndex.newlines(in: bytes, from: samples[index], to: min(byte, bytes.count))
        }
    }

    public static let sampleEvery = 1024
    /// Bytes counted between two reports: a few ms.
    public static let sliceBytes = 16 << 20

    private let queue = DispatchQueue(label: "org.sharedmemorygtk.Viewer.lines")
    private let latest = Mutex(0)

    public init() {}

    /// Indexes `bytes`, reporting on the index's queue after each slice; returns the build's number.
    @discardableResult
    public func build(_ bytes: [UInt8], report: @escaping @Sendable (Progress) -> Void) -> Int {
        let build = latest.withLock { value -> Int in
            value += 1
            return value
        }
        queue.async { [self] in
            var samples = bytes.isEmpty ? [] : [0]
            var lines = bytes.isEmpty ? 0 : 1
            var position = 0
            repeat {
                guard latest.withLock({ $0 }) == build else { return }
                let end = min(bytes.count, position + Self.sliceBytes)
                bytes.withUnsafeBytes { raw in
                    let base = raw.baseAddress!
                    while position < end, let newline = memchr(base + position, 0x0A, end - position) {
                        position = base.distance(to: UnsafeRawPointer(newline)) + 1
                        guard position < bytes.count else { break }   // a final newline starts no line
                        if lines % Self.sampleEvery == 0 { samples.append(position) }
                        lines += 1
                    }
                }
                position = max(position, end)
                report(Progress(build: build, lines: lines, scanned: position, isDone: position >= bytes.count, samples: samples))
            } while position < bytes.count
        }
        return build
    }

    /// Stops the running build (it reports nothing more).
    public func cancel() { latest.withLock { $0 += 1 } }

    /// The newlines in bytes[from..<to].
    static func newlines(in bytes: [UInt8], from: Int, to: Int) -> Int {
        guard from < to else { return 0 }
        return bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            var count = 0
            var position = from
            while position < to, let newline = memchr(base + position, 0x0A, to - position) {
                position = base.distance(to: UnsafeRawPointer(newline)) + 1
                count += 1
            }
            return count
        }
    }
}
