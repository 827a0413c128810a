import CGtk

/// A GtkInfoBar holding one selectable label: a message above the content that the user closes
/// (its Close button). Hidden until `show(_:isError:)`.
@MainActor
public final class InfoBar: Widget {
    /// The message; its accessible name is the one given to `init`.
    public let label = Label()

    /// Creates a hidden bar whose label assistive technologies know as `accessibleName`, with a
    /// button labelled `closeLabel` (a mnemonic, e.g. "_Close") that hides it.
    public init(accessibleName: String, closeLabel: String) {
        super.init(gtk_info_bar_new())
        // A labelled button rather than GTK's icon-only close button, which has no accessible name.
        _ = gtk_info_bar_add_button(bar, closeLabel, GTK_RESPONSE_CLOSE.rawValue)
        label.setWrap(true)
        label.setSelectable(true)
        label.setAccessibleName(accessibleName)
        gtk_container_add(UnsafeMutableRawPointer(gtk_info_bar_get_content_area(bar))
            .assumingMemoryBound(to: GtkContainer.self), label.widget)
        gtk_widget_set_no_show_all(widget, 1)   // the window's show_all must not show it
        connectIntSignal(UnsafeMutableRawPointer(widget), "response") { [weak self] _ in self?.hide() }
    }

    private var bar: UnsafeMutablePointer<GtkInfoBar> { cast() }

    /// Shows `message`, as an error (red) or as information.
    public func show(_ message: String, isError: Bool) {
        gtk_info_bar_set_message_type(bar, isError ? GTK_MESSAGE_ERROR : GTK_MESSAGE_INFO)
        label.text = message
        gtk_widget_show(label.widget)
        gtk_widget_show(widget)
    }

    /// Hides the bar.
    public func hide() { gtk_widget_hide(widget) }

    /// Whether the bar is shown.
    public var isShown: Bool { gtk_widget_get_visible(widget) != 0 }
}
