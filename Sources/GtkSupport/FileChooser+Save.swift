import CGtk
import Foundation

extension FileChooser {
    /// Shows a modal "save as" dialog over `parent` (GtkFileChooserNative in save mode, which asks
    /// before replacing an existing file) and returns at once; `chosen` is called later with the
    /// path, or not at all when the user cancels. It proposes `suggestedName` in `folder`, else in
    /// the home folder. No nested main loop, as `chooseFile`.
    public static func chooseSaveFile(parent: Window, title: String, acceptLabel: String, cancelLabel: String,
                                      suggestedName: String, startingIn folder: URL? = nil,
                                      _ chosen: @escaping @MainActor (URL) -> Void) {
        let chooser = gtk_file_chooser_native_new(title, parent.cast(GtkWindow.self),
                                                  GTK_FILE_CHOOSER_ACTION_SAVE, acceptLabel, cancelLabel)!
        gtk_file_chooser_set_local_only(chooser, 1)
        gtk_file_chooser_set_do_overwrite_confirmation(chooser, 1)
        gtk_file_chooser_set_current_folder(chooser, folder?.path ?? String(cString: g_get_home_dir()))
        gtk_file_chooser_set_current_name(chooser, suggestedName)
        present(chooser, chosen)
    }
}
