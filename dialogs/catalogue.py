"""The service catalogue (katalog layanan): the services a complaint can be about.

Each service of the academic administration bureau (BAPKM) has its own procedure (SOP) and
standard time (waktu standar layanan, in working days). Its confirmation questions (pertanyaan
konfirmasi) let an officer judge a complaint against that procedure (SOP PM-BAPKM.AP.1-24 step b).

Plain, immutable data; reading and validating the TOML file is `handlers.catalogue_loader`'s job.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_LOCALE = "id"
"""The language every text must exist in, and the one used when a locale has no text."""

LOCALES: tuple[str, ...] = ("id", "en")
"""Languages the catalogue is written in."""


def primary_language(locale: str | None) -> str:
    """The language part of a locale or Telegram language code: ``"en-US"`` -> ``"en"``."""
    if not locale:
        return DEFAULT_LOCALE
    return locale.replace("-", "_").split("_", 1)[0].casefold()


def localized(texts: Mapping[str, str], locale: str | None) -> str:
    """The text for ``locale``, falling back to Indonesian, then to any text there is."""
    language = primary_language(locale)
    if texts.get(language):
        return texts[language]
    if texts.get(DEFAULT_LOCALE):
        return texts[DEFAULT_LOCALE]
    return next((text for text in texts.values() if text), "")


class QuestionKind(StrEnum):
    """How a confirmation question is answered."""

    YESNO = "yesno"
    CHOICE = "choice"
    DATE = "date"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer of a choice question: a stable ``value`` stored with the ticket, labels shown."""

    value: str
    label: dict[str, str]

    def display_label(self, locale: str | None = DEFAULT_LOCALE) -> str:
        return localized(self.label, locale)


@dataclass(frozen=True, slots=True)
class Question:
    """A confirmation question (pertanyaan konfirmasi) asked about a service.

    ``starts_standard_time`` marks the DATE question whose answer is the day from which the
    service's standard time runs (e.g. "When did you submit your request?"). ``optional`` marks a
    question a complainant may not be able to answer (e.g. "What did the staff last tell you?"): it
    has a Skip button.
    """

    id: str
    kind: QuestionKind
    text: dict[str, str]
    choices: tuple[Choice, ...] = ()
    starts_standard_time: bool = False
    optional: bool = False

    def prompt(self, locale: str | None = DEFAULT_LOCALE) -> str:
        """The question as shown to the complainant."""
        return localized(self.text, locale)

    def choice(self, value: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.value == value), None)


@dataclass(frozen=True, slots=True)
class StandardTimes:
    """How long, in working days, the bureau takes for each step of handling a complaint.

    ``confirm``: from receipt to the officer's verdict (SOP step b); ``respond``: from the verdict to the
    response that concludes it; ``close``: from receipt to closed. The due-work engine reminds and escalates
    against these; settings give the defaults, a service may set its own (``handling`` in services.toml).
    """

    confirm: int
    respond: int
    close: int


DEFAULT_STANDARD_TIMES = StandardTimes(confirm=3, respond=5, close=20)
"""The standard times when settings give none: confirm within 3 working days, respond within 5, close within 20."""


@dataclass(frozen=True, slots=True)
class ServiceHandling:
    """A service's own standard times for handling complaints; ``None`` keeps the default from settings."""

    confirm: int | None = None
    respond: int | None = None
    close: int | None = None

    def over(self, defaults: StandardTimes) -> StandardTimes:
        """These times where set, ``defaults`` elsewhere, field by field."""
        return StandardTimes(
            confirm=defaults.confirm if self.confirm is None else self.confirm,
            respond=defaults.respond if self.respond is None else self.respond,
            close=defaults.close if self.close is None else self.close,
        )


@dataclass(frozen=True, slots=True)
class Service:
    """A service (layanan) with its procedure reference and standard time in working days.

    ``standard_days`` is the service's own standard time (waktu standar layanan: e.g. a transcript is issued
    within 3 working days), against which a complaint is judged; ``handling`` is how long the bureau takes to
    handle a complaint about the service, where it differs from the defaults (see :func:`standard_times`).
    """

    code: str
    name: dict[str, str]
    aliases: tuple[str, ...]
    standard_days: int
    procedure: str
    questions: tuple[Question, ...]
    handling: ServiceHandling | None = None

    def display_name(self, locale: str | None = DEFAULT_LOCALE) -> str:
        return localized(self.name, locale)

    def question(self, question_id: str) -> Question | None:
        return next((question for question in self.questions if question.id == question_id), None)

    @property
    def standard_time_question(self) -> Question | None:
        """The DATE question the standard time runs from, if the service has one."""
        return next((question for question in self.questions if question.starts_standard_time), None)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """All services, in the order staff listed them."""

    services: tuple[Service, ...]
    _by_code: dict[str, Service] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {service.code: service for service in self.services})

    def get(self, code: str) -> Service | None:
        return self._by_code.get(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(service.code for service in self.services)

    def __iter__(self) -> Iterator[Service]:
        return iter(self.services)

    def __len__(self) -> int:
        return len(self.services)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code


def catalogue_words(catalogue: Catalogue) -> list[str]:
    """The services' Indonesian names and aliases: root words the stemmer's dictionary should know."""
    return [text for service in catalogue for text in (service.name.get("id", ""), *service.aliases)]


def standard_times(service_code: str | None, catalogue: Catalogue, defaults: StandardTimes) -> StandardTimes:
    """The standard times for handling a complaint about ``service_code``: the service's own, field by field,
    over ``defaults``. A code not in the catalogue (``"other"``, a service since removed) gets the defaults."""
    service = catalogue.get(service_code) if service_code else None
    if service is None or service.handling is None:
        return defaults
    return service.handling.over(defaults)
