// gettext from the C library (glibc's libintl), which Swift's Glibc module does not export.
#include <libintl.h>
#include <locale.h>
