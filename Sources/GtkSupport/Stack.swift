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
        return Widget(switcher)
    }
}
