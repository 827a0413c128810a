import CGtk
#if canImport(Glibc)
import Glibc
#endif

// When the X server goes away (logout, a crashed or killed server), GDK's I/O error handler
// ends the process with _exit(1): no shutdown signal, no atexit handlers. A program that owns
// resources outside the process (a shared memory segment) gets one last call here instead.

/// The action to run before the process ends; set once, on the main thread, before the loop runs.
nonisolated(unsafe) private var displayLostAction: (@MainActor () -> Void)?

private let displayIOErrorHandler: XIOErrorHandler = { _ in
    // Xlib calls this from the main loop's event processing, on the main thread.
    MainActor.assumeIsolated { displayLostAction?() }
    _exit(1)
}

extension Application {
    /// Runs `action` when the connection to the X display is lost, just before the process ends
    /// (it cannot go on without a display). No effect on other GDK backends.
    public func onDisplayLost(_ action: @escaping @MainActor () -> Void) {
        displayLostAction = action
        // After GtkApplication's own startup: GDK installs its handler when it opens the display.
        connectSignal(gtkApplication, "startup") {
            guard let display = gdk_display_get_default(),
                  String(cString: g_type_name_from_instance(
                      UnsafeMutableRawPointer(display).assumingMemoryBound(to: GTypeInstance.self))) == "GdkX11Display"
            else { return }
            XSetIOErrorHandler(displayIOErrorHandler)
        }
    }
}
