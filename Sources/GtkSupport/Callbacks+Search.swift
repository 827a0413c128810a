import CGtk

// Two more C callback shapes, for the search bar (see Callbacks.swift for how closures travel).

/// A key press: the key (`GDK_KEY_*`) and the modifier state; true when handled (stops the event).
typealias KeyAction = @MainActor (_ keyval: UInt32, _ state: UInt32) -> Bool

// Event signal `gboolean key-press-event(GtkWidget *, GdkEventKey *, gpointer)`.
private let keyTrampoline: @convention(c) (gpointer?, UnsafeMutablePointer<GdkEventKey>?, gpointer?) -> gboolean = {
    _, event, data in
    let box = CallbackBox<KeyAction>.from(data)
    guard let event else { return 0 }
    let keyval = event.pointee.keyval, state = event.pointee.state
    return MainActor.assumeIsolated { box.action(keyval, state) } ? 1 : 0
}
private let keyNotify: GClosureNotify = { data, _ in CallbackBox<KeyAction>.release(data) }

/// Connects `key-press-event` of `widget` to `action`, before the widget's own handling.
@MainActor @discardableResult
func connectKeyPress(_ widget: gpointer, _ action: @escaping KeyAction) -> gulong {
    g_signal_connect_data(widget, "key-press-event", unsafeBitCast(keyTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), keyNotify, GConnectFlags(rawValue: 0))
}

/// The end of an asynchronous GIO-style call, given its `GAsyncResult`.
typealias AsyncAction = @MainActor (OpaquePointer) -> Void

// GAsyncReadyCallback `void (GObject *source, GAsyncResult *result, gpointer user_data)`: called
// once (also when cancelled), so the box is released right after.
private let asyncTrampoline: @convention(c) (UnsafeMutablePointer<GObject>?, OpaquePointer?, gpointer?) -> Void = {
    _, result, data in
    let box = CallbackBox<AsyncAction>.from(data)
    defer { CallbackBox<AsyncAction>.release(data) }
    guard let result else { return }
    nonisolated(unsafe) let shared = result   // only used on this (the main) thread
    MainActor.assumeIsolated { box.action(shared) }
}

/// A `GAsyncReadyCallback` and its user data that run `action` once on the main loop.
@MainActor
func asyncCallback(_ action: @escaping AsyncAction) -> (GAsyncReadyCallback, gpointer) {
    (asyncTrampoline, CallbackBox(action).retainedPointer())
}
