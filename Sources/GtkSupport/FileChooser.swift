import CGtk
import Foundation

/// The desktop's "Open File" dialog (GtkFileChooserNative: the portal's dialog where there is one).
@MainActor
public enum FileChooser {
    /// Shows a modal "open one file" dialog over `parent` and returns at once; `chosen` is called
    /// later with the file, or not at all when the user cancels. Its buttons read `acceptLabel` and
    /// `cancelLabel` (the caller's translated words, with mnemonics). It opens in `folder`, else the
    /// home folder. No nested main loop: the caller's signal handler (a click, an AT-SPI action)
    /// returns while the dialog is up.
    public static func chooseFile(parent: Window, title: String, acceptLabel: String, cancelLabel: String,
                                  startingIn folder: URL? = nil,
                                  _ chosen: @escaping @MainActor (URL) -> Void) {
        let chooser = gtk_file_chooser_native_new(title, parent.cast(GtkWindow.self),
                                                  GTK_FILE_CHOOSER_ACTION_OPEN, acceptLabel, cancelLabel)!
        gtk_file_chooser_set_local_only(chooser, 1)
        // GLib's home folder honours $HOME, as the rest of the desktop does.
        gtk_file_chooser_set_current_folder(chooser, folder?.path ?? String(cString: g_get_home_dir()))
        present(chooser, chosen)
    }

    /// Shows `chooser` modally; its response handler holds the only reference to it, calls
    /// `chosen` with the accepted file (not on cancel) and drops it. Shared by open and save.
    static func present(_ chooser: OpaquePointer,
                        _ chosen: @escaping @MainActor (URL) -> Void) {
        let dialog = UnsafeMutableRawPointer(chooser).assumingMemoryBound(to: GtkNativeDialog.self)
        gtk_native_dialog_set_modal(dialog, 1)
        connectIntSignal(UnsafeMutableRawPointer(chooser), "response") { response in
            let path = response == Int32(GTK_RESPONSE_ACCEPT.rawValue) ? gtk_file_chooser_get_filename(chooser) : nil
            gtk_native_dialog_destroy(dialog)
            if let path {
                let url = URL(fileURLWithPath: String(cString: path))
                g_free(path)
                chosen(url)
            }
            g_object_unref(UnsafeMutableRawPointer(chooser))
        }
        gtk_native_dialog_show(dialog)
    }
}
