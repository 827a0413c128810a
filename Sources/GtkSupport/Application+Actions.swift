import CGtk

extension Application {
    /// Adds an application action `app.NAME` run by `action`, with keyboard accelerators in GTK's
    /// syntax (e.g. "<Primary>q", "F5"). The accelerators work in every window of the application.
    public func addAction(_ name: String, accelerators: [String] = [], _ action: @escaping @MainActor () -> Void) {
        let simple = g_simple_action_new(name, nil)!
        connectVoidSignalIgnoringArguments(UnsafeMutableRawPointer(simple), "activate", action)
        g_action_map_add_action(OpaquePointer(gtkApplication), simple)
        g_object_unref(UnsafeMutableRawPointer(simple))   // the application holds it now
        guard !accelerators.isEmpty else { return }
        var cStrings = accelerators.map { strdup($0) } + [nil]
        defer { cStrings.forEach { free($0) } }
        cStrings.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) {
                gtk_application_set_accels_for_action(gtkApplication, "app.\(name)", $0.baseAddress)
            }
        }
    }
}
