import Glibc
import GtkSupport

// G_APPLICATION_NON_UNIQUE (unique: false): with a unique application a second loader (e.g.
// for another --key) would only activate the first process, whose window writes to the
// first key. Each start must be its own process bound to its own key.
let app = Application(id: "org.sharedmemorygtk.Loader", unique: false,
                      options: LoaderOptions.definitions, summary: LoaderOptions.summary)
var options = LoaderOptions()
var loader: LoaderWindow?

app.onOptions { values in
    do { options = try LoaderOptions(values) } catch { return InvalidOption.report(error, program: "sharedmemory_loader") }
    return nil
}
app.onActivate {
    if loader == nil {
        loader = LoaderWindow(application: app, options: options)
        app.addAction("quit", accelerators: ["<Primary>q", "<Primary>w"]) { app.quit() }
        app.addAction("reload", accelerators: ["F5", "<Primary>r"]) { loader?.reloadSelected() }
    }
    loader?.present()
}
app.onShutdown { loader?.finish() }
app.quitOnUnixSignals()
app.onDisplayLost {   // logout or a dead X server: GDK ends the process next, so let go of the segment now
    Console.error("sharedmemory_loader: lost the connection to the display; detaching from the segment")
    loader?.finish()
}

let status = app.run()
exit(status != 0 ? status : loader?.exitStatus ?? 0)
