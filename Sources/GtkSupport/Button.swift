import CGtk

/// A GtkButton with a label, an icon, or both.
@MainActor
public final class Button: Widget {
    /// Creates a button showing `label` and/or the themed icon `iconName` (e.g. "view-refresh-symbolic").
    public init(label: String? = nil, iconName: String? = nil) {
        super.init(gtk_button_new())
        let button = cast(GtkButton.self)
        if let label { gtk_button_set_label(button, label); gtk_button_set_use_underline(button, 1) }
        if let iconName {
            gtk_button_set_image(button, gtk_image_new_from_icon_name(iconName, GTK_ICON_SIZE_BUTTON))
            if label != nil { gtk_button_set_always_show_image(button, 1) }
        }
    }

    /// Lets the button's words shorten with an ellipsis ("Andere D…") when its window is made
    /// narrow, so that a long translation does not set the window's minimum width. The words come
    /// back whole when there is room. Call it after the label and image are set.
    public func allowShortening() {
        Self.ellipsizeLabels(in: widget, depth: 3)
    }

    private static func ellipsizeLabels(in widget: UnsafeMutablePointer<GtkWidget>, depth: Int) {
        let instance = UnsafeMutableRawPointer(widget).assumingMemoryBound(to: GTypeInstance.self)
        if g_type_check_instance_is_a(instance, gtk_label_get_type()) != 0 {
            gtk_label_set_ellipsize(UnsafeMutableRawPointer(widget).assumingMemoryBound(to: GtkLabel.self), PANGO_ELLIPSIZE_END)
            return
        }
        guard depth > 0, g_type_check_instance_is_a(instance, gtk_container_get_type()) != 0 else { return }
        let children = gtk_container_get_children(UnsafeMutableRawPointer(widget).assumingMemoryBound(to: GtkContainer.self))
        var node = children
        while let item = node {
            if let child = item.pointee.data { ellipsizeLabels(in: child.assumingMemoryBound(to: GtkWidget.self), depth: depth - 1) }
            node = item.pointee.next
        }
        g_list_free(children)
    }

    /// Called when the button is activated (click, Enter, Space, or AT-SPI's `click` action).
    public func onClicked(_ action: @escaping @MainActor () -> Void) { onSignal("clicked", action) }
}
