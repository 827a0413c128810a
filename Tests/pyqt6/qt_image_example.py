"""Qt's shared memory example (qtbase examples/corelib/ipc/sharedmemory, dialog.cpp) in PyQt6, for
Tests/InteropTests: its two buttons as modes, doing what the C++ example does, step by step.

    qt_image_example.py load KEY FILE   "Load Image from File...": QImage(FILE), QBuffer + QDataStream
                                        << image, create(size) or attach when it exists, lock, copy,
                                        unlock; prints "ready", then holds the segment until stdin closes
    qt_image_example.py show KEY        "Display Image from Shared Memory": attach, lock, QBuffer over
                                        the segment, QDataStream >> QImage, unlock, detach; prints
                                        "WIDTHxHEIGHT #AARRGGBB" (the pixel at the centre) or "null"
    qt_image_example.py make FILE W H RRGGBB   a PNG of W x H pixels of one colour (QImage::save)
KEY is legacy=NAME for QSharedMemory(NAME) (the Qt 5 example) or a QNativeIpcKey string
(posix:/NAME: QNativeIpcKey(u"NAME"_s), the Qt 6.6+ example). Failures print Qt's error and exit 1.
"""
import sys

from PyQt6.QtCore import QBuffer, QByteArray, QCoreApplication, QDataStream, QIODevice, QNativeIpcKey, QSharedMemory
from PyQt6.QtGui import QImage


def memory(arg):
    if arg.startswith("legacy="):
        return QSharedMemory(arg[len("legacy="):])
    key = QNativeIpcKey.fromString(arg)
    if not key.isValid():
        sys.exit(f"not a native key: {arg!r}")
    return QSharedMemory(key)


def fail(message):
    print(message, file=sys.stderr, flush=True)
    sys.exit(1)


def load(shm, path):
    image = QImage()
    if not image.load(path):
        fail(f"Selected file is not an image, please select another: {path}")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.ReadWrite)
    out = QDataStream(buffer)
    out << image
    size = buffer.size()
    if not shm.create(size):
        if shm.error() != QSharedMemory.SharedMemoryError.AlreadyExists or not shm.attach():
            fail(shm.errorString())
    if not shm.lock():
        fail(shm.errorString())
    data = bytes(buffer.data())
    pointer = shm.data()
    pointer.setsize(shm.size())
    count = min(shm.size(), size)
    pointer[0:count] = data[:count]
    shm.unlock()
    print("ready", flush=True)
    sys.stdin.read()
    shm.detach()


def show(shm):
    if not shm.attach(QSharedMemory.AccessMode.ReadOnly):
        fail(shm.errorString())
    if not shm.lock():
        fail(shm.errorString())
    buffer = QBuffer()
    buffer.setData(QByteArray(shm.constData().asstring(shm.size())))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    stream = QDataStream(buffer)
    image = QImage()
    stream >> image
    shm.unlock()
    shm.detach()
    if image.isNull():
        print("null", flush=True)
        return
    pixel = image.pixel(image.width() // 2, image.height() // 2)
    print(f"{image.width()}x{image.height()} #{pixel:08x}", flush=True)


def main():
    app = QCoreApplication(sys.argv[:1])  # image format plugins are found through the application
    if sys.argv[1] == "make":
        image = QImage(int(sys.argv[3]), int(sys.argv[4]), QImage.Format.Format_ARGB32)
        image.fill(0xFF000000 | int(sys.argv[5], 16))
        sys.exit(0 if image.save(sys.argv[2], "PNG") else 1)
    shm = memory(sys.argv[2])
    if sys.argv[1] == "load":
        load(shm, sys.argv[3])
    elif sys.argv[1] == "show":
        show(shm)
    else:
        sys.exit(f"unknown mode {sys.argv[1]}")
    del app


if __name__ == "__main__":
    main()
