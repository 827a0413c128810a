import Foundation
import Glibc

/// Start-up: from exec to the first window mapped, for each app. "Mapped" is the viewer's
/// `event=mapped` trace line when it prints one, else `xwininfo -name TITLE` reporting IsViewable
/// (polled every few ms; its own cost slightly slows the app under test). Baseline: the same binary
/// with `--help`, exec to exit (dynamic linking and GTK/GLib initialisation, no window).
struct Startup {
    let effort: Effort
    let workspace: Workspace
    let viewer: String
    let loader: String

    static let xwininfo = "/usr/bin/xwininfo"

    func run() throws -> [Figure] {
        var figures: [Figure] = []
        for app in [(label: "viewer", path: viewer, title: "Shared Memory"),
                    (label: "loader", path: loader, title: "Shared Memory Loader")] {
            var help: [Double] = []
            var mapped: [Double] = []
            var firstRender: [Double] = []
            var sources = Set<String>()
            for _ in 0..<effort.startupRuns {
                help.append(try helpTime(app.path))
                let key = workspace.newKey("startup")
                let arguments = app.label == "viewer" ? ["--key", key, "--trace"]
                    : ["--key", key, "--assets", workspace.directory.path]
                let result = try mapTime(app.path, arguments, title: app.title)
                mapped.append(result.mapped)
                sources.insert(result.source)
                if let render = result.firstRender { firstRender.append(render) }
            }
            let baseline = Figure("startup_\(app.label)_help_ms", "same-run baseline: \(app.label) --help, exec to exit",
                                  unit: "ms", samples: help)
            figures.append(baseline)
            figures.append(Figure("startup_\(app.label)_mapped_ms", "\(app.label): exec to first window mapped",
                                  unit: "ms", samples: mapped, note: "mapped seen by " + sources.sorted().joined(separator: ", "))
                .against(baseline))
            if app.label == "viewer" {
                figures.append(Figure("startup_viewer_first_render_ms", "viewer: exec to first render trace line (empty segment shown)",
                                      unit: "ms", samples: firstRender).against(baseline))
            }
        }
        return figures
    }

    private func helpTime(_ path: String) throws -> Double {
        let start = monotonicNanoseconds()
        let child = try Child(path, ["--help"])
        guard child.waitForExit(timeout: 20) else { throw Child.Failure(description: "\(path) --help did not exit") }
        return Double(monotonicNanoseconds() - start) / 1e6
    }

    private func mapTime(_ path: String, _ arguments: [String], title: String) throws
        -> (mapped: Double, source: String, firstRender: Double?) {
        let start = monotonicNanoseconds()
        let child = try Child(path, arguments)
        defer { child.terminate() }
        let deadline = start + 30_000_000_000
        var mapped: Int64?
        var source = ""
        var firstRender: Int64?
        while monotonicNanoseconds() < deadline {
            // Trace lines first: exact timestamps from inside the app.
            while let line = child.readLine(timeout: 0.003) {
                guard let trace = TraceLine(line), let time = trace.nanoseconds else { continue }
                if trace.event == "mapped", mapped == nil { mapped = time; source = "trace event=mapped" }
                if trace.isRender, firstRender == nil { firstRender = time }
            }
            if mapped == nil, isViewable(title) { mapped = monotonicNanoseconds(); source = "xwininfo polling" }
            let wantsRender = arguments.contains("--trace")
            if mapped != nil, !wantsRender || firstRender != nil { break }
            if child.hasExited { throw Child.Failure(description: "\(path) exited during start-up:\n\(child.tail)") }
        }
        guard let mapped else { throw Child.Failure(description: "no window \"\(title)\" mapped within 30 s:\n\(child.tail)") }
        return (Double(mapped - start) / 1e6, source, firstRender.map { Double($0 - start) / 1e6 })
    }

    /// True when a top-level window named `title` exists and is viewable.
    private func isViewable(_ title: String) -> Bool {
        let result = runCapturing(Self.xwininfo, ["-name", title])
        return result.status == 0 && result.output.contains("IsViewable")
    }
}
