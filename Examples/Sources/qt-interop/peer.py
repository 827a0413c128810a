"""The Qt side of the qt-interop example: a Qt 6 QSharedMemory (PyQt6).

    peer.py KEY
KEY is a QNativeIpcKey string (posix:/name, systemv:/path) or legacy=NAME for QSharedMemory(NAME).
Attaches, takes the lock, prints the text up to the first NUL, writes its reply in its place,
unlocks and detaches. Errors print QSharedMemory's error string and exit 1.
"""
import sys

from PyQt6.QtCore import QT_VERSION_STR, QNativeIpcKey, QSharedMemory

key = sys.argv[1]
shm = QSharedMemory(key[len("legacy="):]) if key.startswith("legacy=") else QSharedMemory(QNativeIpcKey.fromString(key))
if not shm.attach() or not shm.lock():
    sys.exit(f"peer: {shm.errorString()}")
data = shm.data()
data.setsize(shm.size())
print("peer: read", repr(bytes(data[0:shm.size()]).split(b"\0", 1)[0].decode()), flush=True)
reply = f"hello Swift, from Qt {QT_VERSION_STR}".encode() + b"\0"
data[0:len(reply)] = reply
shm.unlock()
shm.detach()
