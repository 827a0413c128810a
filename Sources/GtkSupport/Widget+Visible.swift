import CGtk

extension Widget {
    /// Shows or hides the widget; a hidden one stays hidden through its window's show_all.
    public func setVisible(_ visible: Bool) {
        gtk_widget_set_no_show_all(widget, visible ? 0 : 1)
        visible ? gtk_widget_show(widget) : gtk_widget_hide(widget)
    }
}
