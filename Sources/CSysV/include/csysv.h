#ifndef CSYSV_H
#define CSYSV_H
// System V IPC for Swift, and the futex wake-up that travels with a segment. semctl() (its
// fourth argument is a union) and syscall() are variadic, which Swift cannot call, so each use
// gets a fixed-signature wrapper. Everything else (shmget, shmat, semop,
// ftok...) is called directly from Swift through Glibc; the headers are included here so that
// the struct layouts come from one place.
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/sem.h>
#include <time.h>
#include <semaphore.h>
#include <stdint.h>
#include <stddef.h>

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

/// futex(FUTEX_WAIT) on a 32-bit word shared between processes (not FUTEX_PRIVATE): sleeps while
/// *address == expected, at most timeout_ms (negative: no limit). syscall() is variadic, hence the
/// wrapper. Returns 0 when woken, or -1 with errno EAGAIN (the word differed), ETIMEDOUT or EINTR.
int csysv_futex_wait(const uint32_t *address, uint32_t expected, int timeout_ms);
/// futex(FUTEX_WAKE) of every waiter on the word, in any process. Returns how many were woken or -1.
int csysv_futex_wake(const uint32_t *address);
/// Sequentially consistent load of a 32-bit word that other processes change.
uint32_t csysv_atomic_load32(const uint32_t *address);
/// Atomic ++*address (sequentially consistent); returns the new value.
uint32_t csysv_atomic_increment32(uint32_t *address);
/// madvise(MADV_POPULATE_WRITE): fault the range in writable in one call (Linux >= 5.14; older
/// kernels give -1 with EINVAL). Returns 0 or -1 with errno set.
int csysv_populate_write(void *address, size_t length);

/// sem_open(name, oflag, mode, value): variadic when oflag has O_CREAT, hence the wrapper.
/// Returns the semaphore, or NULL (not SEM_FAILED) with errno set.
sem_t *csysv_sem_open(const char *name, int oflag, unsigned int mode, unsigned int value);
/// sem_clockwait(sem, CLOCK_MONOTONIC, deadline): a wait bounded by an absolute monotonic time,
/// immune to wall-clock jumps (_GNU_SOURCE, glibc 2.30). Returns 0 or -1 with errno (ETIMEDOUT, EINTR).
int csysv_sem_clockwait(sem_t *sem, const struct timespec *deadline);

/// strerrorname_np(err): glibc's symbolic name of an errno value ("ENOENT"), NULL for one it
/// does not know (_GNU_SOURCE, glibc 2.32).
const char *csysv_errno_name(int err);

/// Records that this process took the POSIX semaphore `sem` (one entry per take). The first call
/// installs handlers for the crash signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP,
/// SIGSYS) that post every recorded semaphore before the previous action runs: a POSIX semaphore
/// has no SEM_UNDO, so without this a crash of ours would leave the lock taken for good.
/// Returns 0, or -1 when all slots are in use (the lock is then not guarded).
int csysv_posix_lock_taken(sem_t *sem);
/// Forgets one recorded take of `sem` (call before sem_post). No-op when none is recorded.
void csysv_posix_lock_given_back(sem_t *sem);
/// How many takes are recorded now (for tests).
int csysv_posix_locks_recorded(void);

#endif
