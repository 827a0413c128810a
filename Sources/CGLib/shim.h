// GLib only (no GTK): checksums and UTF-8 repair for the GTK-free layers; glibc's memmem (a GNU
// extension the Glibc module does not export) for the viewer's byte search.
#include <string.h>
#include <glib.h>

// glibc declares memmem only under _GNU_SOURCE; defining that here changed how <sys/select.h>
// spells fd_set for this module, which then clashed with the Glibc module's in a package that
// depends on ours (Examples/). The prototype is glibc's own.
extern void *memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

static inline void *sharedmemory_memmem(const void *haystack, size_t haystack_length,
                                        const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}
