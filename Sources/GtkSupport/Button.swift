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

    /// Called when the button is activated (click, Enter, Space, or AT-SPI's `click` action).
    public func onClicked(_ action: @escaping @MainActor () -> Void) { onSignal("clicked", action) }
}
