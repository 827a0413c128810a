import CGtk
import Foundation

/// Watches a folder (GFileMonitor, inotify underneath) and calls back, coalesced, when its
/// entries change: files added, removed, renamed or rewritten, with the names the events gave
/// (``Change``). A burst of events gives a call `settleMilliseconds` after its first event, then one
/// more for the events after that call.
@MainActor
public final class FolderMonitor {
    /// What changed in a burst: the names (bytes) of the entries the events named, or nil when the
    /// folder must be listed again (the folder itself moved, deleted or unmounted, or too many events).
    public typealias Change = [[UInt8]]?
    /// More names than this in a burst are not worth checking one by one: the folder is listed again.
    public static let maximumNames = 256
    private let monitor: OpaquePointer
    private let folder: OpaquePointer
    private var pending: MainLoop.Source?
    private var names: [[UInt8]]? = []

    /// Starts watching `folder`; nil when it cannot be watched (the caller just goes without).
    /// - Parameter settle: events this close after a burst's first one give a single call.
    public init?(_ folder: URL, settleMilliseconds: UInt32 = 100, _ changed: @escaping @MainActor (Change) -> Void) {
        let file = g_file_new_for_path(folder.path)!
        guard let monitor = g_file_monitor_directory(file, G_FILE_MONITOR_WATCH_MOVES, nil, nil) else {
            g_object_unref(UnsafeMutableRawPointer(file))
            return nil
        }
        self.monitor = OpaquePointer(monitor)
        self.folder = file
        // The first event of a burst schedules one call; later ones join it rather than postpone it,
        // since GLib rate-limits a written file's CHANGED events (up to a second behind its CREATED).
        let action: MonitorAction = { [weak self] file, other, event in
            guard let self else { return }
            self.note(file, other, event)
            guard self.pending == nil else { return }
            self.pending = MainLoop.addTimeout(milliseconds: settleMilliseconds) { [weak self] in
                guard let self else { return false }
                self.pending = nil
                let names = self.names
                self.names = []
                changed(names)
                return false
            }
        }
        g_signal_connect_data(monitor, "changed", unsafeBitCast(monitorTrampoline, to: GCallback.self),   // notr: a GIO signal
                              CallbackBox(action).retainedPointer(), monitorNotify, GConnectFlags(rawValue: 0))
    }

    /// Adds the entries an event names to the burst's, or gives up on names for this burst.
    private func note(_ file: OpaquePointer?, _ other: OpaquePointer?, _ event: GFileMonitorEvent) {
        guard names != nil else { return }
        guard event != G_FILE_MONITOR_EVENT_UNMOUNTED, event != G_FILE_MONITOR_EVENT_PRE_UNMOUNT else { names = nil; return }
        // Only a rename's other file is in the folder; a move in or out's other file is elsewhere.
        for entry in event == G_FILE_MONITOR_EVENT_RENAMED ? [file, other] : [file] {
            guard let entry else { continue }
            // Anything but a direct child (the folder itself) cannot be applied name by name.
            guard g_file_has_parent(entry, folder) != 0, let base = g_file_get_basename(entry) else { names = nil; return }
            defer { g_free(base) }
            names?.append(Array(UnsafeRawBufferPointer(start: base, count: strlen(base))))
        }
        if (names?.count ?? 0) > Self.maximumNames { names = nil }
    }

    isolated deinit {
        pending?.remove()
        g_file_monitor_cancel(UnsafeMutablePointer(monitor))
        g_object_unref(UnsafeMutableRawPointer(monitor))
        g_object_unref(UnsafeMutableRawPointer(folder))
    }
}

private typealias MonitorAction = @MainActor (OpaquePointer?, OpaquePointer?, GFileMonitorEvent) -> Void

// `void changed(GFileMonitor *, GFile *file, GFile *other_file, GFileMonitorEvent, gpointer user_data)`.
private let monitorTrampoline: @convention(c) (gpointer?, OpaquePointer?, OpaquePointer?, GFileMonitorEvent, gpointer?) -> Void = {
    _, file, other, event, data in
    let box = CallbackBox<MonitorAction>.from(data)
    // Signals are emitted on the main loop (the monitor's context): the pointers stay there.
    nonisolated(unsafe) let file = file, other = other
    MainActor.assumeIsolated { box.action(file, other, event) }
}

private let monitorNotify: GClosureNotify = { data, _ in CallbackBox<MonitorAction>.release(data) }
