#include <gtk/gtk.h>
#include <glib-unix.h>
// X11 only for XSetIOErrorHandler: GDK's handler _exit()s on a lost display, skipping cleanup.
#include <gdk/gdkx.h>
// Wayland only for the display's socket: GDK _exit()s when the compositor goes away, as on X11.
#include <gdk/gdkwayland.h>

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

// GtkTextView's line validation in bounded steps (GtkSupport/TextLayoutValidator.swift). GtkTextLayout is
// GTK 3's exported but unsupported API (gtk/gtktextlayout.h refuses to be included without
// GTK_TEXT_USE_INTERNAL_UNSUPPORTED_API), so its few functions used are declared here.
typedef struct _GtkTextLayout SmgTextLayout;
GType gtk_text_layout_get_type(void);
gboolean gtk_text_layout_is_valid(SmgTextLayout *layout);
void gtk_text_layout_validate(SmgTextLayout *layout, gint max_pixels);
void gtk_text_layout_validate_yrange(SmgTextLayout *layout, GtkTextIter *anchor, gint y0_, gint y1_);
void gtk_text_layout_get_size(SmgTextLayout *layout, gint *width, gint *height);

// The view's GtkTextLayout: the first member of GtkTextViewPrivate in every GTK 3 release
// (gtktextview.c). NULL before GTK made it, or if this GTK keeps something else there (the type check).
static inline SmgTextLayout *smg_text_view_layout(GtkTextView *view) {
    if (view->priv == NULL) return NULL;
    GTypeInstance *layout = *(GTypeInstance **)(void *)view->priv;
    return layout != NULL && G_TYPE_CHECK_INSTANCE_TYPE(layout, gtk_text_layout_get_type()) ? (SmgTextLayout *)layout : NULL;
}
