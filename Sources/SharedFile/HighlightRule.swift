/// Whether the viewer highlights a text, from its language, size and folds (docs/PERFORMANCE.md,
/// "Issue 12"): GTK lays the screen out again once GtkSourceView's tags are on it, which took
/// 12-61 ms more of the main loop for JSON and Markdown whatever the text's size, and over 100 ms in
/// the worst runs under load. So those languages are highlighted by default only when asked for.
public enum HighlightRule: Equatable, Sendable {
    case on
    /// Over the byte limit.
    case overLimit
    /// Lines were folded for display (hard text: the folds cut strings and comments).
    case folded
    /// A language whose highlighted first screen stalled the window; on only with an explicit limit.
    case slowToDraw

    /// GtkSourceView language ids whose highlighted screen cost the most to lay out (measured).
    public static let slowToDrawLanguages: Set<String> = ["json", "markdown"]  // notr: GtkSourceView ids

    /// The rule for a text of `bytes` bytes in language `languageId`; `limitGiven` is whether the
    /// user chose `limit` (`--highlight-limit`), which then applies to every language.
    public static func decide(languageId: String, bytes: Int, foldedLines: Int, limit: Int, limitGiven: Bool) -> HighlightRule {
        if bytes > limit { return .overLimit }
        if foldedLines > 0 { return .folded }
        if !limitGiven, slowToDrawLanguages.contains(languageId) { return .slowToDraw }
        return .on
    }
}
