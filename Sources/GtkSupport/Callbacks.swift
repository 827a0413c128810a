import CGtk

// Where Swift closures become C callbacks: this file and its extensions (Callbacks+Drawing,
// Callbacks+Search) hold the signal and source trampolines; the few whose C signature belongs to
// one type live beside it (FolderMonitor, FileDrop, PictureDecoder). Every closure is wrapped in a
// retained box whose pointer is the callback's user data; GLib calls the matching destroy
// notify when the handler or source goes away, and that releases the box.
//
// All callbacks here run on the thread that runs the GLib main loop, which is the process'
// main thread (GtkApplication.run is called from main.swift), hence `assumeIsolated`.

/// A retained Swift closure travelling through a C `gpointer`. The actions are `@MainActor`
/// closures, hence Sendable, so the box is too.
final class CallbackBox<Action: Sendable>: Sendable {
    let action: Action
    init(_ action: Action) { self.action = action }

    /// +1 pointer for GLib; balanced by `release(_:)` in a destroy notify.
    func retainedPointer() -> gpointer { Unmanaged.passRetained(self).toOpaque() }
    static func from(_ pointer: gpointer?) -> CallbackBox { Unmanaged<CallbackBox>.fromOpaque(pointer!).takeUnretainedValue() }
    static func release(_ pointer: gpointer?) { Unmanaged<CallbackBox>.fromOpaque(pointer!).release() }
}

typealias VoidAction = @MainActor () -> Void
typealias BoolAction = @MainActor () -> Bool

// Signal handler `void handler(GObject *instance, gpointer user_data)`.
private let voidSignalTrampoline: @convention(c) (gpointer?, gpointer?) -> Void = { _, data in
    let box = CallbackBox<VoidAction>.from(data)
    MainActor.assumeIsolated { box.action() }
}

// Signal handler `gint handler(GApplication *app, GVariantDict *options, gpointer user_data)`
// (handle-local-options).
typealias DictAction = @MainActor (UnsafeMutablePointer<GVariantDict>) -> Int32
private let dictSignalTrampoline: @convention(c) (gpointer?, UnsafeMutablePointer<GVariantDict>?, gpointer?) -> Int32 = {
    _, dict, data in
    let box = CallbackBox<DictAction>.from(data)
    nonisolated(unsafe) let dict = dict!   // only used on this (the main) thread
    return MainActor.assumeIsolated { box.action(dict) }
}

// Event signal `gboolean handler(GtkWidget *widget, GdkEvent *event, gpointer user_data)`
// (map-event, ...): runs the action and returns FALSE so that other handlers still see the event.
private let eventSignalTrampoline: @convention(c) (gpointer?, gpointer?, gpointer?) -> gboolean = { _, _, data in
    let box = CallbackBox<VoidAction>.from(data)
    MainActor.assumeIsolated { box.action() }
    return 0
}

// Signal handler `void handler(GObject *instance, gint value, gpointer user_data)` (response, ...).
typealias IntAction = @MainActor (Int32) -> Void
private let intSignalTrampoline: @convention(c) (gpointer?, Int32, gpointer?) -> Void = { _, value, data in
    let box = CallbackBox<IntAction>.from(data)
    MainActor.assumeIsolated { box.action(value) }
}
private let intClosureNotify: GClosureNotify = { data, _ in CallbackBox<IntAction>.release(data) }

/// Connects a `void (instance, gint, user_data)` signal of `instance` to `action`.
@MainActor @discardableResult
func connectIntSignal(_ instance: gpointer, _ name: String, _ action: @escaping IntAction) -> gulong {
    g_signal_connect_data(instance, name, unsafeBitCast(intSignalTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), intClosureNotify, GConnectFlags(rawValue: 0))
}

// Signals with more arguments than `(instance, user_data)`, whose arguments we do not need
// (GFileMonitor::changed, GSimpleAction::activate): connected "swapped", GLib passes the user
// data FIRST, so one trampoline taking just that pointer serves any void signal; the C calling
// convention lets a callee ignore trailing arguments. Not for signals that return a value.

