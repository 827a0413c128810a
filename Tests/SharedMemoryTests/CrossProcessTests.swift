import Foundation
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

@Suite("Two processes share one segment")
struct CrossProcessTests {
    @Test func writeHereReadThere() throws {
        let key = uniqueKey("cross")
        defer { removeLeftovers(key) }
        let creator = try Spawned(["create", "--key", key, "--size", "4096"])
        let memory = SharedMemory(key: key)
        try memory.attach()
        defer { memory.detach() }
        #expect(memory.size == 4096)
        let pattern = Array("written by pid \(getpid())\n".utf8) + (0...255).map { UInt8($0) }
        try memory.withLock(timeout: .seconds(5)) { bytes in
            bytes.copyBytes(from: pattern)
        }
        let dump = try ctl(["dump", "--raw", "--key", key])
        #expect(dump.status == 0)
        #expect(dump.stdout.count == 4096)
        #expect(Array(dump.stdout.prefix(pattern.count)) == pattern)
        memory.detach()
        #expect(creator.stop() == 0)
    }

    @Test func loadThereReadHereAndDumpExactly() throws {
        let key = uniqueKey("load")
        defer { removeLeftovers(key) }
        let creator = try Spawned(["create", "--key", key, "--size", "1024"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("smtest-load-\(getpid())-\(UUID()).txt")
        let text = Array("Hello from a file, pid \(getpid()) ✓\n".utf8)
        try Data(text).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let load = try ctl(["load", "--key", key, file.path])
        #expect(load.status == 0, "\(load.stderr)")
        // Not stamped: the seed format, i.e. the text and a NUL at the start of the segment.
        let memory = SharedMemory(key: key)
        try memory.attach(access: .readOnly)
        let seen = try memory.withLock(timeout: .seconds(5)) { Array($0.prefix(text.count + 1)) }
        memory.detach()
        #expect(seen == text + [0])

        let dump = try ctl(["dump", "--key", key])
        #expect(dump.status == 0)
        #expect(Array(dump.stdout) == text)
        #expect(creator.stop() == 0)
    }

    @Test func binaryRoundTripThroughTheFramedFormat() throws {
        let key = uniqueKey("framed")
        defer { removeLeftovers(key) }
        let creator = try Spawned(["create", "--key", key, "--size", "65536", "--stamp"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("smtest-bin-\(getpid())-\(UUID()).bin")
        let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) }  // contains NULs
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try ctl(["load", "--key", key, file.path]).status == 0)
        let dump = try ctl(["dump", "--key", key])
        #expect(dump.status == 0)
        #expect(Array(dump.stdout) == bytes)
        #expect(creator.stop() == 0)
    }

    /// The kernel refuses to write into a read-only mapping: read(2) from a pipe into it fails
    /// with EFAULT (rather than crashing the test), and /proc/self/maps shows no 'w'.
    @Test func readOnlyAttachMapsReadOnly() throws {
        let key = uniqueKey("readonly")
        defer { removeLeftovers(key) }
        let creator = try Spawned(["create", "--key", key, "--size", "4096"])
        let reader = SharedMemory(key: key)
        try reader.attach(access: .readOnly)
        defer { reader.detach() }
        let writer = SharedMemory(key: key)
        try writer.attach(access: .readWrite)
        defer { writer.detach() }
        #expect(reader.accessMode == .readOnly)

        #expect(writeFromPipe(into: writer.data!) == 0)
        #expect(writeFromPipe(into: reader.data!) == EFAULT)
        #expect(mappingPermissions(reader.data!.baseAddress!)?.hasPrefix("r-") == true)
        #expect(mappingPermissions(writer.data!.baseAddress!)?.hasPrefix("rw") == true)
        #expect(reader.data![0] == UInt8(ascii: "x"))  // what the writable mapping received
        reader.detach()
        writer.detach()
        #expect(creator.stop() == 0)
    }

    /// Lets the kernel store one byte "x" at the start of `buffer`; returns 0 or the errno.
    private func writeFromPipe(into buffer: UnsafeMutableRawBufferPointer) -> Int32 {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return errno }
        defer { close(fds[0]); close(fds[1]) }
        var byte = UInt8(ascii: "x")
        _ = write(fds[1], &byte, 1)
        return read(fds[0], buffer.baseAddress, 1) == 1 ? 0 : errno
    }

    /// The permission column of /proc/self/maps for the mapping that starts at `address`.
    private func mappingPermissions(_ address: UnsafeMutableRawPointer) -> String? {
        let start = UInt(bitPattern: address)
        guard let file = fopen("/proc/self/maps", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = text.split(separator: " ")
            guard fields.count > 1, let dash = fields[0].firstIndex(of: "-"),
                  UInt(fields[0][..<dash], radix: 16) == start else { continue }
            return String(fields[1])
        }
        return nil
    }
}
