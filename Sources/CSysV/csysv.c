#define _GNU_SOURCE
#include "csysv.h"

// Linux leaves the definition of union semun to the caller (semctl(2)).
union csysv_semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

int csysv_sem_setval(int semid, int value) {
    union csysv_semun arg;
    arg.val = value;
    return semctl(semid, 0, SETVAL, arg);
}

int csysv_sem_getval(int semid) { return semctl(semid, 0, GETVAL); }

int csysv_sem_getpid(int semid) { return semctl(semid, 0, GETPID); }

int csysv_sem_stat(int semid, struct semid_ds *buf) {
    union csysv_semun arg;
    arg.buf = buf;
    return semctl(semid, 0, IPC_STAT, arg);
}

int csysv_sem_remove(int semid) { return semctl(semid, 0, IPC_RMID); }

int csysv_sem_op(int semid, short op, short flags, const struct timespec *timeout) {
    struct sembuf operation;
    operation.sem_num = 0;
    operation.sem_op = op;
    operation.sem_flg = flags;
    return semtimedop(semid, &operation, 1, timeout);
}
