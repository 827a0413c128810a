import Foundation
import SharedMemory

/// A key no other test (or test run) uses, so Swift Testing may run tests in parallel and
/// parallel runs never meet. Holds spaces on purpose: keys are free text in Qt.
public func uniqueKey(_ name: String = #function) -> String {
    "smtest \(name.prefix(24)) \(getpid()) \(UUID().uuidString.prefix(8))"
}

/// Removes whatever a test left for `key` (segment, semaphore, key files), ignoring "nothing there".
public func removeLeftovers(_ key: String) {
    try? SharedMemory.remove(key: key, force: true)
}

/// Time taken by `body`.
public func elapsed(_ body: () throws -> Void) rethrows -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    return clock.now - start
}

/// The built `sharedmemory-ctl`: `$SHAREDMEMORY_CTL`, else next to the test bundle (the build
/// products directory), else a checkout's debug build.
public let ctlPath: String = {
    var candidates: [String] = []
    if let path = ProcessInfo.processInfo.environment["SHAREDMEMORY_CTL"] { candidates.append(path) }
    let products = [
        Bundle.main.bundleURL,
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
    ]
    for directory in products {
        candidates.append(directory.appendingPathComponent("sharedmemory-ctl").path)
        candidates.append(directory.deletingLastPathComponent().appendingPathComponent("sharedmemory-ctl").path)
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    for scratch in [".build-shm", ".build"] {
        candidates.append(root.appendingPathComponent("\(scratch)/debug/sharedmemory-ctl").path)
    }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "sharedmemory-ctl-not-built"
}()
