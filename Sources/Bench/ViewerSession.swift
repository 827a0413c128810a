import Foundation
import Glibc
import SharedFile

/// The viewer's fast poll period (ViewerWindow.fastPollMilliseconds, used for seed segments; a
/// framed segment wakes the viewer on each write instead), used only to state targets and to give
/// the in-process baseline poller the same period.
let viewerPollMilliseconds = 25.0

/// One `sharedmemory trace:` line of the viewer, as key=value fields.
struct TraceLine {
    var fields: [String: String]

    static let marker = "sharedmemory trace:"

    init?(_ line: String) {
        guard let range = line.range(of: Self.marker) else { return nil }
        fields = [:]
        for token in line[range.upperBound...].split(separator: " ") {
            guard let equals = token.firstIndex(of: "=") else { continue }
            fields[String(token[..<equals])] = String(token[token.index(after: equals)...])
        }
    }

    /// g_get_monotonic_time of the line, in nanoseconds (same clock as `monotonicNanoseconds`).
    var nanoseconds: Int64? { fields["t_us"].flatMap { Int64($0) }.map { $0 * 1000 } }
    var generation: String? { fields["generation"] }
    /// nil or "render" for the per-render line; other events (first-chunk, mapped, ticks, scrolled-end) say so.
    var event: String? { fields["event"] }
    var isRender: Bool { event == nil || event == "render" }
    func microseconds(_ field: String) -> Double? { fields[field].flatMap { Double($0) } }
}

/// A real viewer started with `--trace` on a private key, and the loader code that writes to it.
final class ViewerSession {
    let child: Child
    let key: String
    private let loader: FileLoader
    private(set) var generation: UInt64 = 0
    /// Monotonic time just before exec, and the first render's trace line (the empty header).
    let spawnedAt: Int64
    private(set) var firstRender: TraceLine!

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(viewer: String, workspace: Workspace, purpose: String, size: Int? = nil, extraArguments: [String] = []) throws {
        key = workspace.newKey(purpose)
        var arguments = ["--key", key, "--trace"]
        if let size { arguments += ["--size", String(size)] }
        arguments += extraArguments
        spawnedAt = monotonicNanoseconds()
        child = try Child(viewer, arguments)
        loader = FileLoader(key: key, assetsDirectory: workspace.directory)
        // The first poll renders the empty header the viewer stamped: generation 0.
        guard let line = child.waitForLine(timeout: 20, { TraceLine($0).map { $0.isRender && $0.generation == "0" } ?? false }) else {
            child.terminate()
            throw Failure(description: "the viewer \(viewer) printed no first trace line (generation=0) within 20 s; "
                          + "does it support --trace? Last stderr:\n\(child.tail)")
        }
        firstRender = TraceLine(line)
    }

    deinit { child.terminate() }

    /// Loads a file of the workspace through FileLoader; returns the monotonic time right after the
    /// write ended (unlock + detach done).
    func load(_ name: String) throws -> Int64 {
        loader.loadFile(name)
        let end = monotonicNanoseconds()
        try loader.checkLoaded()
        generation &+= 1
        return end
    }

    /// Waits for the render line of the last load's generation; other lines are kept in `events`.
    func waitForRender(timeout: Double = 30) throws -> TraceLine {
        let wanted = String(generation)
        var found: TraceLine?
        _ = child.waitForLine(timeout: timeout) { line in
            guard let trace = TraceLine(line) else { return false }
            if trace.isRender, trace.generation == wanted { found = trace; return true }
            events.append(trace)
            return false
        }
        guard let found else {
            throw Failure(description: "no render trace for generation \(wanted) within \(timeout) s. Last stderr:\n\(child.tail)")
        }
        return found
    }

    /// Trace lines that are not render lines (first-chunk, ticks...), in order.
    var events: [TraceLine] = []

    /// Reads stderr lines for `seconds`, keeping trace events; stops early once `done` holds for one.
    func collectEvents(for seconds: Double, until done: ((TraceLine) -> Bool)? = nil) {
        let deadline = monotonicNanoseconds() + Int64(seconds * 1e9)
        while monotonicNanoseconds() < deadline {
            guard let line = child.readLine(timeout: Double(deadline - monotonicNanoseconds()) / 1e9) else { break }
            guard let trace = TraceLine(line), !trace.isRender else { continue }
            events.append(trace)
            if done?(trace) == true { return }
        }
    }

    var pid: pid_t { child.pid }
}
