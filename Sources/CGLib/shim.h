// GLib only (no GTK): checksums and UTF-8 repair for the GTK-free layers.
#include <glib.h>
