import CGtk
import Foundation

/// The desktop's "Open File" dialog (GtkFileChooserNative: the portal's dialog where there is one).
@MainActor
public enum FileChooser {
    /// Asks for one existing file and returns it, or nil when the user cancelled. Modal over
    /// `parent`; the main loop keeps running meanwhile (timeouts, redraws, other windows).
    public static func chooseFile(parent: Window, title: String, startingIn folder: URL? = nil) -> URL? {
        let chooser = gtk_file_chooser_native_new(title, parent.cast(GtkWindow.self),
                                                  GTK_FILE_CHOOSER_ACTION_OPEN, "_Load", "_Cancel")!
        defer { g_object_unref(UnsafeMutableRawPointer(chooser)) }
        let fileChooser = chooser   // GtkFileChooser is an interface: opaque in Swift, like the dialog
        gtk_file_chooser_set_local_only(fileChooser, 1)
        if let folder { gtk_file_chooser_set_current_folder(fileChooser, folder.path) }
        let dialog = UnsafeMutableRawPointer(chooser).assumingMemoryBound(to: GtkNativeDialog.self)
        // A nested main loop: simple, and the program keeps serving its other sources meanwhile.
        guard gtk_native_dialog_run(dialog) == Int32(GTK_RESPONSE_ACCEPT.rawValue),
              let path = gtk_file_chooser_get_filename(fileChooser) else { return nil }
        defer { g_free(path) }
        return URL(fileURLWithPath: String(cString: path))
    }
}
