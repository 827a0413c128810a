import CGtk

/// A non-owning handle to a GtkWidget. GTK owns the widgets (a toplevel owns its children,
/// the application owns its windows); the Swift objects only keep typed access.
@MainActor
open class Widget {
    /// The underlying `GtkWidget *`.
    public let widget: UnsafeMutablePointer<GtkWidget>

    /// Wraps an existing widget pointer (as returned by the `gtk_*_new` functions).
    public init(_ widget: UnsafeMutablePointer<GtkWidget>) { self.widget = widget }

    /// Views the widget as another GTK struct type (the C cast macros are not imported).
    func cast<T>(_: T.Type = T.self) -> UnsafeMutablePointer<T> {
        UnsafeMutableRawPointer(widget).assumingMemoryBound(to: T.self)
    }

    /// The name assistive technologies (AT-SPI, the GUI tests) see for this widget.
    public func setAccessibleName(_ name: String) {
        atk_object_set_name(gtk_widget_get_accessible(widget), name)
    }

    /// What assistive technologies read after the name (AT-SPI's description).
    public func setAccessibleDescription(_ description: String) {
        atk_object_set_description(gtk_widget_get_accessible(widget), description)
    }

    /// Sets all four margins (start, end, top, bottom) in pixels.
    public func setMargins(_ margin: Int32) { setMargins(top: margin, bottom: margin, start: margin, end: margin) }

    /// Sets the margins in pixels.
    public func setMargins(top: Int32, bottom: Int32, start: Int32, end: Int32) {
        gtk_widget_set_margin_top(widget, top)
        gtk_widget_set_margin_bottom(widget, bottom)
        gtk_widget_set_margin_start(widget, start)
        gtk_widget_set_margin_end(widget, end)
    }

    /// A tooltip shown on hover.
    public func setTooltip(_ text: String) { gtk_widget_set_tooltip_text(widget, text) }

    /// Enables or disables user interaction.
    public func setSensitive(_ sensitive: Bool) { gtk_widget_set_sensitive(widget, sensitive.gboolean) }

    /// Gives the widget keyboard focus.
    public func grabFocus() { gtk_widget_grab_focus(widget) }

    /// Whether Tab and clicks may give the widget the keyboard focus. A selectable label is
    /// focusable by default; one that only shows a status should not be a Tab stop, where
    /// Ctrl+A / Ctrl+C would select and copy it instead of the content (issue 23).
    public func setFocusable(_ focusable: Bool) { gtk_widget_set_can_focus(widget, focusable.gboolean) }

    /// Connects a signal whose handler takes no arguments besides the instance (e.g. `changed`,
    /// `clicked`, `destroy`).
    public func onSignal(_ name: String, _ action: @escaping @MainActor () -> Void) {
        connectSignal(widget, name, action)
    }
}

extension Widget {
    /// Calls `action` once, after the frame clock of the widget's window has painted its next
    /// frame (`after-paint`): the moment a change is on screen. Without a frame clock (the widget
    /// is not realized) `action` runs at once.
    public func afterNextPaint(_ action: @escaping @MainActor () -> Void) {
        guard let clock = gtk_widget_get_frame_clock(widget) else { return action() }
        let handler = OneShotHandler(instance: UnsafeMutableRawPointer(clock))
        handler.id = connectSignal(handler.instance, "after-paint") { [handler] in
            handler.disconnect()
            action()
        }
        gtk_widget_queue_draw(widget)   // make sure a frame comes
    }

    /// Calls `action` after each allocation that changed the widget's size (a resize of its window).
    public func onSizeChanged(_ action: @escaping @MainActor (_ width: Int, _ height: Int) -> Void) {
        var last: (Int, Int)?
        connectVoidSignalIgnoringArguments(widget, "size-allocate") { [widget] in
            let size = (Int(gtk_widget_get_allocated_width(widget)), Int(gtk_widget_get_allocated_height(widget)))
            guard last.map({ $0 != size }) ?? true else { return }
            last = size
            action(size.0, size.1)
        }
    }

