// GtkSourceView 4 (GTK 3): the viewer's reading view. Only GtkSupport imports it.
#include <gtksourceview/gtksource.h>
