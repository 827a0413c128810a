import CGtk
import CGtkSource

/// GtkSourceView language definitions, parsed on the main thread (GTK and GtkSourceView objects
/// live there only) but off the critical path: the slow ones are parsed at start-up from idle
/// calls at low priority, once the window is drawn, before a file asks for them.
///
/// GtkSourceView parses a language's definition (its XML and every file it refers to, each regex
/// compiled) the first time a buffer uses the language, and frees it when no buffer uses it any
/// more. That first use stalled the viewer: 14-30 ms for C, Swift and sh, 80-150 ms for JSON, HTML
/// and Markdown (measured on the 2-core VM under load; HTML embeds CSS and JavaScript, Markdown
/// HTML). A parse here gives the language to an empty buffer (highlighting off, so no analysis is
/// scheduled) that is kept for the life of the process, so the definition stays parsed and the
/// view's buffers share it. A language asked for before its turn is parsed next, from an idle call
/// after the text is drawn (the text shows plain until then).
@MainActor
public final class LanguageDefinitions {
    /// The one set of definitions of the process.
    public static let shared = LanguageDefinitions()

    /// The languages whose first parse costs most (measured above): parsed at start-up.
    public static let slowToParse = ["json", "markdown", "html"]  // notr: language ids

    private var parsed: [String: UInt] = [:]   // id -> GtkSourceLanguage address (0: no such language)
    private var order: [String] = []
    private var waiting: [String: [@MainActor (UnsafeMutablePointer<GtkSourceLanguage>?) -> Void]] = [:]
    private var idle: MainLoop.Source?
    /// Called after each parse with the language id and how long it took (µs), for traces.
    public var onParsed: (@MainActor (String, Int64) -> Void)?

    /// Parses `ids` from idle calls at low priority, one per call, in this order.
    public func prepare(_ ids: [String]) {
        order += ids.filter { parsed[$0] == nil && !order.contains($0) }
        schedule()
    }

    /// Calls `body` with the parsed language `id` (nil: GtkSourceView has no such language): at once
    /// when it was parsed before, else from the idle call that parses it next.
    public func withLanguage(_ id: String, _ body: @escaping @MainActor (UnsafeMutablePointer<GtkSourceLanguage>?) -> Void) {
        if let address = parsed[id] { return body(UnsafeMutablePointer(bitPattern: address)) }
        waiting[id, default: []].append(body)
        order.removeAll { $0 == id }
        order.insert(id, at: 0)
        schedule()
    }

    private func schedule() {
        guard idle == nil, !order.isEmpty else { return }
        // Low priority: after redraws, input and the text's own insertion and layout.
        idle = MainLoop.addIdle(priority: Priority(G_PRIORITY_LOW)) { [weak self] in
            guard let self, !self.order.isEmpty else { self?.idle = nil; return false }
            let id = self.order.removeFirst()
            let start = MainLoop.monotonicMicroseconds
            let language = Self.parse(id)
            self.parsed[id] = UInt(bitPattern: language)
            self.onParsed?(id, MainLoop.monotonicMicroseconds - start)
            for waiter in self.waiting.removeValue(forKey: id) ?? [] { waiter(language) }
            if self.order.isEmpty { self.idle = nil }
            return !self.order.isEmpty
        }
    }

    /// The language and its definition, kept parsed by a buffer that is never freed.
    private static func parse(_ id: String) -> UnsafeMutablePointer<GtkSourceLanguage>? {
        guard let language = gtk_source_language_manager_get_language(gtk_source_language_manager_get_default(), id) else {
            return nil
        }
        let keeper = gtk_source_buffer_new(nil)
        gtk_source_buffer_set_highlight_syntax(keeper, 0)
        gtk_source_buffer_set_language(keeper, language)   // the parse
        return language
    }
}