    /// Calls `action` once, on the first `map-event` of the widget (its X window became viewable).
    public func onFirstMapEvent(_ action: @escaping @MainActor () -> Void) {
        let handler = OneShotHandler(instance: UnsafeMutableRawPointer(widget))
        handler.id = connectEventSignal(handler.instance, "map-event") { [handler] in
            handler.disconnect()
            action()
        }
    }
}

/// A signal handler that disconnects itself the first time it runs (GLib allows that during
/// the emission; the closure is released once the emission is over).
@MainActor
private final class OneShotHandler {
    nonisolated(unsafe) let instance: gpointer
    var id: gulong = 0
    init(instance: gpointer) { self.instance = instance }
    func disconnect() {
        guard id != 0 else { return }
        g_signal_handler_disconnect(instance, id)
        id = 0
    }
}

extension Bool {
    var gboolean: gboolean { self ? 1 : 0 }
}

/// A GtkBox: children in a row or column with spacing.
@MainActor
public final class Box: Widget {
    /// Creates a vertical (default) or horizontal box with `spacing` pixels between children.
    public init(vertical: Bool = true, spacing: Int32 = 6) {
        super.init(gtk_box_new(vertical ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL, spacing))
    }

    /// Appends `child`; `expand` gives it the extra space of the box.
    public func add(_ child: Widget, expand: Bool = false, fill: Bool = true) {
        gtk_box_pack_start(cast(GtkBox.self), child.widget, expand.gboolean, fill.gboolean, 0)
    }
}

/// A GtkScrolledWindow around one child, with a frame.
@MainActor
public final class ScrolledWindow: Widget {
    /// Wraps `child` in scroll bars that appear when needed.
    public init(_ child: Widget) {
        super.init(gtk_scrolled_window_new(nil, nil))
        gtk_scrolled_window_set_policy(cast(GtkScrolledWindow.self), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC)
        gtk_scrolled_window_set_shadow_type(cast(GtkScrolledWindow.self), GTK_SHADOW_IN)
        gtk_container_add(cast(GtkContainer.self), child.widget)
    }

    /// Whether the vertical scrollbar shows (when needed); false: it scrolls, by the wheel and the
    /// keys, without a bar of its own (a `WindowScrollbar` beside it spans the whole content).
    public var showsVerticalScrollbar: Bool {
        get {
            var policy = GTK_POLICY_AUTOMATIC
            gtk_scrolled_window_get_policy(cast(GtkScrolledWindow.self), nil, &policy)
            return policy != GTK_POLICY_EXTERNAL
        }
        set {
            gtk_scrolled_window_set_policy(cast(GtkScrolledWindow.self), GTK_POLICY_AUTOMATIC,
                                           newValue ? GTK_POLICY_AUTOMATIC : GTK_POLICY_EXTERNAL)
        }
    }

    /// Wraps a wrapped `label` in an area that is always `lines` of its lines high, without a
    /// frame: a longer text scrolls inside it instead of making the window taller (a window that
    /// grows when its status changes jumps under the pointer), and a shorter one leaves room.
    public convenience init(status label: Label, lines: Int) {
        self.init(label)
        gtk_scrolled_window_set_policy(cast(GtkScrolledWindow.self), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC)
        gtk_scrolled_window_set_shadow_type(cast(GtkScrolledWindow.self), GTK_SHADOW_NONE)
        // A bar that is always drawn when the text is longer: an overlay one hides until hovered,
        // and the cut last line would look like the whole message.
        gtk_scrolled_window_set_overlay_scrolling(cast(GtkScrolledWindow.self), 0)
        gtk_scrolled_window_set_min_content_height(cast(GtkScrolledWindow.self), label.lineHeight * Int32(lines))
        gtk_scrolled_window_set_max_content_height(cast(GtkScrolledWindow.self), label.lineHeight * Int32(lines))
    }
}
