"""Literal German (issue 13) in the German run (SHAREDMEMORY_GUI_LANGUAGE=de).

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
        status = h.wait_text("the German no-viewer status", loader.status,
                             lambda s: s.startswith("Laden nicht möglich: für diesen Schlüssel läuft kein Betrachter"), 2.0)
        h.check("\nStarten Sie zuerst den sharedmemory-Betrachter und wählen Sie dann die Datei erneut." in status,
                f"no German advice: {status!r}")
        r = h.ctl("info", "--key", key)
        h.check(r.returncode == 1 and f"für den Schlüssel „{key}“ existiert nichts" in r.stderr,
                f"ctl info: {r.returncode} {r.stderr!r}")
        r = h.ctl("create", "--key", key, "--size", "0")
        h.check(r.returncode == 2 and "--size 0 ist zu klein" in r.stderr, f"ctl create --size 0: {r.returncode} {r.stderr!r}")
        # Issue 23: a number GLib cannot read is our usage error, in German too.
        r = subprocess.run([h.VIEWER, "--size", "1e6"], capture_output=True, text=True, timeout=20,
                           env={k: v for k, v in os.environ.items() if k != "DISPLAY"})
        h.check(r.returncode == 2 and "--size erwartet eine ganze Zahl, nicht „1e6“" in r.stderr,
                f"viewer --size 1e6: {r.returncode} {r.stderr!r}")
        r = h.ctl("load", "--key", key, "/etc/hostname")
        h.check(r.returncode == 1 and "führen Sie dann diesen Befehl erneut aus." in r.stderr, f"ctl load: {r.stderr!r}")

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

    def test_german_other_file_dialog(t):
        """Issue 23: the Other File… dialog's own buttons in German ("Laden", "Abbrechen"), not "Load"."""
        key = t.key()
        loader = t.loader(key)
        h.check(Atspi.Action.do_action(loader.widget("Andere Datei", Atspi.Role.PUSH_BUTTON), 0),
                "AT-SPI could not click Andere Datei")

        def dialog():
            app = h.app_for_pid(loader.pid)
            return next((c for c in (app.get_child_at_index(i) for i in range(app.get_child_count()))
                         if c is not None and c.get_role() == Atspi.Role.FILE_CHOOSER), None)
        found = h.wait_until("the file dialog", dialog, 3.0)
        tree = "\n".join(h.dump_tree(found, max_depth=14))
        for name in ("Laden", "Abbrechen"):
            h.check(h.find(found, name, Atspi.Role.PUSH_BUTTON) is not None, f"the dialog has no button {name!r}:\n{tree}")
        h.check(h.find(found, "Load", Atspi.Role.PUSH_BUTTON) is None, "the dialog still says Load")
        h.check(Atspi.Action.do_action(h.find(found, "Abbrechen", Atspi.Role.PUSH_BUTTON), 0), "could not click Abbrechen")

    return [test_german_windows, test_german_errors, test_german_catalog_missing_means_english,
            test_german_other_file_dialog]
