import CGtk

/// A GtkLabel, left aligned.
@MainActor
public final class Label: Widget {
    /// Creates a label showing `text`.
    public init(_ text: String = "") {
        super.init(gtk_label_new(text))
        gtk_label_set_xalign(label, 0)
    }

    private var label: UnsafeMutablePointer<GtkLabel> { cast() }

    /// The shown text (plain, no markup); also the tooltip after ``limitLines(_:)``.
    public var text: String {
        get { String(cString: gtk_label_get_text(label)) }
        set {
            gtk_label_set_text(label, newValue)
            if tooltipShowsText { setTooltip(newValue) }
        }
    }

    private var tooltipShowsText = false

    /// Shows `text`, and after ``limitLines(_:)`` puts `detail` (the same facts said in full) in
    /// the tooltip, which is also the accessible description; nil: the text itself.
    public func setText(_ text: String, detail: String?) {
        gtk_label_set_text(label, text)
        if tooltipShowsText { setTooltip(detail ?? text) }
    }

    /// Shows at most `lines` wrapped lines, the last one ending in "…" when the text needs more, so
    /// that a long text (a 254-character file name) never makes the window taller: a wrapped label
    /// asks for the height of its text wrapped at its narrowest. The whole text stays in the
    /// accessible text, and in the tooltip (which is also the accessible description).
    public func limitLines(_ lines: Int) {
        gtk_label_set_ellipsize(label, PANGO_ELLIPSIZE_END)
        gtk_label_set_lines(label, Int32(lines))
        tooltipShowsText = true
        setTooltip(text)
    }

    /// The height of one line of text in the label's font, in logical pixels.
    public var lineHeight: Int32 {
        let layout = gtk_widget_create_pango_layout(widget, "Xg\nXg")
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        var width: Int32 = 0, height: Int32 = 0
        pango_layout_get_pixel_size(layout, &width, &height)
        return (height + 1) / 2
    }

    /// Where the text sits when the label has more room than it needs (0 = left / top).
    public func setAlignment(x: Float = 0, y: Float = 0.5) {
        gtk_label_set_xalign(label, x)
        gtk_label_set_yalign(label, y)
    }

    /// Lets the user select and copy the text.
    public func setSelectable(_ selectable: Bool) { gtk_label_set_selectable(label, selectable.gboolean) }

    /// Wraps long lines at word (or, for very long words, character) boundaries.
    public func setWrap(_ wrap: Bool) {
        gtk_label_set_line_wrap(label, wrap.gboolean)
        gtk_label_set_line_wrap_mode(label, PANGO_WRAP_WORD_CHAR)
    }

    /// Clears the selection of a selectable label (GTK selects all when focus moves into it).
    public func selectNone() { gtk_label_select_region(label, 0, 0) }

    /// Renders the text in bold (header lines).
    public func setBold() {
        let attributes = pango_attr_list_new()
        pango_attr_list_insert(attributes, pango_attr_weight_new(PANGO_WEIGHT_BOLD))
        gtk_label_set_attributes(label, attributes)
        pango_attr_list_unref(attributes)
    }

    /// Makes this label the visible label of `widget` (mnemonic and accessibility relation).
    public func setLabelFor(_ widget: Widget) { gtk_label_set_mnemonic_widget(label, widget.widget) }
}
