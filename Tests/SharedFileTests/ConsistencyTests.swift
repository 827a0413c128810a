import Foundation
import SharedMemory
import Testing
import TestSupport
@testable import SharedFile

/// Four writers (own FileLoader each, so own SharedMemory and semaphore handle, as separate
/// processes would have) load different files in a loop while a reader polls: every snapshot must
/// be exactly one of the files, never a mix. Thread counts are small; rounds are many.
@Test func concurrentWritersNeverTearWhatTheReaderSees() throws {
    let key = uniqueKey("consistency")
    defer { removeLeftovers(key) }
    let assets = try TempAssets()
    // Different sizes and a different byte per file: a torn copy mixes bytes or lengths.
    var files: [String: [UInt8]] = [:]
    for (index, size) in [40_000, 90_000, 150_000, 230_000].enumerated() {
        let name = "file\(index).bin"
        files[name] = [UInt8](repeating: UInt8(0x41 + index), count: size)
        try assets.add(name, files[name]!)
    }
    let reader = SegmentReader(key: key, size: 256 << 10)
    try reader.open()
    defer { reader.close() }
    guard case .changed(let empty) = reader.poll(), empty.isEmpty else { Issue.record("no empty start"); return }
    let rounds = Int(ProcessInfo.processInfo.environment["RELIABILITY_ROUNDS"] ?? "") ?? 1500
    let url = assets.url, names = files.keys.sorted()
    let writers = DispatchGroup()
    nonisolated(unsafe) var failedLoads: [String] = []
    let lock = NSLock()
    for writer in 0..<4 {
        DispatchQueue.global().async(group: writers) {
            let loader = FileLoader(key: key, assetsDirectory: url, lockTimeout: .seconds(5))
            for round in 0..<rounds {
                let name = names[(writer + round) % names.count]
                loader.loadFile(name)
                if loader.status != "Loaded file \(name) to shared memory" {
                    lock.withLock { failedLoads.append(loader.status) }
                }
            }
        }
    }
    var seen = 0, torn = 0
    var counts: [String: Int] = [:]
    var latest = empty
    while writers.wait(timeout: .now()) == .timedOut {
        guard case .changed(let snapshot) = reader.poll() else { continue }
        seen += 1
        latest = snapshot
        guard let name = snapshot.fileName, files[name] == snapshot.payload else { torn += 1; continue }
        counts[name, default: 0] += 1
    }
    #expect(failedLoads.isEmpty, "\(failedLoads.prefix(3))")
    #expect(torn == 0, "\(torn) of \(seen) snapshots matched no file")
    #expect(seen > 100 && counts.count == 4, "only \(seen) snapshots: \(counts)")
    // The last load wins (the loop may already have seen it).
    if case .changed(let final) = reader.poll() { latest = final }
    #expect(latest.generation == UInt64(4 * rounds))
    print("consistency: \(4 * rounds) loads by 4 writers, \(seen) changed snapshots checked, \(torn) torn")
}
