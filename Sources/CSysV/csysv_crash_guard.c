// Gives back POSIX semaphores that this process holds when it crashes. The kernel undoes a
// System V semop(SEM_UNDO) of a dead process, but nothing undoes a sem_wait: a crash while a
// lock is held would leave every other process waiting for good. The table is a fixed array of
// atomics and the handler calls only sem_post, sigaction and raise, which are async-signal-safe.
// SIGKILL cannot be caught; that case is left to the library's abandonment check.
#define _GNU_SOURCE
#include "csysv.h"
#include <signal.h>
#include <stdatomic.h>
#include <pthread.h>

#define GUARD_SLOTS 64

static _Atomic(sem_t *) held[GUARD_SLOTS];
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };
#define CRASH_SIGNAL_COUNT (int)(sizeof crash_signals / sizeof crash_signals[0])
static struct sigaction previous[CRASH_SIGNAL_COUNT];
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void give_back_all(void) {
    for (int i = 0; i < GUARD_SLOTS; i++) {
        sem_t *sem = atomic_exchange(&held[i], NULL);
        if (sem) sem_post(sem);
    }
}

static void on_crash(int sig, siginfo_t *info, void *context) {
    give_back_all();
    for (int i = 0; i < CRASH_SIGNAL_COUNT; i++) {
        if (crash_signals[i] != sig) continue;
        // Whatever was there before runs first (the Swift runtime's backtracer prints the crash).
        if (previous[i].sa_flags & SA_SIGINFO) {
            if (previous[i].sa_sigaction) previous[i].sa_sigaction(sig, info, context);
        } else if (previous[i].sa_handler != SIG_DFL && previous[i].sa_handler != SIG_IGN) {
            previous[i].sa_handler(sig);
        }
        break;
    }
    // The locks are given back, so the process must not go on as their holder: when the previous
    // handler returned (the backtracer does for a signal sent by kill), die by the signal's
    // default action, which the blocked signal gets on return from this handler.
    struct sigaction fallback = {0};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(sig, &fallback, NULL);
    raise(sig);
}

static void install(void) {
    struct sigaction action = {0};
    action.sa_sigaction = on_crash;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < CRASH_SIGNAL_COUNT; i++) sigaction(crash_signals[i], &action, &previous[i]);
}

int csysv_posix_lock_taken(sem_t *sem) {
    pthread_once(&install_once, install);
    for (int i = 0; i < GUARD_SLOTS; i++) {
        sem_t *expected = NULL;
        if (atomic_compare_exchange_strong(&held[i], &expected, sem)) return 0;
    }
    return -1;
}

void csysv_posix_lock_given_back(sem_t *sem) {
    for (int i = 0; i < GUARD_SLOTS; i++) {
        sem_t *expected = sem;
        if (atomic_compare_exchange_strong(&held[i], &expected, NULL)) return;
    }
}

int csysv_posix_locks_recorded(void) {
    int count = 0;
    for (int i = 0; i < GUARD_SLOTS; i++) count += atomic_load(&held[i]) != NULL;
    return count;
}
