// The consumer: attaches to the producer's segment (retrying for up to 10 s while it does not
// exist yet), waits for the greeting, prints it and marks it read. See ../producer/main.swift.
import Foundation
import SharedMemory

let key = CommandLine.arguments.dropFirst().first ?? "examples_greeting"
let memory = SharedMemory(key: key)
let deadline = ContinuousClock.now + .seconds(10)
while true {
    do {
        try memory.attach()
        break
    } catch where error.code == .notFound && ContinuousClock.now < deadline {
        usleep(50_000)   // the producer has not created it yet
    } catch {
        FileHandle.standardError.write(Data("consumer: \(error.message)\n".utf8))
        exit(1)
    }
}

/// Waits for the greeting, marks it read and returns it; nil when none came in time.
@MainActor func greeting() throws -> String? {
    while ContinuousClock.now < deadline {
        let text: String? = try memory.withLock(timeout: .seconds(1)) { bytes in
            guard bytes.load(as: UInt8.self) == 1 else { return nil }   // not written yet
            bytes.storeBytes(of: 2, as: UInt8.self)                      // read
            return String(decoding: bytes[8...].prefix { $0 != 0 }, as: UTF8.self)
        }
        if let text { return text }
        usleep(20_000)
    }
    return nil
}

let text = try greeting()
memory.detach()
print(text.map { "consumer: read \"\($0)\"" } ?? "consumer: no greeting within 10 s")
exit(text == nil ? 1 : 0)
