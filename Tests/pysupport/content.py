"""What the viewer shows for a file's bytes: GLib's UTF-8 repair, the Hex view's rows, and
`expect_loaded` (the loader says the file was loaded, the viewer shows it)."""

import ctypes
import ctypes.util
import time

from apps import UPDATE_DEADLINE
from atspi import Atspi, wait_text
from l10n import tr

# GLib's own g_utf8_make_valid (what the viewer calls), through ctypes: PyGObject passes only a str
# to GLib.utf8_make_valid, and a str cannot hold the invalid bytes to repair.
_glib = ctypes.CDLL(ctypes.util.find_library("glib-2.0"))
_glib.g_utf8_make_valid.restype = ctypes.c_void_p
_glib.g_utf8_make_valid.argtypes = [ctypes.c_char_p, ctypes.c_ssize_t]
_glib.g_free.argtypes = [ctypes.c_void_p]


def glib_make_valid(data: bytes) -> str:
    """g_utf8_make_valid(str, len): one U+FFFD per byte at which validation stops, NUL included."""
    repaired = _glib.g_utf8_make_valid(data, len(data))
    try:
        return ctypes.string_at(repaired).decode("utf-8")
    finally:
        _glib.g_free(repaired)


def repaired_forms(data: bytes):
    """What the viewer may show for arbitrary bytes: GLib's repair (exact) or Python's
    maximal-subpart replacement (the brief's 'close' form), with NUL replaced as GLib does."""
    return {glib_make_valid(data), data.replace(b"\0", b"\xff").decode("utf-8", "replace")}


def pick_and_expect(t, loader, viewer, name, data):
    """Picks `name` in the loader and waits for both windows to show it loaded (`expect_loaded`)."""
    started = time.monotonic()
    t.pick(loader, name)
    expect_loaded(loader, viewer, name, data, started)


def expect_loaded(loader, viewer, name, data, started):
    """The status says the file was loaded; the viewer shows its text within UPDATE_DEADLINE."""
    wanted = tr("Loaded file {name} to shared memory", name=name)
    wait_text(f"status {wanted!r}", loader.status, lambda s: s == wanted, UPDATE_DEADLINE)
    try:
        expected = {data.decode("utf-8")}
    except UnicodeDecodeError:
        expected = repaired_forms(data)
    remaining = max(0.05, started + UPDATE_DEADLINE - time.monotonic())
    if is_binary(data):
        # Binary opens in the Hex view (issue 19): its first row shows the first 16 bytes.
        hexdump = viewer.widget(tr("Hex dump"), Atspi.Role.TEXT)
        wait_text(f"the viewer to show {name} ({len(data)} bytes) as hex", hexdump,
                  lambda s: s.startswith(hex_row(data, 0)), remaining)
        return
    wait_text(f"the viewer to show {name} ({len(data)} bytes)", viewer.text,
              lambda s: s in expected, remaining)


def is_binary(data):
    """Whether the viewer opens `data` in its Hex view: many NULs or control bytes (SharedFile's
    ContentKind; the sample files here are clear cases either way)."""
    controls = sum(1 for b in data[:65536] if b < 0x20 and b not in b"\t\n\r\x0b\x0c\x1b" or b == 0x7F)
    return controls > max(1, len(data[:65536]) // 64)


def hex_row(data, row):
    """Row `row` of the Hex view: offset, 16 bytes in hex (a gap after 8), the printable characters."""
    chunk = data[16 * row:16 * row + 16]
    cells = [f"{b:02x}" for b in chunk] + ["  "] * (16 - len(chunk))
    text = "".join(chr(b) if 0x20 <= b <= 0x7E else "." for b in chunk)
    return f"{16 * row:08x}  {' '.join(cells[:8])}  {' '.join(cells[8:])}  {text}"
