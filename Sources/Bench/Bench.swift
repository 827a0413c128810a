import SystemSupport
import ArgumentParser
import Foundation
import Glibc
import SharedMemory
import SystemPackage

/// `sharedmemory-bench`: measures the figures of docs/PERFORMANCE.md, each as median and p95 and as a
/// ratio against a baseline measured in the same run.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharedmemory-bench",
        abstract: "Measures lock, load, viewer latency, idle cost, large text, start-up and memory figures.",
        discussion: """
            The viewer figures start the real sharedmemory viewer with --trace. Without DISPLAY the bench \
            runs itself again under `xvfb-run -a dbus-run-session`. Build the apps first, e.g.
              swift build -c release --scratch-path .build-bench
            """)

    @Flag(help: "Few repetitions: checks that every figure can be measured, not how fast.")
    var quick = false

    @Flag(name: .customLong("pictures"), help: "Only the picture figures (a 6000 x 6000 PNG in the viewer).")
    var picturesOnly = false
    @Flag(help: "Print the figures as JSON instead of a table.")
    var json = false

    @Flag(name: .customLong("skip-gui"), help: "Only the library figures (no display needed).")
    var skipGUI = false

    @Flag(name: .customLong("hard-text"),
          help: "Only the hard-text family: long lines, base64, JSON, newlines, combining marks, RTL, emoji, tabs, CJK.")
    var hardText = false

    @Option(name: .customLong("corpus"), parsing: .upToNextOption,
            help: "With --hard-text: only these corpora (e.g. line_300k emoji_300k); the friendly baseline is always measured.")
    var corpora: [String] = []

    @Option(name: .customLong("hard-text-as"),
            help: "With --hard-text: name every corpus file with this extension (e.g. json, c, md), so the viewer highlights it as that language (default txt: plain text).")
    var hardTextAs = "txt"

    @Option(name: .customLong("viewer-highlight-limit"),
            help: "Pass --highlight-limit BYTES to the viewer (with --hard-text-as, to highlight texts over the viewer's default limit).")
    var viewerHighlightLimit: Int?

    @Flag(name: .customLong("whole-text"),
          help: "Only the whole-content figures (also in the default run): 64 MiB of lines and one 100 MiB line in the viewer, against 10 KiB.")
    var wholeText = false

    @Option(name: .customLong("whole-text-mib"),
            help: "With --whole-text: also this many MiB (at most 1 GiB less 4 KiB) of 64-byte lines, of one letter, of NULs, of 0xFF and of \\r (e.g. 512; needs about 3 times that in memory).")
    var wholeTextMiB = 0

    @Flag(name: .customLong("startup"),
          help: "Only the start-up figures (with --viewer/--loader, e.g. to set two builds side by side).")
    var startupOnly = false

    @Option(help: "The sharedmemory viewer binary (default: next to this binary).")
    var viewer: String?

    @Option(help: "The sharedmemory_loader binary (default: next to this binary).")
    var loader: String?

    static let xvfbMarker = "SHAREDMEMORY_BENCH_UNDER_XVFB"
    /// Under Xvfb our real stdout travels in this descriptor: the session bus and the services it
    /// activates (AT-SPI prints a banner) inherit fd 1, which must not mix into the report or JSON.
    static let stdoutFD: Int32 = 9

    mutating func run() throws {
        if ProcessInfo.processInfo.environment[Self.xvfbMarker] != nil, fcntl(Self.stdoutFD, F_GETFD) >= 0 {
            dup2(Self.stdoutFD, 1)
            close(Self.stdoutFD)
        }
        let directory = (Self.executablePath() as NSString).deletingLastPathComponent
        let viewerPath = viewer ?? directory + "/sharedmemory"
        let loaderPath = loader ?? directory + "/sharedmemory_loader"
        if !skipGUI {
            for path in [viewerPath, loaderPath] where access(path, X_OK) != 0 {
                throw ValidationError("\(path) is not an executable. Build the apps first "
                                      + "(swift build -c release --scratch-path .build-bench), pass --viewer/--loader, or use --skip-gui.")
            }
            try Self.ensureDisplay()
        }

        let unknown = corpora.filter { label in !HardCorpus.all.contains { $0.label == label } }
        guard unknown.isEmpty else {
            throw ValidationError("unknown corpus \(unknown.joined(separator: ", ")); known: "
                                  + HardCorpus.all.map(\.label).joined(separator: " "))
        }
        let effort = Effort(quick: quick)
        let workspace = try Workspace()
        var figures: [Figure] = []
        var failures: [String] = []
        func group(_ name: String, _ body: () throws -> [Figure]) {
            Self.progress("measuring \(name)...")
            let start = monotonicNanoseconds()
            do {
                figures += try body()
            } catch {
                failures.append("\(name): \(error)")
                Self.progress("FAILED \(name): \(error)")
            }
            Self.progress(String(format: "  %@ took %.1f s", name, Double(monotonicNanoseconds() - start) / 1e9))
        }

        if startupOnly {
            guard !skipGUI, !hardText else { throw ValidationError("--startup needs a display; it excludes --skip-gui and --hard-text") }
            group("start-up") {
                try Startup(effort: effort, workspace: workspace, viewer: viewerPath, loader: loaderPath).run()
            }
        } else if picturesOnly {
            try Self.ensureDisplay()
            group("large picture") { try LargePicture(effort: effort, workspace: workspace, viewer: viewerPath).run() }
        } else if wholeText {
            try Self.ensureDisplay()
            group("whole text") {
                try WholeText(effort: effort, workspace: workspace, viewer: viewerPath, largeMiB: wholeTextMiB).run()
            }
        } else if hardText {
            let viewerArguments = viewerHighlightLimit.map { ["--highlight-limit", String($0)] } ?? []
            group("hard text") {
                try HardText(effort: effort, workspace: workspace, viewer: viewerPath, fileExtension: hardTextAs,
                             viewerArguments: viewerArguments, only: corpora).run()
            }
        } else {
            group("lock, semop, memcpy and load") { try Micro(effort: effort, workspace: workspace).run() }
            group("SharedMemory against Qt's QSharedMemory") { try QtComparison(effort: effort, workspace: workspace).run() }
            group("sharedmemory-ctl load against cp") {
                try CtlLoad(effort: effort, workspace: workspace, ctl: directory + "/sharedmemory-ctl").run()
            }
        }
        if !hardText, !startupOnly, !picturesOnly, !wholeText {
            group("assets folder listing") { try Listing(effort: effort, workspace: workspace).run() }
        }
        if !skipGUI, !hardText, !startupOnly, !picturesOnly, !wholeText {
            group("change-to-display latency") { try ViewerLatency(effort: effort, workspace: workspace, viewer: viewerPath).run() }
            group("viewer idle cost") { try ViewerIdle(effort: effort, workspace: workspace, viewer: viewerPath).run() }
            group("large text") { try LargeText(effort: effort, workspace: workspace, viewer: viewerPath).run() }
            group("whole text") { try WholeText(effort: effort, workspace: workspace, viewer: viewerPath).run() }
            group("start-up") {
                try Startup(effort: effort, workspace: workspace, viewer: viewerPath, loader: loaderPath).run()
            }
            group("memory") { try Memory(effort: effort, workspace: workspace, viewer: viewerPath).run() }
            group("memory over many loads") { try LoadSoak(effort: effort, workspace: workspace, viewer: viewerPath).run() }
            group("large picture") { try LargePicture(effort: effort, workspace: workspace, viewer: viewerPath).run() }
        }

        let environment = Self.environment(quick: quick, viewer: skipGUI ? nil : viewerPath)
            + failures.enumerated().map { ("failed \($0.offset + 1)", $0.element) }
        print(json ? Report.json(figures, environment: environment) : Report.text(figures, environment: environment))
        if !failures.isEmpty { throw ExitCode(1) }
    }

    /// Without an X display, runs this same command again under Xvfb and a private session bus.
    static func ensureDisplay() throws {
        let environment = ProcessInfo.processInfo.environment
        guard (environment["DISPLAY"] ?? "").isEmpty else { return }
        guard environment[xvfbMarker] == nil else {
            throw ValidationError("DISPLAY is still unset under xvfb-run; use --skip-gui")
        }
        let xvfbRun = "/usr/bin/xvfb-run", session = "/usr/bin/dbus-run-session"
        guard access(xvfbRun, X_OK) == 0, access(session, X_OK) == 0 else {
            throw ValidationError("No DISPLAY, and xvfb-run or dbus-run-session is missing (apt-get install xvfb xauth dbus). "
                                  + "Run under a display, or use --skip-gui for the library figures only.")
        }
        progress("no DISPLAY: running again under xvfb-run -a dbus-run-session")
        setenv(xvfbMarker, "1", 1)
        fflush(nil)
        dup2(1, stdoutFD)   // without O_CLOEXEC: it survives the execs
        dup2(2, 1)          // what the wrappers and the session bus print goes to stderr
        let arguments = [xvfbRun, "-a", "-s", "-screen 0 1600x1000x24", session, "--", executablePath()]
            + CommandLine.arguments.dropFirst()
        let argv = arguments.map { strdup($0) } + [nil]
        execv(xvfbRun, argv)
        throw ValidationError("execv \(xvfbRun): \(SystemPackage.Errno(rawValue: errno).explanation)")
    }

    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard count > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func environment(quick: Bool, viewer: String?) -> [(String, String)] {
        var name = utsname()
        uname(&name)
        let kernel = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown"
        #if DEBUG
        let build = "debug (figures are not representative; use -c release)"
        #else
        let build = "release"
        #endif
        return [
            ("date", ISO8601DateFormatter().string(from: Date())),
            ("kernel", kernel),
            ("cpu", "\(cpu), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) online"),
            ("build", build),
            ("mode", quick ? "quick (few repetitions)" : "full"),
            ("viewer", viewer ?? "skipped (--skip-gui)"),
            ("display", ProcessInfo.processInfo.environment["DISPLAY"] ?? "none"),
        ]
    }

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data(("sharedmemory-bench: " + text + "\n").utf8))
    }
}
