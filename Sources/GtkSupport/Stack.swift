import CGtk

/// A GtkStack: one child shown at a time, chosen by name; `switcher` gives the linked buttons
/// (GtkStackSwitcher) that choose it, for a header bar. Hidden children have no button.
@MainActor
public final class Stack: Widget {
    /// Called when the shown child changes (by a button or by `visibleName`), with its name.
    public var onChange: (@MainActor (String) -> Void)?

    public init() {
        super.init(gtk_stack_new())
        connectVoidSignalIgnoringArguments(UnsafeMutableRawPointer(widget), "notify::visible-child-name") { [weak self] in
            guard let self, let name = self.visibleName else { return }
            self.onChange?(name)
        }
    }

    private var stack: UnsafeMutablePointer<GtkStack> { cast() }

    /// Adds `child` under `name`, with `title` on its switcher button.
    public func add(_ child: Widget, name: String, title: String) {
        gtk_stack_add_titled(stack, child.widget, name, title)
    }

    /// The shown child's name; setting it shows that child (a hidden one is shown first).
    public var visibleName: String? {
        get { gtk_stack_get_visible_child_name(stack).map { String(cString: $0) } }
        set {
            guard let newValue, let child = gtk_stack_get_child_by_name(stack, newValue) else { return }
            gtk_widget_show(child)
            gtk_stack_set_visible_child_name(stack, newValue)
        }
    }

    /// Shows or hides a child (and its button).
    public func setVisible(_ name: String, _ visible: Bool) {
        guard let child = gtk_stack_get_child_by_name(stack, name) else { return }
        visible ? gtk_widget_show(child) : gtk_widget_hide(child)
    }

    /// The buttons that choose the shown child.
    public func switcher() -> Widget {
        let switcher = gtk_stack_switcher_new()!
        gtk_stack_switcher_set_stack(UnsafeMutableRawPointer(switcher).assumingMemoryBound(to: GtkStackSwitcher.self), stack)
        // The buttons' words may shorten ("Pic…") in a narrow window: three full labels made the
        // viewer's minimum width 555 px instead of 306 (issue 23's small minimum). The switcher
        // makes a button's label again whenever its page changes, hence on every "add".
        let buttons = gtk_container_get_children(UnsafeMutableRawPointer(switcher).assumingMemoryBound(to: GtkContainer.self))
        var node = buttons
        while let item = node {
            if let button = item.pointee.data {
                // Adwaita gives a switcher's text buttons a 100 px minimum width and 8 px sides.
                let provider = gtk_css_provider_new()
                gtk_css_provider_load_from_data(provider, "button { min-width: 0; padding-left: 6px; padding-right: 6px; }", -1, nil)  // notr: CSS
                gtk_style_context_add_provider(gtk_widget_get_style_context(button.assumingMemoryBound(to: GtkWidget.self)),
                                               OpaquePointer(provider), UInt32(GTK_STYLE_PROVIDER_PRIORITY_APPLICATION))
                g_object_unref(provider)
                Self.shortenLabel(of: button)
                connectVoidSignalIgnoringArguments(button, "add") { Self.shortenLabel(of: button) }
            }
            node = item.pointee.next
        }
        g_list_free(buttons)
        return Widget(switcher)
    }

    private static func shortenLabel(of button: gpointer) {
        guard let label = gtk_bin_get_child(button.assumingMemoryBound(to: GtkBin.self)),
              g_type_check_instance_is_a(UnsafeMutableRawPointer(label).assumingMemoryBound(to: GTypeInstance.self), gtk_label_get_type()) != 0
        else { return }
        gtk_label_set_ellipsize(UnsafeMutableRawPointer(label).assumingMemoryBound(to: GtkLabel.self), PANGO_ELLIPSIZE_END)
    }
}
