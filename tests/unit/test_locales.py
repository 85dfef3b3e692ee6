"""The gettext catalogues stay complete and consistent with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TAGS = re.compile(r"</?(?:b|i|u|s|a|code|pre|tg-spoiler)\b[^>]*>")  # Telegram's HTML, not <placeholders>


def code_msgids() -> set[str]:
    ids: set[str] = set()
    for folder in ("bot", "handlers", "dialogs", "reports"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={**DEFAULT_KEYWORDS, "N_": None}
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def catalog(lang: str) -> dict[str, tuple[str, ...]]:
    """Each message by its msgid (a plural's singular) with its translated forms (one, or one per plural form)."""
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        po = read_po(fh, locale=lang)
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): (tuple(m.string) if isinstance(m.string, tuple)
                                                            else (m.string,)) for m in po if m.id}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_catalogue_has_exactly_the_strings_of_the_code(lang: str) -> None:
    """Run the pybabel extract/update workflow of the README when this fails."""
    assert set(catalog(lang)) == code_msgids()


def test_every_string_has_an_indonesian_translation() -> None:
    missing = [msgid for msgid, forms in catalog("id").items() if not all(text.strip() for text in forms)]
    assert missing == []


def test_translations_keep_placeholders_and_markup() -> None:
    for msgid, forms in catalog("id").items():
        for text in forms:
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(text)), msgid
            assert sorted(TAGS.findall(msgid)) == sorted(TAGS.findall(text)), msgid


def test_no_message_counts_with_a_parenthesised_plural() -> None:
    """"1 file(s)" reads as a form, not a sentence: a count takes ``ngettext`` (singular and plural msgids, one
    Indonesian form), which dialogs get as ``IntakeContext.ngettext`` and handlers as ``turn.ngettext``."""
    assert sorted(m for m in code_msgids() if re.search(r"\w\(s\)", m)) == []
