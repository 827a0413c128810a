import CGtk

/// A vertical scrollbar over a whole content of which a text view shows a window (the viewer's
/// big texts): its range is the content's bytes, its value the first byte on screen. Set by the
/// caller as the view scrolls (`show`), and moved by the user (`onMoved`: a drag, a click in the
/// trough, the wheel over it), which the caller answers by moving the window.
@MainActor
public final class WindowScrollbar: Widget {
    private let adjustment: UnsafeMutablePointer<GtkAdjustment>
    private var isSetting = false
    /// Called with the byte the user moved the bar to, and whether it is at the end of its range.
    public var onMoved: (@MainActor (_ byte: Int, _ atEnd: Bool) -> Void)?

    public init() {
        adjustment = gtk_adjustment_new(0, 0, 1, 1, 1, 1)
        super.init(gtk_scrollbar_new(GTK_ORIENTATION_VERTICAL, adjustment))
        connectSignal(UnsafeMutableRawPointer(adjustment), "value-changed") { [weak self] in
            guard let self, !self.isSetting else { return }
            let value = gtk_adjustment_get_value(self.adjustment)
            let end = gtk_adjustment_get_upper(self.adjustment) - gtk_adjustment_get_page_size(self.adjustment)
            self.onMoved?(Int(value.rounded(.down)), value >= end - 0.5)
        }
    }

    /// Shows `first` (the first byte on screen) and `page` bytes of `total`, without calling `onMoved`.
    public func show(first: Int, page: Int, total: Int) {
        isSetting = true
        defer { isSetting = false }
        let page = Double(max(1, min(page, total)))
        gtk_adjustment_configure(adjustment, Double(min(first, max(0, total - Int(page)))), 0, Double(max(total, 1)),
                                 max(1, page / 16), page, page)
    }

    /// The first byte the bar shows (its value).
    public var first: Int { Int(gtk_adjustment_get_value(adjustment)) }
}
