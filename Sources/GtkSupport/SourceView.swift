import CGtk
import CGtkSource

/// The viewer's reading view: a read-only GtkSourceView (a GtkTextView) with line numbers and the
/// current line marked. Text goes in through `TextView`'s bounded, chunked insertion; the buffer
/// is a GtkSourceBuffer (a GtkTextBuffer), also when a huge text gets a fresh one.
@MainActor
public final class SourceView: TextView {
    /// Creates the view: monospace, line numbers, the current line highlighted.
    public init() {
        super.init(textView: gtk_source_view_new(), monospace: true)
        gtk_source_view_set_show_line_numbers(sourceView, 1)
        gtk_source_view_set_highlight_current_line(sourceView, 1)
    }

    var sourceView: UnsafeMutablePointer<GtkSourceView> { cast() }
    var sourceBuffer: UnsafeMutablePointer<GtkSourceBuffer> {
        UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: GtkSourceBuffer.self)
    }

    /// A fresh GtkSourceBuffer that highlights like the current one (language, scheme, on/off).
    override func makeFreshBuffer() -> UnsafeMutablePointer<GtkTextBuffer> {
        let old = sourceBuffer
        let fresh = gtk_source_buffer_new(nil)!
        gtk_source_buffer_set_language(fresh, gtk_source_buffer_get_language(old))
        gtk_source_buffer_set_style_scheme(fresh, gtk_source_buffer_get_style_scheme(old))
        gtk_source_buffer_set_highlight_syntax(fresh, gtk_source_buffer_get_highlight_syntax(old))
        return UnsafeMutableRawPointer(fresh).assumingMemoryBound(to: GtkTextBuffer.self)
    }
}
