import Foundation
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

struct CtlResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs `sharedmemory-ctl` to completion.
func ctl(_ arguments: [String], environment: [String: String]? = nil) throws -> CtlResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ctlPath)
    process.arguments = arguments
    if let environment {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Drain stderr on another thread so a chatty child cannot block on a full pipe.
    nonisolated(unsafe) var errData = Data()
    let errDone = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        errDone.signal()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    errDone.wait()
    process.waitUntilExit()
    return CtlResult(status: process.terminationStatus, stdout: outData,
                     stderr: String(decoding: errData, as: UTF8.self))
}

/// A long-running `sharedmemory-ctl` (create, hold-lock) that prints one line when ready.
final class Spawned {
    let process = Process()
    private let out = Pipe()
    private(set) var firstLine = ""

    /// Starts the command and waits (up to 10 s) for its first line of output.
    init(_ arguments: [String], environment: [String: String]? = nil, shell: String? = nil) throws {
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shell + " \"$0\" \"$@\"", ctlPath] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: ctlPath)
            process.arguments = arguments
        }
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        firstLine = try readLine(timeout: 10)
    }

    var pid: pid_t { process.processIdentifier }

    private func readLine(timeout seconds: Int32) throws -> String {
        let fd = out.fileHandleForReading.fileDescriptor
        var bytes: [UInt8] = []
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, seconds * 1000)
            guard ready > 0 else { throw SpawnError("no output from \(process.arguments ?? []) within \(seconds) s") }
            var byte: UInt8 = 0
            guard read(fd, &byte, 1) == 1 else {
                throw SpawnError("\(process.arguments ?? []) ended before printing a line")
            }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    /// Sends `signal` with kill(2) and waits for the exit; returns the termination status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { kill(pid, signal) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}

struct SpawnError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Whether a segment id still exists.
func segmentExists(_ id: Int32) -> Bool {
    (try? SystemVSegment.status(id: id)) != nil
}

/// Whether a semaphore id still exists.
func semaphoreExists(_ id: Int32) -> Bool {
    (try? SystemVSemaphore.status(id: id)) != nil
}

/// Runs `ipcs` and returns its output ("" when it is not installed).
func ipcsOutput(_ flag: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/ipcs")
    process.arguments = [flag]
    let out = Pipe()
    process.standardOutput = out
    guard (try? process.run()) != nil else { return "" }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// The ids column of `ipcs -m` / `ipcs -s`.
func ipcsIDs(_ flag: String) -> Set<Int32> {
    Set(ipcsOutput(flag).split(separator: "\n").compactMap { line -> Int32? in
        let fields = line.split(separator: " ")
        guard fields.count > 2, fields[0].hasPrefix("0x") else { return nil }
        return Int32(fields[1])
    })
}

func fileExists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
}
