import CGtk

/// A GtkApplicationWindow: a toplevel that belongs to an `Application` and keeps it running.
@MainActor
public final class Window: Widget {
    /// Creates a window of `application` with a title, default size and icon: `iconName` from the
    /// icon theme (an installed copy), else the image at `iconFile` (a run from the source tree,
    /// where the theme has no such icon and the title bar would show a generic one).
    public init(application: Application, title: String, width: Int32, height: Int32,
                iconName: String? = nil, iconFile: String? = nil) {
        super.init(gtk_application_window_new(application.gtkApplication))
        gtk_window_set_title(window, title)
        gtk_window_set_default_size(window, width, height)
        if let iconName, gtk_icon_theme_has_icon(gtk_icon_theme_get_default(), iconName) != 0 {
            gtk_window_set_icon_name(window, iconName)
        } else if let iconFile {
            gtk_window_set_icon_from_file(window, iconFile, nil)   // an unreadable file: no icon, as before
        }
    }

    private var window: UnsafeMutablePointer<GtkWindow> { cast() }

    /// Sets the single child of the window.
    public func setChild(_ child: Widget) { gtk_container_add(cast(GtkContainer.self), child.widget) }

    /// Shows the window and its children and raises it. `focus` gets the keyboard focus; it is
    /// set before the window is shown because otherwise GTK focuses the first focusable child,
    /// and a selectable label focused that way shows its whole text selected.
    public func present(focus: Widget? = nil) {
        if let child = gtk_bin_get_child(cast(GtkBin.self)) { gtk_widget_show_all(child) }
        fitDefaultSizeToWorkArea()
        focus?.grabFocus()   // unlike gtk_window_set_focus, lets a combo box pass it to its button
        gtk_widget_show(widget)
        gtk_window_present(window)
    }

    /// Shrinks the default size to the monitor's work area (the screen less panels), title bar
    /// included: 720 x 520 at GDK_SCALE=2 is 1440 x 1040 device pixels, more than many laptop
    /// screens (issue 23). Application pixels throughout, as GDK gives them at any scale.
    private func fitDefaultSizeToWorkArea() {
        guard let display = gdk_display_get_default(),
              let monitor = gdk_display_get_primary_monitor(display) ?? gdk_display_get_monitor(display, 0) else { return }
        var area = GdkRectangle()
        gdk_monitor_get_workarea(monitor, &area)
        var width: Int32 = 0, height: Int32 = 0
        gtk_window_get_default_size(window, &width, &height)
        var titlebarHeight: Int32 = 0
        if let titlebar = gtk_window_get_titlebar(window) {
            gtk_widget_get_preferred_height(titlebar, nil, &titlebarHeight)
        }
        // The frame GTK draws around a client-side decorated window is not known before it is
        // shown: a little room is kept for it.
        let frame: Int32 = 32
        let fitted = (min(width, area.width - frame), min(height, area.height - titlebarHeight - frame))
        if fitted != (width, height), fitted.0 > 0, fitted.1 > 0 {
            gtk_window_set_default_size(window, fitted.0, fitted.1)
        }
    }
}
