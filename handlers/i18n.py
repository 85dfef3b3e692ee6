"""Translations: Babel gettext catalogues in ``locales/<lang>/LC_MESSAGES/messages.po``.

The ``.po`` files are compiled in memory at start (no ``.mo`` needs to be built), or a compiled
``messages.mo`` beside them is used when it is newer.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import locales

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]
"""``ngettext(singular, plural, n)``: the form for ``n`` in the reader's language (Indonesian has one, English two).
Called by that name, so that pybabel extracts both forms."""
LANGUAGES = ("id", "en")
DEFAULT_LOCALE = "id"
LOCALES_DIR = Path(locales.__file__).parent


def _load(lang: str, directory: Path) -> gettext.NullTranslations:
    folder = directory / lang / "LC_MESSAGES"
    po, mo = folder / "messages.po", folder / "messages.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Translator:
    """Gettext functions by language; unknown languages fall back to the default."""

    def __init__(self, directory: Path = LOCALES_DIR, default: str = DEFAULT_LOCALE) -> None:
        self.default = default if default in LANGUAGES else DEFAULT_LOCALE
        self._catalogs = {lang: _load(lang, directory) for lang in LANGUAGES}

    def gettext(self, lang: str) -> Gettext:
        return self._catalogs.get(lang, self._catalogs[self.default]).gettext

    def ngettext(self, lang: str) -> Ngettext:
        return self._catalogs.get(lang, self._catalogs[self.default]).ngettext

    def pick(self, chosen: str | None, telegram_code: str | None) -> str:
        """The user's /lang choice, else Telegram's language_code, else the default."""
        for code in (chosen, telegram_code):
            if code:
                base = code.split("-", 1)[0].casefold()
                if base in LANGUAGES:
                    return base
        return self.default


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with a Gettext function."""
    return message
