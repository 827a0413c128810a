// The producer: creates a segment, writes a greeting under the lock, and waits (at most 30 s)
// until a consumer has marked it read. Run `producer [KEY]`, then `consumer [KEY]` elsewhere.
//
// The segment's layout is this example's own: byte 0 is a state (0 empty, 1 written, 2 read),
// the text starts at byte 8 and ends with a NUL.
import Foundation
import SharedMemory

let key = CommandLine.arguments.dropFirst().first ?? "examples_greeting"
let memory = SharedMemory(key: key)
do {
    try memory.create(size: 4096)
} catch {
    FileHandle.standardError.write(Data("producer: \(error.message)\n".utf8))
    exit(1)
}

/// Writes the greeting and waits for the consumer: true when it was read.
@MainActor func handOver() throws -> Bool {
    let greeting = "hello from process \(getpid())"
    try memory.withLock { bytes in
        bytes.storeBytes(of: 1, as: UInt8.self)                       // written
        bytes[8...].copyBytes(from: Array(greeting.utf8) + [0])
    }
    print("producer: wrote \"\(greeting)\" for key \(key)")
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline {
        // A bounded wait: a consumer that died holding the lock must not stop us either.
        if try memory.withLock(timeout: .seconds(1), { $0.load(as: UInt8.self) }) == 2 { return true }
        usleep(20_000)
    }
    return false
}

let read = try handOver()
memory.detach()   // the last one out removes the segment and its lock
print(read ? "producer: the consumer read it" : "producer: nobody read the greeting within 30 s")
exit(read ? 0 : 1)
