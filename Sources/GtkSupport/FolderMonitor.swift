import CGtk
import Foundation

/// Watches a folder (GFileMonitor, inotify underneath) and calls back, coalesced, when its
/// entries change: files added, removed, renamed or rewritten. A burst of events gives a call
/// `settleMilliseconds` after its first event, then one more for the events after that call.
@MainActor
public final class FolderMonitor {
    private let monitor: UnsafeMutablePointer<GFileMonitor>
    private var pending: MainLoop.Source?

    /// Starts watching `folder`; nil when it cannot be watched (the caller just goes without).
    /// - Parameter settle: events this close after a burst's first one give a single call.
    public init?(_ folder: URL, settleMilliseconds: UInt32 = 100, _ changed: @escaping @MainActor () -> Void) {
        let file = g_file_new_for_path(folder.path)
        defer { g_object_unref(UnsafeMutableRawPointer(file)) }
        guard let monitor = g_file_monitor_directory(file, G_FILE_MONITOR_WATCH_MOVES, nil, nil) else { return nil }
        self.monitor = monitor
        // The first event of a burst schedules one call; later ones join it rather than postpone it,
        // since GLib rate-limits a written file's CHANGED events (up to a second behind its CREATED).
        connectVoidSignalIgnoringArguments(monitor, "changed") { [weak self] in
            guard let self, self.pending == nil else { return }
            self.pending = MainLoop.addTimeout(milliseconds: settleMilliseconds) { [weak self] in
                self?.pending = nil
                changed()
                return false
            }
        }
    }

    isolated deinit {
        pending?.remove()
        g_file_monitor_cancel(monitor)
        g_object_unref(monitor)
    }
}
