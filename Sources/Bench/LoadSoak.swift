import Foundation
import Glibc

/// The viewer's resident memory over many loads into one running viewer (issue 18): a 256 KiB
/// text file and a 256 KiB line without a break (folded for display) in turn, each waited for
/// until rendered. The growth per load after a settling run is the figure; the baseline is the
/// payload of one load, so the ratio says how many payloads each load leaves behind (0 when flat).
struct LoadSoak {
    let effort: Effort
    let workspace: Workspace
    let viewer: String

    static let payload = 256 << 10
    static let settling = 20

    func run() throws -> [Figure] {
        let names = [try workspace.file(size: Self.payload), try workspace.oneLineFile(size: Self.payload)]
        var perLoad: [Double] = []
        var ratio: [Double] = []
        for _ in 0..<effort.memoryRuns {
            let session = try ViewerSession(viewer: viewer, workspace: workspace, purpose: "soak", size: Self.payload + 4096)
            var settled = 0
            for n in 0..<(Self.settling + effort.soakLoads) {
                _ = try session.load(names[n % names.count])
                _ = try session.waitForRender(timeout: 60)
                if n + 1 == Self.settling {
                    guard let rss = ProcessStats.statusBytes(session.pid, "VmRSS") else { throw Child.Failure(description: "viewer exited") }
                    settled = rss
                }
            }
            session.collectEvents(for: 0.5)
            guard let end = ProcessStats.statusBytes(session.pid, "VmRSS") else { throw Child.Failure(description: "viewer exited") }
            session.child.terminate()
            let growth = Double(end - settled) / Double(effort.soakLoads)
            perLoad.append(growth / 1024)
            ratio.append(growth / Double(Self.payload))
        }
        return [
            Figure("rss_growth_per_load_kib", "viewer VmRSS growth per load over \(effort.soakLoads) loads of 256 KiB (after \(Self.settling))",
                   unit: "KiB", samples: perLoad),
            Figure("rss_growth_per_load_payloads", "the same in units of the 256 KiB payload (same-run baseline: one load's bytes)",
                   unit: "x", samples: ratio, note: "0 when flat; 1 would be a whole payload kept per load"),
        ]
    }
}
