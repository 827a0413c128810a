#include <gtk/gtk.h>
#include <glib-unix.h>
// X11 only for XSetIOErrorHandler: GDK's handler _exit()s on a lost display, skipping cleanup.
#include <gdk/gdkx.h>
