import CGtk

// C callback shapes for drawn widgets (the picture and hex views; see Callbacks.swift for how closures travel).

/// `draw`: the cairo context, in the widget's logical coordinates.
typealias DrawAction = @MainActor (OpaquePointer) -> Void

// `gboolean draw(GtkWidget *, cairo_t *, gpointer)`: FALSE, so that nothing else is stopped.
private let drawTrampoline: @convention(c) (gpointer?, OpaquePointer?, gpointer?) -> gboolean = { _, cr, data in
    let box = CallbackBox<DrawAction>.from(data)
    guard let cr else { return 0 }
    nonisolated(unsafe) let context = cr   // only used on this (the main) thread, during the call
    MainActor.assumeIsolated { box.action(context) }
    return 0
}
private let drawNotify: GClosureNotify = { data, _ in CallbackBox<DrawAction>.release(data) }

@MainActor @discardableResult
func connectDraw(_ widget: gpointer, _ action: @escaping DrawAction) -> gulong {
    g_signal_connect_data(widget, "draw", unsafeBitCast(drawTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), drawNotify, GConnectFlags(rawValue: 0))
}

/// A scroll: its vertical step (-1 up, +1 down; smooth deltas as they come), the pointer position
/// in the widget, the modifier state; true when handled.
typealias ScrollAction = @MainActor (_ delta: Double, _ x: Double, _ y: Double, _ state: UInt32) -> Bool

private let scrollTrampoline: @convention(c) (gpointer?, UnsafeMutablePointer<GdkEventScroll>?, gpointer?) -> gboolean = { _, event, data in
    let box = CallbackBox<ScrollAction>.from(data)
    guard let event = event?.pointee else { return 0 }
    let delta: Double = switch event.direction {
    case GDK_SCROLL_UP: -1
    case GDK_SCROLL_DOWN: 1
    case GDK_SCROLL_SMOOTH: event.delta_y
    default: 0
    }
    let x = event.x, y = event.y, state = event.state
    return MainActor.assumeIsolated { box.action(delta, x, y, state) } ? 1 : 0
}
private let scrollNotify: GClosureNotify = { data, _ in CallbackBox<ScrollAction>.release(data) }

@MainActor @discardableResult
func connectScroll(_ widget: gpointer, _ action: @escaping ScrollAction) -> gulong {
    g_signal_connect_data(widget, "scroll-event", unsafeBitCast(scrollTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), scrollNotify, GConnectFlags(rawValue: 0))
}

/// A button press: the button, the position in the widget, the modifier state, and whether it is
/// the second press of a double click; true when handled.
typealias ButtonAction = @MainActor (_ button: UInt32, _ x: Double, _ y: Double, _ state: UInt32) -> Bool

private let buttonTrampoline: @convention(c) (gpointer?, UnsafeMutablePointer<GdkEventButton>?, gpointer?) -> gboolean = { _, event, data in
    let box = CallbackBox<ButtonAction>.from(data)
    guard let event = event?.pointee, event.type == GDK_BUTTON_PRESS || event.type == GDK_MOTION_NOTIFY || event.type == GDK_BUTTON_RELEASE else { return 0 }
    let button = event.button, x = event.x, y = event.y, state = event.state
    return MainActor.assumeIsolated { box.action(button, x, y, state) } ? 1 : 0
}
private let buttonNotify: GClosureNotify = { data, _ in CallbackBox<ButtonAction>.release(data) }

@MainActor @discardableResult
func connectButton(_ widget: gpointer, _ signal: String, _ action: @escaping ButtonAction) -> gulong {
    g_signal_connect_data(widget, signal, unsafeBitCast(buttonTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), buttonNotify, GConnectFlags(rawValue: 0))
}

/// A pointer motion: the position in the widget and the modifier state.
typealias MotionAction = @MainActor (_ x: Double, _ y: Double, _ state: UInt32) -> Bool

private let motionTrampoline: @convention(c) (gpointer?, UnsafeMutablePointer<GdkEventMotion>?, gpointer?) -> gboolean = { _, event, data in
    let box = CallbackBox<MotionAction>.from(data)
    guard let event = event?.pointee else { return 0 }
    let x = event.x, y = event.y, state = event.state
    return MainActor.assumeIsolated { box.action(x, y, state) } ? 1 : 0
}
private let motionNotify: GClosureNotify = { data, _ in CallbackBox<MotionAction>.release(data) }

@MainActor @discardableResult
func connectMotion(_ widget: gpointer, _ action: @escaping MotionAction) -> gulong {
    g_signal_connect_data(widget, "motion-notify-event", unsafeBitCast(motionTrampoline, to: GCallback.self),
                          CallbackBox(action).retainedPointer(), motionNotify, GConnectFlags(rawValue: 0))
}
