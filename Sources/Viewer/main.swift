import GtkSupport

runApp(id: "org.sharedmemorygtk.Viewer", program: "sharedmemory", window: ViewerWindow.self)
