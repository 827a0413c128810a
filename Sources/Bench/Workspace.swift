import SystemSupport
import Foundation
import Glibc
import SharedMemory
import SystemPackage

/// How many repetitions each figure gets: `--quick` only proves every figure can be measured.
struct Effort: Sendable {
    var quick: Bool

    var microBatches: Int { quick ? 20 : 301 }
    var microBatchSize: Int { quick ? 200 : 1000 }
    func copies(for size: Int) -> Int {
        switch size {
        case ...(64 << 10): return quick ? 10 : 301
        case ...(4 << 20): return quick ? 5 : 101
        default: return quick ? 3 : 31
        }
    }
    var latencySamples10K: Int { quick ? 5 : 101 }
    var latencySamples1M: Int { quick ? 3 : 41 }
    /// Idle CPU: this many windows of `idleWindowSeconds` (60 s in all for the full run).
    var idleWindows: Int { quick ? 2 : 12 }
    var idleWindowSeconds: Double { quick ? 1 : 5 }
    var largeTextRuns: Int { quick ? 1 : 5 }
    var startupRuns: Int { quick ? 2 : 11 }
    var memoryRuns: Int { quick ? 1 : 3 }
    var soakLoads: Int { quick ? 60 : 400 }
}

/// A private temporary folder with the files the bench loads, and unique segment keys.
final class Workspace {
    let directory: URL
    private var keyCount = 0

    /// Files by payload size, created on first use.
    private var files: [Int: String] = [:]

    init() throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/sharedmemory-bench.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let made else {
            throw Child.Failure(description: "mkdtemp in \(base): \(Errno(rawValue: errno).explanation)")
        }
        directory = URL(fileURLWithPath: made)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A segment key no other process uses.
    func newKey(_ purpose: String) -> String {
        keyCount += 1
        return "bench_\(getpid())_\(purpose)_\(keyCount)"
    }

    /// The name (inside `directory`) of a file of `size` copies of one byte (NULs, `\r`, 0xFF: the
    /// contents without a line that the viewer must still show and answer with).
    func repeatedByteFile(_ byte: UInt8, size: Int) throws -> String {
        let name = String(format: "byte-%02x-%d.bin", byte, size)
        try write(name, size: size, repeating: [UInt8](repeating: byte, count: min(size, 16 << 20)))
        return name
    }

    /// Writes `block` to `name` again and again up to `size` bytes (the last copy cut).
    private func write(_ name: String, size: Int, repeating block: [UInt8]) throws {
        guard let handle = FileHandle(forWritingAtPath: createEmpty(name)) else {
            throw Child.Failure(description: "cannot write \(name) in \(directory.path)")
        }
        defer { try? handle.close() }
        var left = size
        while left > 0 {
            let count = min(left, block.count)
            handle.write(Data(block[0..<count]))
            left -= count
        }
    }

    /// The name (inside `directory`) of a text file of exactly `size` bytes: printable ASCII lines,
    /// like a log or source file, so the viewer's UTF-8 repair and layout do real work.
    func file(size: Int) throws -> String {
        if let name = files[size] { return name }
        let name = "payload-\(size).txt"
        try write(name, size: size, repeating: Self.textBlock(count: min(size, 1 << 20)))
        files[size] = name
        return name
    }

    /// The name of a file of exactly `size` bytes on one line without a break opportunity (letters
    /// only, no newline): the hard text of issue 9, which the viewer folds for display.
    func oneLineFile(size: Int) throws -> String {
        let name = "one-line-\(size).txt"
        let bytes = (0..<size).map { UInt8(97 + $0 % 26) }
        guard FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path,
                                             contents: Data(bytes)) else {
            throw Child.Failure(description: "cannot write \(name) in \(directory.path)")
        }
        return name
    }

    private func createEmpty(_ name: String) -> String {
        let path = directory.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        return path
    }

    /// Numbered lines of 64 bytes (63 characters and a newline).
    static func textBlock(count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 64)
        var line = 0
        while bytes.count < count {
            let head = Array(String(format: "%08d ", line).utf8)
            bytes += head
            for i in 0..<(63 - head.count) { bytes.append(UInt8(97 + (line + i) % 26)) }
            bytes.append(10)
            line += 1
        }
        return Array(bytes[0..<count])
    }
}
