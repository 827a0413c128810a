import CGtk
import Foundation

/// The desktop's recently used files (GtkRecentManager, `$XDG_DATA_HOME/recently-used.xbel`): what
/// this program adds, and its own entries back, newest first.
///
/// GtkRecentManager writes the file 250 ms after a change, from a timeout, and GtkApplication's
/// shutdown writes what is pending; a lost display ends the process without that shutdown, so
/// `save()` writes what is still unwritten at once (the windows' `finish()` calls it on both paths).
@MainActor
public final class RecentFiles {
    private let manager: UnsafeMutablePointer<GtkRecentManager>
    /// The application name the entries are registered under (and filtered by).
    private let application: String
    /// The group every entry of this program joins (as the spec's `bookmark:groups`).
    private let group: String
    /// An `add` or `remove` not yet written: GTK writes in its "changed" class handler.
    private var unsaved = false
    /// True while `save()` writes: on a lost display no widget may be touched meanwhile.
    private var saving = false
    private var changed: [@MainActor () -> Void] = []

    /// The default manager; entries are registered for `application` (e.g. the program name) in `group`.
    public init(application: String, group: String) {
        manager = gtk_recent_manager_get_default()
        self.application = application
        self.group = group
        // Runs after the class handler (RUN_FIRST), which wrote our change or read another program's.
        connectSignal(manager, "changed") { [weak self] in   // notr: a GTK signal
            guard let self else { return }
            self.unsaved = false
            guard !self.saving else { return }
            self.changed.forEach { $0() }
        }
    }

    /// Adds (or moves to the top) the local file `url`, with its MIME type guessed from its name
    /// (no disk access on the main loop). Shown in the list once GTK emits "changed".
    public func add(_ url: URL) {
        guard let uri = g_filename_to_uri(url.path, nil, nil) else { return }
        defer { g_free(uri) }
        let contentType = g_content_type_guess(url.path, nil, 0, nil)
        let mime = contentType.flatMap { g_content_type_get_mime_type($0) }
        g_free(contentType)
        defer { g_free(mime) }
        let strings = [url.lastPathComponent, "text/plain", application, application, group].map { $0.withCString { strdup($0)! } }   // notr: a MIME type
        defer { strings.forEach { free($0) } }
        var groups: [UnsafeMutablePointer<gchar>?] = [strings[4], nil]
        groups.withUnsafeMutableBufferPointer { groupList in
            var data = GtkRecentData(display_name: strings[0], description: nil, mime_type: mime ?? strings[1],
                                     app_name: strings[2], app_exec: strings[3], groups: groupList.baseAddress,
                                     is_private: 0)
            if gtk_recent_manager_add_full(manager, uri, &data) != 0 { unsaved = true }
        }
    }

    /// Removes `url` from the desktop's recent files (a file found gone).
    public func remove(_ url: URL) {
        guard let uri = g_filename_to_uri(url.path, nil, nil) else { return }
        defer { g_free(uri) }
        if gtk_recent_manager_remove_item(manager, uri, nil) != 0 { unsaved = true }
    }

    /// This program's local entries, newest first, at most `limit`.
    public func files(limit: Int) -> [URL] {
        var found: [(URL, Int)] = []
        var node = gtk_recent_manager_get_items(manager)
        let list = node
        while let current = node {
            let info = OpaquePointer(current.pointee.data)
            if gtk_recent_info_is_local(info) != 0, gtk_recent_info_has_application(info, application) != 0,
               let uri = gtk_recent_info_get_uri(info), let path = g_filename_from_uri(uri, nil, nil) {
                found.append((URL(fileURLWithPath: String(cString: path)), Int(gtk_recent_info_get_modified(info))))
                g_free(path)
            }
            gtk_recent_info_unref(info)
            node = current.pointee.next
        }
        g_list_free(list)
        return found.sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
    }

    /// Called after the list changed (our change written, or another program's read).
    public func onChanged(_ action: @escaping @MainActor () -> Void) { changed.append(action) }

    /// Writes an unsaved change now (on quit, and when the display is lost), without telling
    /// `onChanged` (the window is going away).
    public func save() {
        guard unsaved else { return }
        saving = true
        defer { saving = false }
        // g_signal_emit_by_name is variadic: emitv with the instance as the one parameter.
        var instance = GValue()
        g_value_init(&instance, gtk_recent_manager_get_type())
        g_value_set_object(&instance, manager)
        g_signal_emitv(&instance, g_signal_lookup("changed", gtk_recent_manager_get_type()), 0, nil)   // notr: its class handler writes the file
        g_value_unset(&instance)
    }
}
