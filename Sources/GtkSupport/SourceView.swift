import CGtk
import CGtkSource

/// The viewer's reading view: a read-only GtkSourceView (a GtkTextView) with line numbers, the
/// current line marked, syntax highlighting and a style scheme that follows the theme's dark or
/// light look. Text goes in through `TextView`'s bounded, chunked insertion; the buffer is a
/// GtkSourceBuffer (a GtkTextBuffer), also when a huge text gets a fresh one.
@MainActor
public final class SourceView: TextView {
    /// The scheme for light themes and the one for dark themes (both ship with gtksourceview-4).
    public static let lightScheme = "classic"  // notr: a style scheme id
    public static let darkScheme = "oblivion"  // notr: a style scheme id

    private var schemeChanged: (@MainActor (SchemeChoice) -> Void)?
    /// The span `markMatches` marked last (character offsets).
    var markedMatches: Range<Int>?
    /// The scheme in use and whether the theme looked dark when it was chosen.
    public private(set) var scheme: SchemeChoice?

    /// Creates the view: monospace, line numbers, the current line highlighted, the scheme of the
    /// theme in effect (again whenever the theme changes).
    public init() {
        super.init(textView: gtk_source_view_new(), monospace: true)
        gtk_source_view_set_show_line_numbers(sourceView, 1)
        gtk_source_view_set_highlight_current_line(sourceView, 1)
        // Bracket matching marks the pair at the (hidden) cursor: noise in a reading view.
        gtk_source_buffer_set_highlight_matching_brackets(sourceBuffer, 0)
        Self.keepNoUndo(sourceBuffer)
        // A theme change (GTK_THEME, gtk-theme-name, gtk-application-prefer-dark-theme) restyles
        // every widget: choose again then. The scheme's own CSS restyles the view too, which
        // chooses the same scheme again (a no-op).
        onSignal("style-updated") { [weak self] in self?.followTheme() }
        followTheme()
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
        gtk_source_buffer_set_highlight_matching_brackets(fresh, 0)
        Self.keepNoUndo(fresh)
        return UnsafeMutableRawPointer(fresh).assumingMemoryBound(to: GtkTextBuffer.self)
    }

    /// A read-only view has nothing to undo, but a GtkSourceBuffer records every insertion and
    /// deletion for undo (the default is unlimited levels): every load kept its whole text there,
    /// ~300 KB per 266 KB load measured (Tests/reliability/memory_soak.py). No levels, no history.
    private static func keepNoUndo(_ buffer: UnsafeMutablePointer<GtkSourceBuffer>) {
        gtk_source_buffer_set_max_undo_levels(buffer, 0)
    }

    /// Highlights the text as `language` (nil: plain text); `highlight` false shows it plain too,
    /// without loading the language's definition. A definition not parsed at start-up is parsed
    /// from a later idle call (`LanguageDefinitions`): until then, and if another language was
    /// asked for meanwhile, the text stays plain.
    public func setLanguage(_ language: SyntaxLanguage?, highlight: Bool) {
        gtk_source_buffer_set_highlight_syntax(sourceBuffer, 0)   // no analysis of this text for the old language
        gtk_source_buffer_set_language(sourceBuffer, nil)
        guard highlight, let language else { requestedLanguage = nil; return }
        requestedLanguage = language.id
        LanguageDefinitions.shared.withLanguage(language.id) { [weak self] gtkLanguage in
            // A view destroyed meanwhile (the window closed during the parse) may be freed already.
            guard let self, !self.isDestroyed, self.requestedLanguage == language.id, let gtkLanguage else { return }
            gtk_source_buffer_set_language(self.sourceBuffer, gtkLanguage)
            gtk_source_buffer_set_highlight_syntax(self.sourceBuffer, 1)
        }
    }

    private var requestedLanguage: String?

    /// Line numbers in the gutter (on by default).
    public var showsLineNumbers: Bool {
        get { gtk_source_view_get_show_line_numbers(sourceView) != 0 }
        set { gtk_source_view_set_show_line_numbers(sourceView, newValue.gboolean) }
    }

    /// Calls `action` with each scheme chosen from now on, and once now.
    public func onSchemeChange(_ action: @escaping @MainActor (SchemeChoice) -> Void) {
        schemeChanged = action
        if let scheme { action(scheme) }
    }

    /// Sets the light or dark scheme, as the theme's window background says.
    private func followTheme() {
        let dark = Self.themeIsDark(gtk_widget_get_style_context(widget))
        let id = dark ? Self.darkScheme : Self.lightScheme
        guard scheme?.id != id,
              let gtkScheme = gtk_source_style_scheme_manager_get_scheme(gtk_source_style_scheme_manager_get_default(), id)
        else { return }
        let choice = SchemeChoice(id: id, name: String(cString: gtk_source_style_scheme_get_name(gtkScheme)), isDark: dark)
        scheme = choice
        gtk_source_buffer_set_style_scheme(sourceBuffer, gtkScheme)
        schemeChanged?(choice)
    }

    /// The theme in effect is dark when its window background (`theme_bg_color`, which every GTK 3
    /// theme defines, Adwaita's dark variant included) is dark. This covers GTK_THEME=Adwaita:dark,
    /// a theme named "...-dark" and gtk-application-prefer-dark-theme alike; the scheme's own
    /// colors do not count (they are not the theme's).
    static func themeIsDark(_ context: UnsafeMutablePointer<GtkStyleContext>?) -> Bool {
        var color = GdkRGBA()
        if gtk_style_context_lookup_color(context, "theme_bg_color", &color) == 0 {  // notr: a CSS color name
            // A theme without the name: its text color, light on a dark theme.
            gtk_style_context_get_color(context, GTK_STATE_FLAG_NORMAL, &color)
            return luminance(color) > 0.5
        }
        return luminance(color) < 0.5
    }

    private static func luminance(_ color: GdkRGBA) -> Double {
        0.2126 * color.red + 0.7152 * color.green + 0.0722 * color.blue
    }
}

/// A style scheme the view chose: its id ("oblivion"), its translated name and why.
public struct SchemeChoice: Sendable, Equatable {
    public let id: String
    public let name: String
    /// The theme looked dark.
    public let isDark: Bool
}
