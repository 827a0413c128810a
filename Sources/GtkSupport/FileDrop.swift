import CGtk

/// What was dropped on a widget, as GTK received it.
public enum DropData: Sendable, Equatable {
    /// A `text/uri-list` (files from a file manager, links from a browser): its URIs, in order.
    case uris([String])
    /// Plain text (a selection dragged from an editor): no file, said so by the receiver.
    case text(String)
}

typealias DropAction = @MainActor (DropData) -> Void

// `void drag-data-received (GtkWidget *, GdkDragContext *, gint x, gint y, GtkSelectionData *,
// guint info, guint time, gpointer user_data)`. With GTK_DEST_DEFAULT_ALL, GTK itself asks for the
// data on the drop and calls gtk_drag_finish once this returns.
private let dropTrampoline: @convention(c) (gpointer?, gpointer?, Int32, Int32, OpaquePointer?, guint, guint, gpointer?) -> Void = {
    _, _, _, _, selection, _, _, data in
    let box = CallbackBox<DropAction>.from(data)
    let dropped: DropData
    if let selection, gtk_selection_data_get_length(selection) < 0 {
        dropped = .uris([])   // the source gave nothing: said as an empty drop, not ignored
    } else if let selection, let uris = gtk_selection_data_get_uris(selection) {
        var list: [String] = []
        var next = uris
        while let uri = next.pointee {
            list.append(String(cString: uri))
            next += 1
        }
        g_strfreev(uris)
        dropped = .uris(list)
    } else if let selection, let text = gtk_selection_data_get_text(selection) {
        dropped = .text(String(cString: text))
        g_free(text)
    } else {
        dropped = .uris([])
    }
    MainActor.assumeIsolated { box.action(dropped) }
}
private let dropNotify: GClosureNotify = { data, _ in CallbackBox<DropAction>.release(data) }

extension Widget {
    /// Makes the widget a drop target for files (`text/uri-list`, preferred) and text, copied:
    /// `dropped` gets what was dropped, on the main loop, after the drag ended. GTK highlights the
    /// widget while a drag hovers over it.
    public func acceptDrops(_ dropped: @escaping @MainActor (DropData) -> Void) {
        gtk_drag_dest_set(widget, GTK_DEST_DEFAULT_ALL, nil, 0, GDK_ACTION_COPY)
        gtk_drag_dest_add_uri_targets(widget)   // first: a file manager offers both, the URIs win
        gtk_drag_dest_add_text_targets(widget)
        g_signal_connect_data(widget, "drag-data-received", unsafeBitCast(dropTrampoline, to: GCallback.self),   // notr: a GTK signal
                              CallbackBox<DropAction>(dropped).retainedPointer(), dropNotify, GConnectFlags(rawValue: 0))
    }
}
