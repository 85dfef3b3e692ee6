"""Who sees a complainant's identity (handlers/identity.py, issue 15): every role × every level, the handling
officer, the staff group, CONFIDENTIAL_ROLES read and checked, and the texts that stand for a hidden identity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import ConfigError
from bot.settings import Settings
from domain.vocabulary import IdentityLevel, Role
from handlers.i18n import Translator
from handlers.identity import GROUP, Viewer, complainant, confidential_roles, in_notice, may_see
from storage.records import PersonRecord, TicketRecord

AT = datetime(2026, 12, 1, 3, tzinfo=UTC)
HANDLER, OTHER = 10, 11
DEFAULT = frozenset({"admin", "officer"})
PERSON = PersonRecord(id=5, telegram_id=500, name="Zulkarnain Wibisono", language="id", nrp="5025201001",
                      contact=None)


def ticket(level: str, *, assigned_to: int | None = HANDLER, person_id: int | None = 5,
           erased: bool = False) -> TicketRecord:
    return TicketRecord(id=1, number="KEL-2026-00001", kind="complaint", channel="telegram", person_id=person_id,
                        service_code="transcript", service_other=None, description="x" * 30, occurred_on=None,
                        answers={}, attachments=(), anonymous=level == IdentityLevel.ANONYMOUS, status="received",
                        created_at=AT, updated_at=AT, identity_level=level, assigned_to=assigned_to,
                        identity_erased_at=AT if erased else None)


# (viewer, level) -> may see, with the default CONFIDENTIAL_ROLES (admin and the handling officer)
EXPECTED = {
    "handling officer": {"named": True, "confidential": True, "anonymous": False},
    "another officer": {"named": True, "confidential": False, "anonymous": False},
    "reviewer": {"named": True, "confidential": False, "anonymous": False},
    "approver": {"named": True, "confidential": False, "anonymous": False},
    "monitor": {"named": True, "confidential": False, "anonymous": False},
    "admin": {"named": True, "confidential": True, "anonymous": False},
    "staff group": {"named": True, "confidential": False, "anonymous": False},
    "no role": {"named": False, "confidential": False, "anonymous": False},
    # removed from the staff, still the ticket's assignee: a former officer sees nothing
    "removed handling officer": {"named": False, "confidential": False, "anonymous": False},
}
VIEWERS = {
    "handling officer": Viewer(HANDLER, frozenset({Role.OFFICER.value})),
    "another officer": Viewer(OTHER, frozenset({Role.OFFICER.value})),
    "reviewer": Viewer(OTHER, frozenset({Role.REVIEWER.value})),
    "approver": Viewer(OTHER, frozenset({Role.APPROVER.value})),
    "monitor": Viewer(OTHER, frozenset({Role.MONITOR.value})),
    "admin": Viewer(OTHER, frozenset({Role.ADMIN.value})),
    "staff group": GROUP,
    "no role": Viewer(OTHER),
    "removed handling officer": Viewer(HANDLER),
}


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("level", [level.value for level in IdentityLevel])
def test_every_role_and_level_with_the_default_roles(who: str, level: str) -> None:
    assert may_see(VIEWERS[who], ticket(level), DEFAULT) is EXPECTED[who][level]


def test_officer_in_the_setting_means_the_handling_officer_only() -> None:
    unassigned = ticket(IdentityLevel.CONFIDENTIAL, assigned_to=None)
    assert not may_see(VIEWERS["handling officer"], unassigned, DEFAULT)
    assert may_see(VIEWERS["admin"], unassigned, DEFAULT)
    assert not may_see(VIEWERS["another officer"], ticket(IdentityLevel.CONFIDENTIAL), frozenset({"officer"}))


def test_other_role_names_mean_anyone_holding_them() -> None:
    roles = frozenset({"monitor"})
    assert may_see(VIEWERS["monitor"], ticket(IdentityLevel.CONFIDENTIAL), roles)
    assert not may_see(VIEWERS["admin"], ticket(IdentityLevel.CONFIDENTIAL), roles)
    assert not may_see(VIEWERS["handling officer"], ticket(IdentityLevel.CONFIDENTIAL), roles)
    assert not may_see(GROUP, ticket(IdentityLevel.CONFIDENTIAL), frozenset(r.value for r in Role))
    assert not any(may_see(VIEWERS[w], ticket(IdentityLevel.CONFIDENTIAL), frozenset()) for w in VIEWERS)


def test_an_erased_identity_or_a_ticket_without_a_person_is_shown_to_nobody() -> None:
    for t in (ticket(IdentityLevel.NAMED, erased=True), ticket(IdentityLevel.NAMED, person_id=None)):
        assert not any(may_see(VIEWERS[w], t, DEFAULT) for w in VIEWERS)


@pytest.mark.parametrize(("locale", "words"), [("en", ("confidential", "anonymous")), ("id", ("rahasia", "anonim"))])
def test_a_hidden_identity_reads_as_its_level_never_the_name(translator: Translator, locale: str,
                                                             words: tuple[str, str]) -> None:
    _ = translator.gettext(locale)
    for level, word in zip((IdentityLevel.CONFIDENTIAL, IdentityLevel.ANONYMOUS), words, strict=True):
        shown = complainant(GROUP, ticket(level), PERSON, DEFAULT, _)
        assert not shown.identity and word in shown.text.casefold() and "Zulkarnain" not in shown.text
        notice = in_notice(VIEWERS["another officer"], ticket(level), PERSON, DEFAULT, _)
        assert not notice.identity and "Zulkarnain" not in notice.text
    named = complainant(VIEWERS["admin"], ticket(IdentityLevel.CONFIDENTIAL), PERSON, DEFAULT, _)
    assert named.identity and named.text.startswith("Zulkarnain Wibisono (5025201001) · 🔒 ")


def test_confidential_roles_are_read_in_either_language_and_an_unknown_one_is_a_config_error() -> None:
    assert confidential_roles(" admin, petugas ;pemantau") == frozenset({"admin", "officer", "monitor"})
    assert confidential_roles("") == frozenset()
    assert Settings(confidential_roles="admin,officer").confidential() == DEFAULT
    with pytest.raises(ConfigError, match="CONFIDENTIAL_ROLES: unknown role 'boss'"):
        Settings(confidential_roles="admin,boss").confidential()


def test_the_history_names_no_other_complainant_of_the_case(translator: Translator) -> None:
    """A "me too" lead's complainant who rates or withdraws acts on the members' tickets too: the staff's history
    of a member says what happened, never by whom (the snapshot leaves such actors out of ``names``)."""
    from zoneinfo import ZoneInfo

    from handlers.history import Reader, history_lines
    from storage.records import TicketEventRecord

    event = TicketEventRecord(1, 1, AT, 77, "resolved", "closed", None, "closed")
    reader = Reader(translator.gettext("en"), "en", ZoneInfo("Asia/Jakarta"))
    [line] = history_lines(ticket(IdentityLevel.NAMED), [event], reader, {})
    assert line.endswith("closed")
    [named] = history_lines(ticket(IdentityLevel.NAMED), [event], reader, {77: "Olivia"})
    assert named.endswith("(Olivia)")
