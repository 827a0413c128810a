import CGtk

// Signals with more arguments than `(instance, user_data)`, whose arguments we do not need
// (GFileMonitor::changed, GSimpleAction::activate): connected "swapped", GLib passes the user
// data FIRST, so one trampoline taking just that pointer serves any void signal; the C calling
// convention lets a callee ignore trailing arguments. Not for signals that return a value.

private let swappedTrampoline: @convention(c) (gpointer?) -> Void = { data in
    let box = CallbackBox<VoidAction>.from(data)
    MainActor.assumeIsolated { box.action() }
}
private let swappedNotify: GClosureNotify = { data, _ in CallbackBox<VoidAction>.release(data) }

/// Connects a void signal of any arity to `action`, ignoring the signal's arguments.
@MainActor @discardableResult
func connectVoidSignalIgnoringArguments(_ instance: gpointer, _ name: String,
                                        _ action: @escaping VoidAction) -> gulong {
    g_signal_connect_data(instance, name, unsafeBitCast(swappedTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), swappedNotify, G_CONNECT_SWAPPED)
}
