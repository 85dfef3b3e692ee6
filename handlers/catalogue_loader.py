"""Reading the service catalogue (katalog layanan) from a TOML file.

It ships with the package in ``handlers/data/services.toml``; ``SERVICE_CATALOGUE`` may point at an
institution's own copy. Every problem is reported as an exception that names the file, the service and the
field, so an admin editing the file can fix it without reading code. The working-day calendar, read from the
TOML list beside it, is :mod:`handlers.calendar_loader`'s job.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from dialogs.catalogue import LOCALES, Catalogue, Choice, Question, QuestionKind, Service, ServiceHandling

SHIPPED_SERVICES = "services.toml"

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_SERVICE_FIELDS = frozenset({"code", "name", "aliases", "standard_days", "procedure", "questions", "handling"})
_HANDLING_FIELDS = ("confirm", "respond", "close")
_QUESTION_FIELDS = frozenset({"id", "kind", "text", "choices", "starts_standard_time", "optional"})
_CHOICE_FIELDS = frozenset({"value", "label"})


class CatalogueError(ValueError):
    """Raised when the service catalogue file cannot be read or breaks a rule."""


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue in ``path``, or the one shipped with the package when ``path`` is None."""
    source, document = read_toml(path, SHIPPED_SERVICES, CatalogueError)
    return parse_catalogue(document, source)


def read_toml(path: Path | None, shipped: str, error: type[ValueError]) -> tuple[str, dict[str, Any]]:
    """The TOML document in ``path`` (or the file ``shipped`` in ``handlers/data/``) and how to name it in an
    error; a file that cannot be read or parsed raises ``error`` naming the file."""
    try:
        if path is None:
            resource = resources.files(__package__ or "handlers").joinpath("data", shipped)
            return f"<shipped {shipped}>", tomllib.loads(resource.read_text(encoding="utf-8"))
        return str(path), tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path or shipped}: cannot read file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path or shipped}: invalid TOML: {exc}") from exc


def parse_catalogue(document: Mapping[str, Any], source: str = "<catalogue>") -> Catalogue:
    """Validate an already parsed TOML document and build the `Catalogue`."""
    entries = document.get("services")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{source}: expected at least one [[services]] entry")
    services: list[Service] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        service = _parse_service(entry, source, index)
        if service.code in seen:
            raise CatalogueError(f"{source}: service {service.code!r}: duplicate code")
        seen.add(service.code)
        services.append(service)
    return Catalogue(tuple(services))


def _parse_service(entry: object, source: str, index: int) -> Service:
    where = f"{source}: service #{index}"
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: expected a table")
    code = entry.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise CatalogueError(f"{where}: 'code' must be lower-case letters, digits and '_' (got {code!r})")
    where = f"{source}: service {code!r}"
    _reject_unknown(entry, _SERVICE_FIELDS, where)
    standard_days = entry.get("standard_days")
    if isinstance(standard_days, bool) or not isinstance(standard_days, int) or standard_days <= 0:
        raise CatalogueError(f"{where}: 'standard_days' must be a positive whole number of working days")
    procedure = entry.get("procedure")
    if not isinstance(procedure, str) or not procedure.strip():
        raise CatalogueError(f"{where}: 'procedure' must name the service's SOP")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise CatalogueError(f"{where}: 'aliases' must be a list of non-empty strings")
    questions_raw = entry.get("questions", [])
    if not isinstance(questions_raw, list):
        raise CatalogueError(f"{where}: 'questions' must be [[services.questions]] entries")
    questions = tuple(_parse_question(q, where, i) for i, q in enumerate(questions_raw, start=1))
    ids = [question.id for question in questions]
    duplicates = sorted({qid for qid in ids if ids.count(qid) > 1})
    if duplicates:
        raise CatalogueError(f"{where}: duplicate question id {duplicates[0]!r}")
    if sum(question.starts_standard_time for question in questions) > 1:
        raise CatalogueError(f"{where}: only one question may set 'starts_standard_time'")
    return Service(
        code=code,
        name=_texts(entry.get("name"), where, "name"),
        aliases=tuple(alias.strip() for alias in aliases),
        standard_days=standard_days,
        procedure=procedure.strip(),
        questions=questions,
        handling=_parse_handling(entry.get("handling"), where),
    )


