"""The language of a GUI run: the expected strings come from the compiled catalog, the programs get
the matching locale.

    SHAREDMEMORY_GUI_LANGUAGE   "" or "en": English (the default; the programs run under C.UTF-8);
                                "de": German (LANG=de_DE.UTF-8, LANGUAGE=de, no LC_*), the expected
                                strings from .build-locale/de/LC_MESSAGES/sharedmemory-gtk.mo.

A German run without the compiled catalog fails at import (gettext.translation raises): it never
falls back to English, so it cannot pass with the English strings on both sides.
"""

import gettext
import locale
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOMAIN = "sharedmemory-gtk"
LOCALE_DIR = os.environ.get("SHAREDMEMORY_LOCALEDIR") or os.path.join(ROOT, ".build-locale")
# The system locale each language runs under (`make test-deps` generates them).
LOCALES = {"de": "de_DE.UTF-8"}

LANGUAGE = os.environ.get("SHAREDMEMORY_GUI_LANGUAGE", "").strip()
if LANGUAGE == "en":
    LANGUAGE = ""
if LANGUAGE and LANGUAGE not in LOCALES:
    raise SystemExit(f"SHAREDMEMORY_GUI_LANGUAGE={LANGUAGE!r}: no locale known for it ({sorted(LOCALES)})")
GERMAN = LANGUAGE == "de"

CATALOG = (gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[LANGUAGE]) if LANGUAGE
           else gettext.NullTranslations())


def tr(msgid, **values):
    """What the programs show for msgid in the run's language, `{name}` placeholders filled in the
    order given (as String.filling does)."""
    text = CATALOG.gettext(msgid)
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def trn(singular, plural, count, **values):
    """The plural form for count, `{count}` and the other placeholders filled."""
    text = CATALOG.ngettext(singular, plural, count).replace("{count}", str(count))
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def prefix(msgid):
    """The translated text up to its first placeholder: what a status starts with."""
    return tr(msgid).split("{", 1)[0]


def app_env():
    """The locale variables the programs run with."""
    if not LANGUAGE:
        return {"LC_ALL": "C.UTF-8"}
    return {"LANG": LOCALES[LANGUAGE], "LANGUAGE": LANGUAGE}


def apply_to_process():
    """In a translated run, this process's environment (inherited by sharedmemory-ctl and every
    program started) takes the language's locale: LANG and LANGUAGE set, LC_ALL and LC_* removed."""
    if not LANGUAGE:
        return
    for name in [n for n in os.environ if n.startswith("LC_")]:
        del os.environ[name]
    os.environ.update(app_env())
    locale.setlocale(locale.LC_MESSAGES, "")  # os.strerror in the language, as the programs say it
