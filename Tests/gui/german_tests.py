"""Issue 13: literal German in the German run (SHAREDMEMORY_GUI_LANGUAGE=de).

The translated run takes its expected strings from the compiled catalog, so a catalog that lost
its entries would make both sides English and still pass; these tests spell the German out. They
run only in the German run (make_tests returns none otherwise); each one fails when the programs
find no German catalog.
"""

import os
import subprocess
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402


def make_tests(h):
    """The German tests, given the runner module h; none unless the run is German."""
    if not h.l10n.GERMAN:
        return []

    def test_german_windows(t):
        """Both windows in German: titles, accessible names, the empty text, the Segment line
        before and after a load, the loader's status after a load."""
        key = t.key()
        viewer = t.viewer(key)
        h.check(viewer.frame.get_name() == "Shared Memory", f"viewer title {viewer.frame.get_name()!r}")
        h.check(h.find(viewer.frame, "Dateiinhalt", Atspi.Role.TEXT) is not None, "no text view named Dateiinhalt")
        h.wait_text("the German empty text", viewer.text,
                    lambda s: s == "Noch keine Datei geladen; bitte laden Sie eine mit sharedmemory_loader.", 2.0)
        head = f"Schlüssel {key} · Segment "
        h.wait_text("the German Segment line", viewer.info, lambda s: s == "noch nichts geladen", 2.0)
        h.check(viewer.info.get_description().startswith(head), f"the tooltip: {viewer.info.get_description()!r}")
        loader = t.loader(key)
        h.check(loader.frame.get_name() == "Shared-Memory-Lader", f"loader title {loader.frame.get_name()!r}")
        for name, role in (("Datei", Atspi.Role.COMBO_BOX), ("Neu laden", Atspi.Role.PUSH_BUTTON),
                           ("Andere Datei", Atspi.Role.PUSH_BUTTON), ("Zu ladende Datei:", Atspi.Role.LABEL)):
            h.check(h.find(loader.frame, name, role) is not None, f"no {role.value_nick} named {name!r} in the loader")
        h.wait_text("the German prompt", loader.status, lambda s: s.startswith("Wählen Sie eine Datei aus "), 2.0)
        name = "hello.txt" if "hello.txt" in h.combo_items(loader.combo) else h.combo_items(loader.combo)[0]
        t.pick(loader, name)
        h.wait_text("the German status", loader.status, lambda s: s == f"Datei {name} in das Shared Memory geladen",
                    h.UPDATE_DEADLINE)
        size = os.path.getsize(os.path.join(h.ASSETS, name))
        # The size in German digits ("1.234 Bytes" past 999), the time after "geladen um".
        exact = f"{size:,}".replace(",", ".")
        h.wait_text("the Segment line of the load", viewer.info,
                    lambda s: s.startswith(f"{name}, ") and " geladen um " in s, h.UPDATE_DEADLINE)
        info = viewer.info.get_description()
        h.check(info.startswith(head), f"the tooltip: {info!r}")
        h.check(f"{exact} Bytes" in info or f"{exact} Byte" in info, f"no German byte count {exact!r} in {info!r}")
        return f"Segment line: {info!r}"

    def test_german_errors(t):
        """The loader's attach error and sharedmemory-ctl's errors in German."""
        key = t.key()
        loader = t.loader(key)
        t.pick(loader, h.combo_items(loader.combo)[0])
        status = h.wait_text("the German attach error", loader.status,
                             lambda s: s.startswith("Anbinden an das Shared Memory nicht möglich: "), 2.0)
        h.check("Bitte starten Sie zuerst den sharedmemory-Betrachter" in status, f"no German advice: {status!r}")
        r = h.ctl("info", "--key", key)
        h.check(r.returncode == 1 and f"für den Schlüssel „{key}“ existiert nichts" in r.stderr,
                f"ctl info: {r.returncode} {r.stderr!r}")
        r = h.ctl("create", "--key", key, "--size", "0")
        h.check(r.returncode == 2 and "--size 0 ist zu klein" in r.stderr, f"ctl create --size 0: {r.returncode} {r.stderr!r}")

    def test_german_catalog_missing_means_english(t):
        """Without the catalog (SHAREDMEMORY_LOCALEDIR elsewhere) the German locale shows English:
        the check the two tests above rely on to fail when the catalog is gone."""
        empty = os.path.join(t.tmp, "no-catalogs")
        os.makedirs(empty)
        r = subprocess.run([h.CTL, "create", "--key", t.key(), "--size", "0"], capture_output=True, text=True,
                           env=dict(os.environ, SHAREDMEMORY_LOCALEDIR=empty), timeout=20)
        h.check(r.returncode == 2 and "--size 0 is too small" in r.stderr and "zu klein" not in r.stderr,
                f"ctl without a catalog: {r.returncode} {r.stderr!r}")
        started = time.monotonic()
        app = h.App(t, "loader", [h.LOADER, "--key", t.key(), "--assets", h.ASSETS], "Shared Memory Loader",
                    {"SHAREDMEMORY_LOCALEDIR": empty})
        t.apps.append(app)
        app.wait_frame()
        return f"English loader frame without the catalog after {time.monotonic() - started:.1f} s"

    return [test_german_windows, test_german_errors, test_german_catalog_missing_means_english]
