import Glibc
import Localization
import ProjectVersion

/// An app's command line, parsed by GLib into `OptionValues` and checked by `init(_:)`.
public protocol AppOptions {
    /// The defaults, before parsing.
    init()
    /// Checks the parsed values; throws `InvalidOption` with the words for stderr.
    init(_ values: OptionValues) throws
    static var definitions: [CommandLineOption] { get }
    static var summary: String { get }
}

/// The one window of an app run by `runApp`.
@MainActor
public protocol AppWindow: AnyObject {
    associatedtype Options: AppOptions
    init(application: Application, options: Options)
    func present()
    /// Lets go of what lives outside the process (the segment); quitting waits for it, boundedly.
    func finish()
    /// The process' exit status when the main loop ended normally (non-zero: e.g. no segment).
    var exitStatus: Int32 { get }
}

extension CommandLineOption {
    /// `--version`: prints the program name and the project's one version (`ProjectVersion`), then exits.
    public static var version: CommandLineOption {
        CommandLineOption("version", kind: .flag, description: tr("Print the program name and version, then exit"))
    }
}

/// Runs an app of this project: parses its options, answers `--version`, builds `Window` once, adds the quit action
/// (Ctrl+Q, Ctrl+W) and those of `actions`, quits cleanly on SIGINT/SIGTERM/SIGHUP, calls `finish()`
/// on shutdown and when the display is lost, and exits with the window's status.
///
/// Non-unique (`G_APPLICATION_NON_UNIQUE`): a unique GtkApplication registers its id on the session
/// bus and a second start only activates the first process. Each start is bound to its own `--key`,
/// so it must be its own process with its own window.
@MainActor
public func runApp<Window: AppWindow>(id: String, program: String, window: Window.Type,
                                      actions: @escaping @MainActor (Application, Window) -> Void = { _, _ in }) -> Never {
    Localization.setUp()  // before GTK starts and before any option text is made
    let app = Application(id: id, unique: false, options: Window.Options.definitions + [CommandLineOption.version],
                          summary: Window.Options.summary)
    let state = AppState<Window>()
    app.onOptions { values in
        if values.flag(CommandLineOption.version.name) {   // before any check: `--version` always answers
            Console.output(ProjectVersion.line(program: program))
            return 0
        }
        do {
            if let stray = values.positional.first {
                throw InvalidOption(tr("unexpected argument \"{argument}\": {program} takes options only").filling(["program": program, "argument": stray]))
            }
            state.options = try Window.Options(values)
        } catch {
            return InvalidOption.report(error, program: program)
        }
        return nil
    }
    app.onActivate {
        if state.window == nil {
            let window = Window(application: app, options: state.options)
            state.window = window
            app.addAction("quit", accelerators: ["<Primary>q", "<Primary>w"]) { app.quit() }
            actions(app, window)
        }
        state.window?.present()
    }
    app.onShutdown { state.window?.finish() }   // window closed, SIGINT, SIGTERM, SIGHUP
    app.quitOnUnixSignals()
    app.onDisplayLost {   // logout or a dead X server: GDK ends the process next, so let go now
        Console.error(tr("{program}: lost the connection to the display; detaching from the segment").filling(["program": program]))
        state.window?.finish()
    }
    let status = app.run()
    exit(status != 0 ? status : state.window?.exitStatus ?? 0)
}

/// The parsed options and the window, shared by `runApp`'s signal handlers (all on the main thread).
@MainActor
private final class AppState<Window: AppWindow> {
    var options = Window.Options()
    var window: Window?
}
