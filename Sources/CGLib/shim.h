// GLib only (no GTK): checksums and UTF-8 repair for the GTK-free layers; glibc's memmem (a GNU
// extension the Glibc module does not export) for the viewer's byte search.
#define _GNU_SOURCE 1
#include <string.h>
#include <glib.h>

static inline void *sharedmemory_memmem(const void *haystack, size_t haystack_length,
                                        const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}
