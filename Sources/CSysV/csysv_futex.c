#define _GNU_SOURCE
#include "csysv.h"
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

// Linux >= 5.14; older headers lack the constant, older kernels answer EINVAL.
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int csysv_futex_wait(const uint32_t *address, uint32_t expected, int timeout_ms) {
    struct timespec timeout, *relative = NULL;
    if (timeout_ms >= 0) {
        timeout.tv_sec = timeout_ms / 1000;
        timeout.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
        relative = &timeout;
    }
    // FUTEX_WAIT without FUTEX_PRIVATE_FLAG: the word lives in memory shared between processes.
    return (int)syscall(SYS_futex, address, FUTEX_WAIT, expected, relative, NULL, 0);
}

int csysv_futex_wake(const uint32_t *address) {
    return (int)syscall(SYS_futex, address, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

uint32_t csysv_atomic_load32(const uint32_t *address) { return __atomic_load_n(address, __ATOMIC_SEQ_CST); }

uint32_t csysv_atomic_increment32(uint32_t *address) { return __atomic_add_fetch(address, 1, __ATOMIC_SEQ_CST); }

int csysv_populate_write(void *address, size_t length) {
    return madvise(address, length, MADV_POPULATE_WRITE);
}

