#define _GNU_SOURCE
#include "csysv.h"
#include <fcntl.h>
#include <string.h>

sem_t *csysv_sem_open(const char *name, int oflag, unsigned int mode, unsigned int value) {
    sem_t *sem = (oflag & O_CREAT) ? sem_open(name, oflag, (mode_t)mode, value) : sem_open(name, oflag);
    return sem == SEM_FAILED ? NULL : sem;
}

int csysv_sem_clockwait(sem_t *sem, const struct timespec *deadline) {
    return sem_clockwait(sem, CLOCK_MONOTONIC, deadline);
}

const char *csysv_errno_name(int err) { return strerrorname_np(err); }