def _parse_handling(raw: object, where: str) -> ServiceHandling | None:
    """``handling = { confirm = 3, respond = 5, close = 20 }``: any of them, each a positive number of working
    days; what is left out keeps the default from settings."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: 'handling' must be a table such as {{ confirm = 3, respond = 5, close = 20 }}")
    unknown = sorted(set(raw) - set(_HANDLING_FIELDS))
    if unknown:
        raise CatalogueError(
            f"{where}: unknown field 'handling.{unknown[0]}' (allowed: {', '.join(_HANDLING_FIELDS)})")
    days: dict[str, int] = {}
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise CatalogueError(
                f"{where}: 'handling.{name}' must be a positive whole number of working days (got {value!r})")
        days[name] = value
    return ServiceHandling(**days)


def _parse_question(entry: object, service_where: str, index: int) -> Question:
    where = f"{service_where}, question #{index}"
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: expected a table")
    question_id = entry.get("id")
    if not isinstance(question_id, str) or not _CODE.match(question_id):
        raise CatalogueError(f"{where}: 'id' must be lower-case letters, digits and '_', not {question_id!r}")
    where = f"{service_where}, question {question_id!r}"
    _reject_unknown(entry, _QUESTION_FIELDS, where)
    raw_kind = entry.get("kind")
    if not isinstance(raw_kind, str) or raw_kind not in {kind.value for kind in QuestionKind}:
        known = ", ".join(QuestionKind)
        raise CatalogueError(f"{where}: unknown kind {raw_kind!r} (expected one of {known})")
    kind = QuestionKind(raw_kind)
    choices_raw = entry.get("choices", [])
    if not isinstance(choices_raw, list):
        raise CatalogueError(f"{where}: 'choices' must be a list of {{ value, label }} tables")
    choices = tuple(_parse_choice(choice, where) for choice in choices_raw)
    if kind is QuestionKind.CHOICE and len(choices) < 2:
        raise CatalogueError(f"{where}: a choice question needs at least two 'choices'")
    if kind is not QuestionKind.CHOICE and choices:
        raise CatalogueError(f"{where}: only a choice question may have 'choices'")
    values = [choice.value for choice in choices]
    if len(set(values)) != len(values):
        raise CatalogueError(f"{where}: duplicate choice values in {values}")
    starts = entry.get("starts_standard_time", False)
    if not isinstance(starts, bool):
        raise CatalogueError(f"{where}: 'starts_standard_time' must be true or false")
    if starts and kind is not QuestionKind.DATE:
        raise CatalogueError(f"{where}: 'starts_standard_time' is only allowed on a date question")
    optional = entry.get("optional", False)
    if not isinstance(optional, bool):
        raise CatalogueError(f"{where}: 'optional' must be true or false")
    return Question(question_id, kind, _texts(entry.get("text"), where, "text"), choices, starts, optional)


def _parse_choice(entry: object, where: str) -> Choice:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: each choice must be a {{ value, label }} table")
    value = entry.get("value")
    if not isinstance(value, str) or not _CODE.match(value):
        raise CatalogueError(f"{where}: choice 'value' must be lower-case letters, digits and '_'")
    _reject_unknown(entry, _CHOICE_FIELDS, f"{where}, choice {value!r}")
    return Choice(value, _texts(entry.get("label"), f"{where}, choice {value!r}", "label"))


def _texts(raw: object, where: str, name: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: missing '{name}' (needs {name}.id and {name}.en)")
    if not all(isinstance(text, str) for text in raw.values()):
        raise CatalogueError(f"{where}: every '{name}' text must be a string")
    for locale in LOCALES:
        if not raw.get(locale, "").strip():
            raise CatalogueError(f"{where}: missing '{name}.{locale}' text")
    return {locale: text.strip() for locale, text in raw.items()}


def _reject_unknown(entry: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise CatalogueError(f"{where}: unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
