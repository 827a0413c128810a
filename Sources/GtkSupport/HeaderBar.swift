import CGtk

/// A GtkHeaderBar in place of the title bar: a title, a subtitle and the window buttons. Both
/// lines are labels of our own (a custom title) that ellipsize, so a long title never widens the
/// window; the header bar's own title, which GTK copies into the window title, stays the
/// application's name (window managers, tests and tools find the window by it).
@MainActor
public final class HeaderBar: Widget {
    private let titleLabel: UnsafeMutablePointer<GtkWidget>
    private let subtitleLabel: UnsafeMutablePointer<GtkWidget>
    private let windowTitle: String

    /// Creates a header bar with the close button; `windowTitle` is the window's fixed title and
    /// the shown title while `title` is nil.
    public init(windowTitle: String) {
        self.windowTitle = windowTitle
        titleLabel = Self.label(styleClass: "title")  // notr: a GTK style class
        subtitleLabel = Self.label(styleClass: "subtitle")  // notr: a GTK style class
        super.init(gtk_header_bar_new())
        gtk_header_bar_set_show_close_button(bar, 1)
        gtk_header_bar_set_title(bar, windowTitle)
        let column = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0)!
        gtk_widget_set_valign(column, GTK_ALIGN_CENTER)
        gtk_box_pack_start(UnsafeMutableRawPointer(column).assumingMemoryBound(to: GtkBox.self), titleLabel, 0, 0, 0)
        gtk_box_pack_start(UnsafeMutableRawPointer(column).assumingMemoryBound(to: GtkBox.self), subtitleLabel, 0, 0, 0)
        gtk_header_bar_set_custom_title(bar, column)
        gtk_widget_set_no_show_all(subtitleLabel, 1)   // shown with a subtitle only
        showTitles()
    }

    private var bar: UnsafeMutablePointer<GtkHeaderBar> { cast() }

    private static func label(styleClass: String) -> UnsafeMutablePointer<GtkWidget> {
        let label = gtk_label_new(nil)!
        let gtkLabel = UnsafeMutableRawPointer(label).assumingMemoryBound(to: GtkLabel.self)
        gtk_label_set_ellipsize(gtkLabel, PANGO_ELLIPSIZE_MIDDLE)   // the end of a name tells its type
        gtk_label_set_single_line_mode(gtkLabel, 1)
        gtk_label_set_width_chars(gtkLabel, 5)
        gtk_style_context_add_class(gtk_widget_get_style_context(label), styleClass)
        return label
    }

    /// The bold line; nil shows the window's title.
    public var title: String? { didSet { showTitles() } }

    /// The small line under the title; nil hides it.
    public var subtitle: String? { didSet { showTitles() } }

    private func showTitles() {
        gtk_label_set_text(UnsafeMutableRawPointer(titleLabel).assumingMemoryBound(to: GtkLabel.self), title ?? windowTitle)
        gtk_label_set_text(UnsafeMutableRawPointer(subtitleLabel).assumingMemoryBound(to: GtkLabel.self), subtitle ?? "")
        gtk_widget_set_visible(subtitleLabel, (subtitle != nil).gboolean)
    }
}

extension Window {
    /// Puts `bar` in place of the title bar (client-side decorations).
    public func setTitlebar(_ bar: HeaderBar) {
        gtk_widget_show_all(bar.widget)   // `present` shows the window's child only
        gtk_window_set_titlebar(cast(GtkWindow.self), bar.widget)
    }
}
