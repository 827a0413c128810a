import Foundation
import Glibc

/// Peak resident memory of the viewer showing a 1 MiB and a 64 MiB segment (VmHWM of /proc/PID/status),
/// against the same process just before the load (showing the empty segment). The private memory the
/// load added (RssAnon growth, in payload units) tells how many copies it keeps: the snapshot kept for
/// change detection, the GTK buffer (at most DisplayText.defaultLimit of text) and any leftovers.
struct Memory {
    let effort: Effort
    let workspace: Workspace
    let viewer: String

    func run() throws -> [Figure] {
        var figures: [Figure] = []
        for item in [(label: "1m", bytes: 1 << 20), (label: "64m", bytes: 64 << 20)] {
            let name = try workspace.file(size: item.bytes)
            var empty: [Double] = []
            var peak: [Double] = []
            var anonGrowth: [Double] = []
            var shmem: [Double] = []
            for _ in 0..<effort.memoryRuns {
                let session = try ViewerSession(viewer: viewer, workspace: workspace, purpose: "memory", size: item.bytes + 320)
                session.collectEvents(for: 0.5)
                let pid = session.pid
                guard let hwm0 = ProcessStats.statusBytes(pid, "VmHWM"),
                      let anon0 = ProcessStats.statusBytes(pid, "RssAnon") else { throw Child.Failure(description: "no /proc/\(pid)/status") }
                _ = try session.load(name)
                _ = try session.waitForRender(timeout: 60)
                session.collectEvents(for: 1)   // GTK finishes laying out in idle callbacks
                guard let hwm1 = ProcessStats.statusBytes(pid, "VmHWM"),
                      let anon1 = ProcessStats.statusBytes(pid, "RssAnon"),
                      let shared = ProcessStats.statusBytes(pid, "RssShmem") else { throw Child.Failure(description: "viewer exited") }
                session.child.terminate()
                empty.append(Double(hwm0) / 1048576)
                peak.append(Double(hwm1) / 1048576)
                anonGrowth.append(Double(anon1 - anon0) / Double(item.bytes))
                shmem.append(Double(shared) / 1048576)
            }
            let baseline = Figure("rss_empty_\(item.label)_mib", "same-run baseline: viewer VmHWM before the load (\(item.label) segment)",
                                  unit: "MiB", samples: empty)
            figures += [
                baseline,
                Figure("rss_peak_\(item.label)_mib", "viewer VmHWM after showing \(item.label)", unit: "MiB", samples: peak)
                    .against(baseline),
                Figure("rss_shmem_\(item.label)_mib", "of which the mapped segment (RssShmem) after showing \(item.label)",
                       unit: "MiB", samples: shmem),
                Figure("private_growth_\(item.label)_payloads", "viewer RssAnon growth by the load, in units of the \(item.label) payload",
                       unit: "x", samples: anonGrowth,
                       note: "includes the GTK text buffer (text capped at DisplayText.defaultLimit = 4 MiB) and malloc leftovers"),
            ]
        }
        return figures
    }
}
