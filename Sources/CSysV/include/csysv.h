#ifndef CSYSV_H
#define CSYSV_H
// System V IPC for Swift. semctl() is variadic (its fourth argument is a union), which Swift
// cannot call, so each use gets a fixed-signature wrapper. Everything else (shmget, shmat, semop,
// ftok...) is called directly from Swift through Glibc; the headers are included here so that
// the struct layouts come from one place.
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/sem.h>
#include <time.h>

/// semctl(semid, 0, SETVAL, value). Returns 0 or -1 with errno set.
int csysv_sem_setval(int semid, int value);
/// semctl(semid, 0, GETVAL). Returns the value or -1 with errno set.
int csysv_sem_getval(int semid);
/// semctl(semid, 0, GETPID): pid of the last process that operated on the semaphore.
int csysv_sem_getpid(int semid);
/// semctl(semid, 0, IPC_STAT, buf). Returns 0 or -1 with errno set.
int csysv_sem_stat(int semid, struct semid_ds *buf);
/// semctl(semid, 0, IPC_RMID). Returns 0 or -1 with errno set.
int csysv_sem_remove(int semid);

/// semtimedop(semid, &{0, op, flags}, 1, timeout) on semaphore 0; timeout NULL blocks.
/// semtimedop needs _GNU_SOURCE, which Swift's Glibc module does not define, hence the wrapper.
/// Returns 0 or -1 with errno set (EAGAIN when the timeout passed or IPC_NOWAIT would block).
int csysv_sem_op(int semid, short op, short flags, const struct timespec *timeout);

#endif
