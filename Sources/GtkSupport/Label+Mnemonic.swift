import CGtk

extension Label {
    /// Creates a label whose `text` marks a mnemonic with `_` (e.g. "_File to load:"): Alt and that
    /// letter focus the widget given to `setLabelFor`.
    public convenience init(mnemonic text: String) {
        self.init()
        gtk_label_set_text_with_mnemonic(cast(GtkLabel.self), text)
    }
}
