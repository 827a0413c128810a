import CGtk

/// A GtkApplication with GLib-parsed options, an activate closure and clean shutdown on
/// Unix signals.
@MainActor
public final class Application {
    /// The underlying `GtkApplication *`, kept for the life of the process.
    public let gtkApplication: UnsafeMutablePointer<GtkApplication>
    private let optionTable: OptionTable
    private var gApplication: UnsafeMutablePointer<GApplication> {
        UnsafeMutableRawPointer(gtkApplication).assumingMemoryBound(to: GApplication.self)
    }

    /// Creates the application.
    /// - Parameters:
    ///   - id: reverse-DNS application id.
    ///   - unique: false gives `G_APPLICATION_NON_UNIQUE`: every start is its own process
    ///     with its own windows instead of activating an already running instance.
    ///   - options: the command line options, parsed by GLib.
    ///   - summary: extra text for `--help`.
    public init(id: String, unique: Bool, options: [CommandLineOption] = [], summary: String? = nil) {
        gtkApplication = gtk_application_new(id, unique ? G_APPLICATION_DEFAULT_FLAGS : G_APPLICATION_NON_UNIQUE)
        optionTable = OptionTable(options)
        g_application_add_main_option_entries(gApplication, optionTable.entries)
        if let summary { g_application_set_option_context_summary(gApplication, summary) }
    }

    /// Called with the parsed options before the application registers. Return nil to go on,
    /// or an exit code to stop at once (e.g. after printing an option error to stderr).
    public func onOptions(_ handler: @escaping @MainActor (OptionValues) -> Int32?) {
        // GLib has parsed the command line into the option table when this signal runs.
        connectDictSignal(gtkApplication, "handle-local-options") { [optionTable] _ in
            handler(optionTable.values) ?? -1   // -1: continue default processing
        }
    }

    /// Called when the application is activated (once per process for a non-unique one):
    /// build and present the windows here.
    public func onActivate(_ handler: @escaping @MainActor () -> Void) {
        connectSignal(gtkApplication, "activate", handler)
    }

    /// Called when the main loop has ended, before `run` returns.
    public func onShutdown(_ handler: @escaping @MainActor () -> Void) {
        connectSignal(gtkApplication, "shutdown", handler)
    }

    /// Ends the application on these Unix signals (default SIGINT, SIGTERM, SIGHUP) the same way
    /// as closing the last window, so `onShutdown` runs and resources are released.
    public func quitOnUnixSignals(_ signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        for signal in signals {
            MainLoop.addUnixSignal(signal) { [weak self] in
                self?.quit()
                return true
            }
        }
    }

    /// Stops the main loop; `run` then returns.
    public func quit() { g_application_quit(gApplication) }

    /// Parses the command line, runs the main loop and returns the exit status.
    public func run(arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = CommandLine.unsafeArgv,
                    count: Int32 = CommandLine.argc) -> Int32 {
        g_application_run(gApplication, count, arguments)
    }
}