private let swappedTrampoline: @convention(c) (gpointer?) -> Void = { data in
    let box = CallbackBox<VoidAction>.from(data)
    MainActor.assumeIsolated { box.action() }
}

/// Connects a void signal of any arity to `action`, ignoring the signal's arguments.
@MainActor @discardableResult
func connectVoidSignalIgnoringArguments(_ instance: gpointer, _ name: String,
                                        _ action: @escaping VoidAction) -> gulong {
    g_signal_connect_data(instance, name, unsafeBitCast(swappedTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), closureNotify, G_CONNECT_SWAPPED)
}

private let closureNotify: GClosureNotify = { data, _ in CallbackBox<VoidAction>.release(data) }
private let dictClosureNotify: GClosureNotify = { data, _ in CallbackBox<DictAction>.release(data) }

/// Connects a `void (instance, user_data)` signal of `instance` to `action`.
@MainActor @discardableResult
func connectSignal(_ instance: gpointer, _ name: String, _ action: @escaping VoidAction) -> gulong {
    g_signal_connect_data(instance, name, unsafeBitCast(voidSignalTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), closureNotify, GConnectFlags(rawValue: 0))
}

/// Connects an event signal (`gboolean (widget, GdkEvent *, user_data)`) to `action`; the event
/// propagates on.
@MainActor @discardableResult
func connectEventSignal(_ instance: gpointer, _ name: String, _ action: @escaping VoidAction) -> gulong {
    g_signal_connect_data(instance, name, unsafeBitCast(eventSignalTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), closureNotify, GConnectFlags(rawValue: 0))
}

/// Connects a signal with signature `gint (instance, GVariantDict *, user_data)`.
@MainActor @discardableResult
func connectDictSignal(_ instance: gpointer, _ name: String, _ action: @escaping DictAction) -> gulong {
    g_signal_connect_data(instance, name, unsafeBitCast(dictSignalTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), dictClosureNotify, GConnectFlags(rawValue: 0))
}

// GSourceFunc: `gboolean func(gpointer user_data)`; returning FALSE removes the source.
private let sourceTrampoline: GSourceFunc = { data in
    let box = CallbackBox<BoolAction>.from(data)
    return MainActor.assumeIsolated { box.action() } ? 1 : 0
}
private let sourceNotify: GDestroyNotify = { data in CallbackBox<BoolAction>.release(data) }

// A one-shot GSourceFunc for `wakeFromAnyThread`: runs the action, removes the source.
private let onceTrampoline: GSourceFunc = { data in
    let box = CallbackBox<VoidAction>.from(data)
    MainActor.assumeIsolated { box.action() }
    return 0
}
private let onceNotify: GDestroyNotify = { data in CallbackBox<VoidAction>.release(data) }

/// A GLib main-loop priority: sources with a lower value run first.
public struct Priority: Sendable, Equatable {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// `G_PRIORITY_DEFAULT` (0): timeouts, input events.
    public static let `default` = Priority(G_PRIORITY_DEFAULT)
    /// `G_PRIORITY_DEFAULT_IDLE` (200): after redraws and after GTK's layout.
    public static let defaultIdle = Priority(G_PRIORITY_DEFAULT_IDLE)
    /// `GDK_PRIORITY_REDRAW + 2` (122): after redraws (120), so the screen updates in between,
    /// but before GtkTextView's line validation (125), so GTK does not lay out the text again
    /// between two pieces of a chunked insertion.
    public static let afterRedraw = Priority(GDK_PRIORITY_REDRAW + 2)
}

