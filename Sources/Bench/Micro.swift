import SystemSupport
import CSysV
import Foundation
import Glibc
import SharedFile
import SharedMemory
import SystemPackage

/// Library figures, no display needed: the lock against raw semop, and loads against memcpy.
struct Micro {
    let effort: Effort
    let workspace: Workspace

    static let sizes: [(label: String, bytes: Int)] = [("4k", 4 << 10), ("1m", 1 << 20), ("64m", 64 << 20)]
    /// A framed segment large enough for the biggest payload.
    static let segmentSize = (64 << 20) + 320

    func run() throws -> [Figure] {
        var figures: [Figure] = []
        let semop = try semopPair()
        figures.append(semop)
        let lockPair = try lockUnlockPair().against(semop)
        figures.append(lockPair)

        var memcpyFigures: [String: Figure] = [:]
        for size in Self.sizes {
            let figure = memcpyThroughput(size.label, size.bytes)
            memcpyFigures[size.label] = figure
            figures.append(figure)
        }
        figures += try loads(memcpy: memcpyFigures, lockPair: lockPair)
        return figures
    }

    /// The floor: a semop(-1) + semop(+1) pair with SEM_UNDO (what a crash-safe lock must do)
    /// on a private semaphore.
    func semopPair() throws -> Figure {
        let id = semget(0 /* IPC_PRIVATE */, 1, IPC_CREAT | 0o600)
        guard id >= 0 else { throw Child.Failure(description: "semget(IPC_PRIVATE): \(Errno(rawValue: errno).explanation)") }
        defer { _ = csysv_sem_remove(id) }
        guard csysv_sem_setval(id, 1) == 0 else { throw Child.Failure(description: "semctl(SETVAL) failed") }
        var down = sembuf(sem_num: 0, sem_op: -1, sem_flg: Int16(SEM_UNDO))
        var up = sembuf(sem_num: 0, sem_op: 1, sem_flg: Int16(SEM_UNDO))
        let samples = timeBatches(repetitions: effort.microBatches, batch: effort.microBatchSize) {
            _ = semop(id, &down, 1)
            _ = semop(id, &up, 1)
        }
        return Figure("semop_pair_ns", "raw semop(-1)+semop(+1) pair, SEM_UNDO, private semaphore",
                      unit: "ns", samples: samples)
    }

    /// SharedMemory.lock() + unlock(), uncontended.
    func lockUnlockPair() throws -> Figure {
        let memory = SharedMemory(key: workspace.newKey("lock"))
        try memory.create(size: 4096)
        defer { memory.detach() }
        let samples = try timeBatches(repetitions: effort.microBatches, batch: effort.microBatchSize) {
            try memory.lock()
            try memory.unlock()
        }
        return Figure("lock_pair_ns", "SharedMemory lock() + unlock(), uncontended", unit: "ns", samples: samples)
    }

    /// memcpy between two pre-faulted buffers: the ceiling for every load figure.
    func memcpyThroughput(_ label: String, _ bytes: Int) -> Figure {
        let source = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        let target = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer { source.deallocate(); target.deallocate() }
        memset(source, 0x61, bytes)
        memset(target, 0, bytes)
        let batch = max(1, (4 << 20) / bytes)  // ~4 MiB per timed batch
        let samples = timeBatches(repetitions: effort.copies(for: bytes), batch: batch) {
            memcpy(target, source, bytes)
        }
        return Figure("memcpy_\(label)_gbps", "plain memcpy of \(label), pre-faulted buffers", unit: "GB/s",
                      samples: gigabytesPerSecond(bytes: bytes, nanoseconds: samples))
    }
}
