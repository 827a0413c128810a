import Glibc
import GtkSupport

// G_APPLICATION_NON_UNIQUE (unique: false): a unique GtkApplication registers its id on the
// session bus and a second start just activates the first process. Each viewer owns its own
// segment (--key), so a second viewer with another key must be its own process with its own
// window and segment, never a window of the first one.
let app = Application(id: "org.sharedmemorygtk.Viewer", unique: false,
                      options: ViewerOptions.definitions, summary: ViewerOptions.summary)
var options = ViewerOptions()
var viewer: ViewerWindow?

app.onOptions { values in
    do { options = try ViewerOptions(values) } catch { return InvalidOption.report(error, program: "sharedmemory") }
    return nil
}
app.onActivate {
    if viewer == nil {
        viewer = ViewerWindow(application: app, options: options)
        app.addAction("quit", accelerators: ["<Primary>q", "<Primary>w"]) { app.quit() }
    }
    viewer?.present()
}
app.onShutdown { viewer?.close() }   // window closed, SIGINT, SIGTERM, SIGHUP: detach
app.quitOnUnixSignals()
app.onDisplayLost {   // logout or a dead X server: detach all the same
    Console.error("sharedmemory: lost the connection to the display; detaching from the segment")
    viewer?.close()
}

let status = app.run()
exit(status != 0 ? status : viewer?.exitStatus ?? 0)