/// Main-loop sources: timeouts, idles and Unix signals, all run on the GTK main thread.
/// Swift Concurrency's main executor is not driven by the GLib loop, so these are the way
/// to defer work in the GTK programs.
@MainActor
public enum MainLoop {
    /// Identifies a source so it can be removed before it finishes on its own.
    public struct Source: Sendable, Equatable {
        public let id: guint
        /// Removes the source; its closure is released. Do not call after the closure returned
        /// `false` (the source is gone already).
        @MainActor public func remove() { g_source_remove(id) }
    }

    /// Calls `action` every `milliseconds` until it returns `false`.
    @discardableResult
    public static func addTimeout(milliseconds: UInt32, _ action: @escaping @MainActor () -> Bool) -> Source {
        Source(id: g_timeout_add_full(G_PRIORITY_DEFAULT, milliseconds, sourceTrampoline,
                                      CallbackBox<BoolAction>(action).retainedPointer(), sourceNotify))
    }

    /// Calls `action` whenever no source of higher priority is ready, until it returns `false`.
    /// The default idle priority runs after redraws and after GTK's own layout work.
    @discardableResult
    public static func addIdle(priority: Priority = .defaultIdle, _ action: @escaping @MainActor () -> Bool) -> Source {
        Source(id: g_idle_add_full(priority.rawValue, sourceTrampoline,
                                   CallbackBox<BoolAction>(action).retainedPointer(), sourceNotify))
    }

    /// Runs `action` once on the main loop, soon. Callable from any thread (GLib's
    /// `g_idle_add_full` is thread-safe and wakes the loop); this is how a background thread
    /// hands work to the GTK thread. Before the loop runs, the action waits for it.
    nonisolated public static func wakeFromAnyThread(priority: Priority = .default,
                                                     _ action: @escaping @MainActor () -> Void) {
        // Not g_main_context_invoke: from a thread that can acquire the context (the loop not
        // running yet) it would call `action` right there, off the main thread.
        g_idle_add_full(priority.rawValue, onceTrampoline,
                        CallbackBox<VoidAction>(action).retainedPointer(), onceNotify)
    }

    /// Calls `action` on the main loop when the process receives `signal` (SIGINT, SIGTERM,
    /// SIGHUP, ...). The handler is async-signal safe: GLib defers it to the loop.
    @discardableResult
    public static func addUnixSignal(_ signal: Int32, _ action: @escaping @MainActor () -> Bool) -> Source {
        Source(id: g_unix_signal_add_full(G_PRIORITY_DEFAULT, signal, sourceTrampoline,
                                          CallbackBox<BoolAction>(action).retainedPointer(), sourceNotify))
    }

    /// Monotonic time in microseconds (g_get_monotonic_time), for traces and measurements; any thread.
    public nonisolated static var monotonicMicroseconds: Int64 { Int64(g_get_monotonic_time()) }
}

// GtkTextView::move-cursor, `void (GtkTextView *, GtkMovementStep, gint count, gboolean extend, user_data)`:
// an action returning true has handled the movement, and the emission stops before GTK's own handler.
typealias MoveCursorAction = @MainActor (_ step: GtkMovementStep, _ count: Int32, _ extend: Bool) -> Bool
private let moveCursorTrampoline: @convention(c) (gpointer?, GtkMovementStep, Int32, gboolean, gpointer?) -> Void = {
    instance, step, count, extend, data in
    let box = CallbackBox<MoveCursorAction>.from(data)
    let handled = MainActor.assumeIsolated { box.action(step, count, extend != 0) }
    if handled, let instance { g_signal_stop_emission_by_name(instance, "move-cursor") }
}
private let moveCursorNotify: GClosureNotify = { data, _ in CallbackBox<MoveCursorAction>.release(data) }

/// Connects GtkTextView's `move-cursor` to `action`, which returns whether it handled the movement.
@MainActor @discardableResult
func connectMoveCursor(_ view: gpointer, _ action: @escaping MoveCursorAction) -> gulong {
    g_signal_connect_data(view, "move-cursor", unsafeBitCast(moveCursorTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), moveCursorNotify, GConnectFlags(rawValue: 0))
}
