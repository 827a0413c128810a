import CGtk
import Foundation

/// Watches a folder (GFileMonitor, inotify underneath) and calls back, coalesced, when its
/// entries change: files added, removed, renamed or rewritten.
@MainActor
public final class FolderMonitor {
    private let monitor: UnsafeMutablePointer<GFileMonitor>
    private var pending: MainLoop.Source?

    /// Starts watching `folder`; nil when it cannot be watched (the caller just goes without).
    /// - Parameter settle: bursts of events (a file being copied) give one call after this quiet time.
    public init?(_ folder: URL, settleMilliseconds: UInt32 = 200, _ changed: @escaping @MainActor () -> Void) {
        let file = g_file_new_for_path(folder.path)
        defer { g_object_unref(UnsafeMutableRawPointer(file)) }
        guard let monitor = g_file_monitor_directory(file, G_FILE_MONITOR_WATCH_MOVES, nil, nil) else { return nil }
        self.monitor = monitor
        connectVoidSignalIgnoringArguments(monitor, "changed") { [weak self] in
            guard let self else { return }
            self.pending?.remove()
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
