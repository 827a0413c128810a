#include <gtk/gtk.h>
#include <glib-unix.h>
// X11 only for XSetIOErrorHandler: GDK's handler _exit()s on a lost display, skipping cleanup.
#include <gdk/gdkx.h>

// Variadic GTK calls Swift cannot import, for the combo's list (ComboBoxText.swift).
static inline GtkTreeStore *smg_text_tree_store_new(void) {
    return gtk_tree_store_new(2, G_TYPE_STRING, G_TYPE_STRING);   // text, id: GtkComboBoxText's columns
}
static inline void smg_text_tree_store_append(GtkTreeStore *store, GtkTreeIter *iter, GtkTreeIter *parent,
                                              const char *text, const char *id) {
    gtk_tree_store_insert_with_values(store, iter, parent, -1, 0, text, 1, id, -1);
}
static inline void smg_object_set_int(gpointer object, const char *name, int value) {
    g_object_set(object, name, value, NULL);
}
static inline void smg_text_tree_store_insert(GtkTreeStore *store, GtkTreeIter *iter, GtkTreeIter *parent,
                                              int position, const char *text, const char *id) {
    gtk_tree_store_insert_with_values(store, iter, parent, position, 0, text, 1, id, -1);
}
static inline void smg_text_tree_store_set_text(GtkTreeStore *store, GtkTreeIter *iter, const char *text) {
    gtk_tree_store_set(store, iter, 0, text, -1);
}
