import Foundation
import Glibc
import SharedFile

/// Viewer idle cost: CPU the viewer uses while the segment (holding 1 MiB of text) does not change,
/// and how often it re-renders meanwhile (it must not). The in-process poller runs at the same time
/// over the same windows as the baseline.
struct ViewerIdle {
    let effort: Effort
    let workspace: Workspace
    let viewer: String

    func run() throws -> [Figure] {
        let size = (1 << 20) + 320
        let name = try workspace.file(size: 1 << 20)
        let session = try ViewerSession(viewer: viewer, workspace: workspace, purpose: "idle", size: size)
        defer { session.child.terminate() }
        _ = try session.load(name)
        _ = try session.waitForRender()

        let poller = BaselinePoller(key: workspace.newKey("idlefloor"), size: size)
        try poller.start()
        defer { poller.stop() }
        FileLoader(key: poller.key, assetsDirectory: workspace.directory).loadFile(name)
        guard poller.waitForRender(1, timeout: 10) != nil else { throw Child.Failure(description: "baseline poller missed the load") }

        session.collectEvents(for: 1)  // settle: let GTK finish layout of the new text
        var viewerPercent: [Double] = []
        var floorPercent: [Double] = []
        var rendersPerMinute: [Double] = []
        for _ in 0..<effort.idleWindows {
            let wall0 = monotonicNanoseconds()
            guard let cpu0 = ProcessStats.cpuNanoseconds(session.pid) else { throw Child.Failure(description: "viewer exited") }
            let floor0 = poller.cpuNanoseconds
            var renders = 0
            // Read stderr during the window: render lines here mean an unchanged segment was re-rendered.
            let deadline = wall0 + Int64(effort.idleWindowSeconds * 1e9)
            while monotonicNanoseconds() < deadline {
                guard let line = session.child.readLine(timeout: Double(deadline - monotonicNanoseconds()) / 1e9) else { continue }
                if let trace = TraceLine(line), trace.isRender { renders += 1 }
            }
            guard let cpu1 = ProcessStats.cpuNanoseconds(session.pid) else { throw Child.Failure(description: "viewer exited") }
            let floor1 = poller.cpuNanoseconds
            let wall = Double(monotonicNanoseconds() - wall0)
            viewerPercent.append(Double(cpu1 - cpu0) / wall * 100)
            floorPercent.append(Double(floor1 - floor0) / wall * 100)
            rendersPerMinute.append(Double(renders) * 60e9 / wall)
        }
        let floor = Figure("idle_floor_cpu_percent", "same-run baseline: in-process poller CPU, same period, % of one core",
                           unit: "%", samples: floorPercent)
        let idle = Figure("idle_cpu_percent", "viewer CPU while nothing changes (1 MiB shown), % of one core",
                          unit: "%", samples: viewerPercent,
                          note: String(format: "%d windows of %.0f s; CPU from /proc/PID/task/*/schedstat", effort.idleWindows,
                                       effort.idleWindowSeconds))
            .against(floor).target("< 0.2 %") { $0.p95 < 0.2 }
        let renders = Figure("idle_renders_per_min", "viewer renders per minute while nothing changes",
                             unit: "1/min", samples: rendersPerMinute)
            .target("0") { $0.p95 == 0 }
        return [floor, idle, renders]
    }
}
