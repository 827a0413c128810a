import CGtk
import CGtkSource

/// A GtkSourceView language: its id ("json", "sh") and its name as GtkSourceView translates it
/// ("JSON", "sh").
public struct SyntaxLanguage: Sendable, Equatable {
    public let id: String
    public let name: String

    /// The language GtkSourceView guesses for a file: the content type GIO guesses from the name
    /// and the first bytes (`g_content_type_guess`), then the language manager's match of name
    /// globs and content type (`gtk_source_language_manager_guess_language`). Without a name (the
    /// seed format) only the bytes speak. nil: plain text.
    @MainActor
    public static func guess(fileName: String?, text: String) -> SyntaxLanguage? {
        let head = Array(text.utf8.prefix(sniffBytes))
        let contentType = head.withUnsafeBufferPointer { bytes in
            g_content_type_guess(fileName, bytes.baseAddress, gsize(bytes.count), nil)
        }
        defer { g_free(contentType) }
        let manager = gtk_source_language_manager_get_default()
        guard let language = gtk_source_language_manager_guess_language(manager, fileName, contentType) else { return nil }
        return SyntaxLanguage(id: String(cString: gtk_source_language_get_id(language)),
                              name: String(cString: gtk_source_language_get_name(language)))
    }

    /// How much of the text GIO's sniffing looks at (its own magic rules read about as much).
    static let sniffBytes = 4096
}
