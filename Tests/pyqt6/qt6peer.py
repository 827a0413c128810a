"""A Qt 6.6+ QSharedMemory (PyQt6) on the other side of our segment, for Tests/InteropTests.

    qt6peer.py MODE KEY [ARG]
KEY is a QNativeIpcKey::toString() string (posix:/..., systemv:/...) or legacy=KEY for
QSharedMemory(QString). Modes:
- version: print Qt's version;
- keys NAME: print platformSafeKey(NAME) for POSIX and System V, and legacyNativeKey(NAME), one a line;
- read: attach read-only, lock, print the text up to the first NUL, unlock, detach (a Qt viewer);
- create TEXT: create 4096 bytes, write TEXT under the lock, print "ready", wait for stdin to close;
- serve SIZE: create SIZE bytes, print "ready", then for each line of stdin print the text under the lock;
- write TEXT: attach, lock, write TEXT, unlock, detach, print "done" (the Qt example's loader);
- hold: attach, lock, print "locked", then unlock when a line arrives on stdin (or be killed holding it).
Failures print QSharedMemory's error string on stderr and exit 1.
"""
import sys

from PyQt6.QtCore import QT_VERSION_STR, QNativeIpcKey, QSharedMemory


def memory(arg):
    if arg.startswith("legacy="):
        return QSharedMemory(arg[len("legacy="):])
    key = QNativeIpcKey.fromString(arg)
    if not key.isValid():
        sys.exit(f"not a native key: {arg!r}")
    return QSharedMemory(key)


def fail(shm):
    print(shm.errorString(), file=sys.stderr, flush=True)
    sys.exit(1)


def text(shm):
    data = shm.constData().asstring(shm.size())
    return data.split(b"\0", 1)[0].decode("utf-8", "replace")


def write(shm, value):
    raw = value.encode()[: shm.size() - 1] + b"\0"
    pointer = shm.data()
    pointer.setsize(shm.size())
    pointer[0:len(raw)] = raw


def main():
    mode = sys.argv[1]
    if mode == "version":
        print(QT_VERSION_STR)
        return
    if mode == "keys":
        name = sys.argv[2]
        print(QSharedMemory.platformSafeKey(name).toString())
        print(QSharedMemory.platformSafeKey(name, QNativeIpcKey.Type.SystemV).toString())
        print(QSharedMemory.legacyNativeKey(name).toString())
        return
    shm = memory(sys.argv[2])
    if mode == "read":
        if not shm.attach(QSharedMemory.AccessMode.ReadOnly) or not shm.lock():
            fail(shm)
        print(text(shm), flush=True)
        shm.unlock()
        shm.detach()
    elif mode == "create":
        if not shm.create(4096) or not shm.lock():
            fail(shm)
        write(shm, sys.argv[3])
        shm.unlock()
        print("ready", flush=True)
        sys.stdin.read()
        shm.detach()
    elif mode == "serve":
        if not shm.create(int(sys.argv[3])):
            fail(shm)
        print("ready", flush=True)
        for _ in sys.stdin:
            if not shm.lock():
                fail(shm)
            print(text(shm), flush=True)
            shm.unlock()
        shm.detach()
    elif mode == "write":
        if not shm.attach() or not shm.lock():
            fail(shm)
        write(shm, sys.argv[3])
        shm.unlock()
        shm.detach()
        print("done", flush=True)
    elif mode == "hold":
        if not shm.attach() or not shm.lock():
            fail(shm)
        print("locked", flush=True)
        sys.stdin.readline()
        shm.unlock()
        print("unlocked", flush=True)
        sys.stdin.read()
        shm.detach()
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
