import CGtk
import CGtkSource
import Dispatch

/// GtkSourceView language definitions, parsed on a thread of their own.
///
/// GtkSourceView parses a language's definition (its XML and every file it refers to, each regex
/// compiled) the first time a buffer uses the language, and frees it when no buffer uses it any
/// more. On the main loop that first use stalled the viewer: 14-30 ms for C, Swift and sh, 80-150 ms
/// for JSON, HTML and Markdown (measured on the 2-core VM under load; HTML embeds CSS and
/// JavaScript, Markdown HTML). Here a private language manager lives on a serial queue; the first
/// request for a language parses it there by giving it to an empty buffer (highlighting off, so no
/// analysis is scheduled) that is kept for the life of the process, so the parsed definition stays
/// and the main loop's buffers share it. The main thread uses a language only once its parse is over,
/// and never calls the private manager itself.
@MainActor
public final class LanguageDefinitions {
    /// The one set of definitions of the process.
    public static let shared = LanguageDefinitions()

    private var ready: [String: LanguagePointer] = [:]
    private var waiting: [String: [@MainActor (UnsafeMutablePointer<GtkSourceLanguage>?) -> Void]] = [:]
    private let queue = DispatchQueue(label: "sharedmemory.language-definitions")  // notr: a queue label

    /// Calls `body` with the parsed language `id` (nil: GtkSourceView has no such language): at once
    /// when it was parsed before, else from the main loop once the parse thread is done with it.
    public func withLanguage(_ id: String, _ body: @escaping @MainActor (UnsafeMutablePointer<GtkSourceLanguage>?) -> Void) {
        if let parsed = ready[id] { return body(parsed.pointer) }
        if waiting[id] != nil { waiting[id]!.append(body); return }
        waiting[id] = [body]
        queue.async {
            let parsed = Self.parse(id)
            MainLoop.wakeFromAnyThread { [weak self] in
                guard let self else { return }
                self.ready[id] = parsed
                for waiter in self.waiting.removeValue(forKey: id) ?? [] { waiter(parsed.pointer) }
            }
        }
    }

    /// Waits (at most `timeout`) until no parse is running: a parse still running while the process
    /// exits crashed in libxml2 as exit() tore down what it was using (a viewer closed right after a
    /// new file arrived).
    public func finish(timeout: Duration = .seconds(2)) {
        let done = DispatchSemaphore(value: 0)
        queue.async { done.signal() }
        let (seconds, attoseconds) = timeout.components
        _ = done.wait(timeout: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)))
    }

    /// The private manager, made and used on the queue only.
    nonisolated(unsafe) private static var manager: OpaquePointer?

    /// On the queue: the language and its definition, kept parsed by a buffer that is never freed.
    nonisolated private static func parse(_ id: String) -> LanguagePointer {
        if manager == nil { manager = OpaquePointer(gtk_source_language_manager_new()) }
        guard let language = gtk_source_language_manager_get_language(UnsafeMutablePointer(manager), id) else {
            return LanguagePointer(address: 0)
        }
        let keeper = gtk_source_buffer_new(nil)
        gtk_source_buffer_set_highlight_syntax(keeper, 0)
        gtk_source_buffer_set_language(keeper, language)   // the parse
        return LanguagePointer(address: UInt(bitPattern: language))
    }
}

/// A GtkSourceLanguage handed from the parse thread to the main thread (an address: a language is
/// only used on the main thread once handed over).
private struct LanguagePointer: Sendable {
    let address: UInt
    var pointer: UnsafeMutablePointer<GtkSourceLanguage>? { UnsafeMutablePointer(bitPattern: address) }
}
