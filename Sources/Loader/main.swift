import GtkSupport

runApp(id: "org.sharedmemorygtk.Loader", program: "sharedmemory_loader", window: LoaderWindow.self) { app, loader in
    app.addAction("reload", accelerators: ["F5", "<Primary>r"]) { loader.reloadSelected() }
    app.addAction("open", accelerators: ["<Primary>o"]) { loader.chooseOtherFile() }
}
