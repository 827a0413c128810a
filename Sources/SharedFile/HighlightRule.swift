/// Whether the viewer highlights a text, from its language, size and folds (docs/PERFORMANCE.md,
/// "Issue 12"): GTK lays the screen out again once GtkSourceView's tags are on it, which took
/// 12-61 ms more of the main loop for JSON and Markdown than plain text, growing with the size
/// (worst 64-86 ms up to 256 KiB, 96-108 ms at 1 MiB, at light load). So by default those languages
/// are highlighted up to `slowToDrawLimit`, the others up to the viewer's limit.
public enum HighlightRule: Equatable, Sendable {
    case on
    /// Over the byte limit.
    case overLimit
    /// Lines were folded for display (hard text: the folds cut strings and comments).
    case folded
    /// A language whose highlighted screen costs the most to draw, over `slowToDrawLimit`; on with
    /// an explicit `--highlight-limit`.
    case slowToDraw

    /// GtkSourceView language ids whose highlighted screen cost the most to lay out (measured).
    public static let slowToDrawLanguages: Set<String> = ["json", "markdown"]  // notr: GtkSourceView ids
    /// Their default limit: the largest size measured under the 100 ms limit with room (256 KiB).
    public static let slowToDrawLimit = 256 << 10

    /// The rule for a text of `bytes` bytes in language `languageId`; `limitGiven` is whether the
    /// user chose `limit` (`--highlight-limit`), which then applies to every language.
    public static func decide(languageId: String, bytes: Int, foldedLines: Int, limit: Int, limitGiven: Bool) -> HighlightRule {
        if bytes > limit { return .overLimit }
        if foldedLines > 0 { return .folded }
        if !limitGiven, slowToDrawLanguages.contains(languageId), bytes > slowToDrawLimit { return .slowToDraw }
        return .on
    }
}
