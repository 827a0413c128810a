import Foundation
import Glibc
import SharedFile

/// `sharedmemory-ctl load` of 64 MiB, the whole process (exec, attach, fault in, read into the
/// segment, detach, exit), against `cp` of the same file into /dev/shm: the same bytes into shared
/// memory by the standard tool, spawned the same way, in the same run.
struct CtlLoad {
    let effort: Effort
    let workspace: Workspace
    let ctl: String

    static let size = 64 << 20

    func run() throws -> [Figure] {
        guard access(ctl, X_OK) == 0 else { throw Child.Failure(description: "\(ctl) is not an executable") }
        let key = workspace.newKey("ctl")
        let viewer = SegmentReader(key: key, size: Micro.segmentSize)   // stamps, as the viewer does
        try viewer.open()
        defer { viewer.close() }
        let file = workspace.directory.appendingPathComponent(try workspace.file(size: Self.size)).path
        let copy = "/dev/shm/sharedmemory-bench-\(getpid()).txt"
        defer { unlink(copy) }
        let repetitions = effort.copies(for: Self.size)

        func timed(_ path: String, _ arguments: [String], repetitions: Int) throws -> [Double] {
            try timeEach(repetitions: repetitions) {
                let result = runCapturing(path, arguments)
                guard result.status == 0 else {
                    throw Child.Failure(description: "\(path) \(arguments.joined(separator: " ")) exited with \(result.status)")
                }
            }
        }
        // Interleaved in two halves, so that a slow spell of the machine hits both.
        let half = max(1, repetitions / 2)
        var cp: [Double] = [], load: [Double] = []
        for _ in 0..<2 {
            cp += try timed("/bin/cp", [file, copy], repetitions: half)
            load += try timed(ctl, ["load", "--key", key, file], repetitions: half)
        }
        guard case .changed(let shown) = viewer.poll(), shown.storedLength == Self.size else {
            throw Child.Failure(description: "the viewer's segment does not hold the 64 MiB file after the loads")
        }
        let baseline = Figure("cp_shm_64m_ms", "same-run baseline: cp of a 64 MiB file into /dev/shm, exec to exit",
                              unit: "ms", samples: cp.map { $0 / 1e6 })
        return [
            baseline,
            Figure("ctl_load_64m_ms", "sharedmemory-ctl load of the same file into a live viewer's segment, exec to exit",
                   unit: "ms", samples: load.map { $0 / 1e6 })
                .against(baseline).ratioAtMost(1.2),
        ]
    }
}
