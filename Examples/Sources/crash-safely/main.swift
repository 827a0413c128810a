// A lock holder killed with SIGKILL, and the process that goes on: once with a System V key (the
// kernel gives the lock back), once with a POSIX key (it cannot: the wait ends with an error that
// names the repair, and `repairLock` gives the lock back).
//
//     crash-safely            runs both and exits 0 when the survivor got the lock each time
//     crash-safely hold KEY   (the holder, started by the above) attaches, locks, writes, waits
import Foundation
import SharedMemory

/// The holder: takes the lock, writes who holds it, says so, and waits to be killed.
@MainActor func hold(_ text: String) -> Never {
    guard let key = NativeIpcKey(string: text) else { exit(2) }
    do throws(SharedMemoryError) {
        let memory = SharedMemory(nativeKey: key)
        try memory.attach()
        try memory.lock()
        memory.data!.copyBytes(from: Array("written by pid \(getpid()), killed holding the lock".utf8) + [0])
        FileHandle.standardOutput.write(Data("locked\n".utf8))   // unbuffered: the parent waits for it
    } catch {
        FileHandle.standardError.write(Data("holder: \(error.message)\n".utf8))
        exit(1)
    }
    while true { pause() }
}

/// Starts `crash-safely hold KEY` and returns it once it holds the lock.
@MainActor func startHolder(_ key: NativeIpcKey) throws -> Process {
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    holder.arguments = ["hold", key.description]
    let output = Pipe()
    holder.standardOutput = output
    try holder.run()
    let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
    guard line.hasPrefix("locked") else { throw CocoaError(.featureUnsupported) }
    return holder
}

@MainActor func survive(_ key: NativeIpcKey) throws -> Bool {
    let memory = SharedMemory(nativeKey: key)
    try memory.create(size: 4096)
    defer { memory.detach() }
    let holder = try startHolder(key)
    kill(holder.processIdentifier, SIGKILL)
    holder.waitUntilExit()
    print("\(key): holder pid \(holder.processIdentifier) killed with SIGKILL while holding the lock")

    let clock = ContinuousClock(), start = clock.now
    if try memory.lock(timeout: .seconds(2)) {
        let waited = clock.now - start
        let microseconds = Double(waited.components.seconds) * 1e6 + Double(waited.components.attoseconds) / 1e12
        print("  the kernel gave the lock back: locked after \(String(format: "%.0f", microseconds)) µs")
    } else {
        print("  still taken after 2 s: a POSIX semaphore has no undo")
        do {
            try memory.lock()   // even the unbounded wait ends: nobody else has the semaphore open
        } catch {
            print("  lock() says: \(error.message)")
        }
        // We map the segment ourselves, and the holder is dead: force the repair.
        print("  repairLock: \(try SharedMemory.repairLock(key, force: true))")
        guard try memory.lock(timeout: .seconds(2)) else { return false }
        print("  locked after the repair")
    }
    print("  the segment says: \(String(decoding: memory.data!.prefix { $0 != 0 }, as: UTF8.self))")
    try memory.unlock()
    return true
}

if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "hold" { hold(CommandLine.arguments[2]) }
let name = "examples_crash_\(getpid())"
var ok = true
for key in [NativeIpcKey.legacy(name), NativeIpcKey.platformSafe(name)] {
    do {
        ok = try survive(key) && ok
    } catch {
        print("\(key): \(error)")
        ok = false
    }
}
exit(ok ? 0 : 1)
