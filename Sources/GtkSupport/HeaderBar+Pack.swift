import CGtk

extension HeaderBar {
    /// Adds `child` at the end of the bar (right, in left-to-right locales), shown.
    public func packEnd(_ child: Widget) {
        gtk_header_bar_pack_end(cast(GtkHeaderBar.self), child.widget)
        gtk_widget_show_all(child.widget)
    }
}

extension HeaderBar {
    /// Adds `child` at the start of the bar (left, in left-to-right locales), shown.
    public func packStart(_ child: Widget) {
        gtk_header_bar_pack_start(cast(GtkHeaderBar.self), child.widget)
        gtk_widget_show_all(child.widget)
    }
}
