import CGtk
#if canImport(Glibc)
import Glibc
#endif

// When the X server goes away (logout, a crashed or killed server), GDK's I/O error handler
// ends the process with _exit(1): no shutdown signal, no atexit handlers. A program that owns
// resources outside the process (a shared memory segment) gets one last call here instead.
// On Wayland GDK has no such handler: its event source reads the compositor's socket and
// _exit(1)s after "Error reading events from display". A source of higher priority watching the
// same socket for its hang-up runs first, and makes the same last call.

/// The action to run before the process ends; set once, on the main thread, before the loop runs.
nonisolated(unsafe) private var displayLostAction: (@MainActor () -> Void)?

private let displayIOErrorHandler: XIOErrorHandler = { _ in
    // Xlib calls this from the main loop's event processing, on the main thread.
    MainActor.assumeIsolated { displayLostAction?() }
    _exit(1)
}

private let compositorHangUp: GUnixFDSourceFunc = { _, _, _ in
    // The compositor closed its end (it ended or crashed); GDK's own source, of lower priority,
    // has not read the socket yet in this iteration of the main loop.
    MainActor.assumeIsolated { displayLostAction?() }
    _exit(1)
}

// GDK's Wayland source also flushes the requests it queued in its `prepare`, before any poll, and
// _exit(1)s when that write fails ("Error flushing display: Broken pipe"): a window that had
// drawn (a cursor blink) after the compositor died ended there, before the hang-up source ran.
// This source's `prepare` comes first (higher priority) and looks at the socket without waiting.

/// The compositor's socket, once the Wayland watch is installed.
nonisolated(unsafe) private var compositorSocket: Int32 = -1

private func compositorHasHungUp() -> Bool {
    var watched = pollfd(fd: compositorSocket, events: 0, revents: 0)   // POLLHUP and POLLERR come unasked
    return poll(&watched, 1, 0) == 1 && watched.revents & Int16(POLLHUP | POLLERR) != 0
}

nonisolated(unsafe) private var hangUpCheck = GSourceFuncs(
    prepare: { _, timeout in
        timeout?.pointee = -1
        if compositorSocket >= 0, compositorHasHungUp() {
            MainActor.assumeIsolated { displayLostAction?() }
            _exit(1)
        }
        return 0
    },
    check: { _ in 0 },
    dispatch: { _, _, _ in 1 },
    finalize: nil, closure_callback: nil, closure_marshal: nil)

extension Application {
    /// Runs `action` when the connection to the display is lost (the X server or the Wayland
    /// compositor went away), just before the process ends (it cannot go on without a display).
    /// No effect on other GDK backends.
    public func onDisplayLost(_ action: @escaping @MainActor () -> Void) {
        displayLostAction = action
        // After GtkApplication's own startup: GDK installs its handler when it opens the display.
        connectSignal(gtkApplication, "startup") {
            guard let display = gdk_display_get_default() else { return }
            switch String(cString: g_type_name_from_instance(
                UnsafeMutableRawPointer(display).assumingMemoryBound(to: GTypeInstance.self))) {
            case "GdkX11Display":  // notr: a GType name
                XSetIOErrorHandler(displayIOErrorHandler)
            case "GdkWaylandDisplay":  // notr: a GType name
                let socket = wl_display_get_fd(gdk_wayland_display_get_wl_display(display))
                g_unix_fd_add_full(G_PRIORITY_HIGH, socket, GIOCondition(rawValue: G_IO_HUP.rawValue | G_IO_ERR.rawValue),
                                   compositorHangUp, nil, nil)
                compositorSocket = socket
                let check = g_source_new(&hangUpCheck, UInt32(MemoryLayout<GSource>.size))
                g_source_set_priority(check, G_PRIORITY_HIGH)
                g_source_attach(check, nil)
                g_source_unref(check)
            default:
                break
            }
        }
    }
}
