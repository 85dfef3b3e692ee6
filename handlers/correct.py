"""``/correct`` (UU PDP: the right to correct; issue 15 §2): the person fixes their name or contact, and every
ticket of theirs shows it (staff views read the name from the person, not from the ticket).

A short dialog: which field (a button) → the new value (the next message, :mod:`handlers.pending`) → a confirm
button. The value waits in the person's own pending dialog, never in the button: the confirm button carries only a
short hash of it, so a button pressed by someone else, a replayed one or one made for an earlier value does
nothing and says so. A corrected name is kept against the Telegram name every update brings
(``person.name_corrected_at``). The request is recorded (``data_request`` kind ``correction``, done at once) and
audited (``correct``, the field names only — never a value).
"""

from __future__ import annotations

import hashlib
import re

from dialogs.workflow import is_active
from domain.vocabulary import AuditKind, DataRequestKind
from handlers import notices
from handlers.asking import PENDING, ask
from handlers.errors import Refusal
from handlers.events import Button, ClearButtons
from handlers.i18n import Gettext
from handlers.privacy.mask import protected
from handlers.text import neutral, shown
from handlers.turn import Turn
from storage.records import DialogRecord
from storage.repositories.privacy import AuditEntry

PREFIX = "cr"
FIELDS = ("name", "contact")
CONFIRM = "correct_confirm"
ASKS = {"name": "correct_name", "contact": "correct_contact"}
NAME_MAX, CONTACT_MAX = 64, 100
_SPACES = re.compile(r"\s+")


def token(field: str, value: str) -> str:
    """What the confirm button carries: a short hash of the field and the value it confirms."""
    return hashlib.sha256(f"{field}\n{value}".encode()).hexdigest()[:12]


def _field_name(field: str, _: Gettext) -> str:
    return _("name") if field == "name" else _("contact")


def cleaned(field: str, text: str, _: Gettext) -> str:
    """The value as it will be kept, or :class:`Refusal` saying what is wrong with it."""
    value = _SPACES.sub(" ", neutral(text)).strip()
    if field == "name":
        if not 2 <= len(value) <= NAME_MAX or not any(c.isalpha() for c in value):
            raise Refusal(_("A name has 2 to {max} characters, with letters. Write your name again, or /cancel.")
                          .format(max=NAME_MAX))
        return value
    digits = sum(c.isdigit() for c in value)
    if not 5 <= len(value) <= CONTACT_MAX or not ("@" in value or digits >= 6):
        raise Refusal(_("That does not look like a phone number or an e-mail address. Write it again (for example "
                        "0812 3456 7890 or nama@example.com), or /cancel."))
    return value


async def correct(turn: Turn, args: str = "") -> None:
    """/correct: what is kept now, and which field to fix."""
    _ = turn._
    person = turn.person
    turn.say(_("<b>Correct your data</b>\nName: {name}\nContact: {contact}\n\nWhich one do you want to fix? The "
               "change shows on all your tickets.").format(
        name=shown(person.name), contact=shown(person.contact) if person.contact else _("(none)")),
        ((Button(_("✏️ Name"), f"{PREFIX}:f:name"), Button(_("✏️ Contact"), f"{PREFIX}:f:contact")),))


async def propose(turn: Turn, field: str, text: str) -> None:
    """The new value arrived: keep it in the pending dialog and ask to confirm it."""
    _ = turn._
    value = cleaned(field, text, _)
    await turn.uow.dialogs.put(DialogRecord(turn.chat_id, turn.user.id, PENDING, CONFIRM,
                                            {"field": field, "value": value}, turn.deps.clock()))
    old = turn.person.name if field == "name" else turn.person.contact
    turn.say(_("Change your {field} from “{old}” to “{new}” on all your tickets?").format(
        field=_field_name(field, _), old=shown(old) if old else _("(none)"), new=shown(value)),
        ((Button(_("✅ Confirm"), f"{PREFIX}:ok:{token(field, value)}"), Button(_("✖ Cancel"), f"{PREFIX}:no")),))


async def _apply(turn: Turn, field: str, value: str) -> None:
    _ = turn._
    now = turn.deps.clock()
    await turn.uow.persons.correct(turn.person.id, now, **{field: value})
    request = await turn.uow.data_requests.add(turn.person.id, DataRequestKind.CORRECTION, now, status="done",
                                               detail={"fields": [field]})
    await turn.uow.audit.add(now, [AuditEntry(AuditKind.CORRECT, actor_id=turn.person.id, subject_id=turn.person.id,
                                              detail={"fields": [field], "request": request.id})])
    # the staff group's cards of open named tickets show the corrected name; a confidential or anonymous one's card
    # shows none (its masking knows the former name too), and editing it at the same moment as the others would tell
    # the group they are one person's (the third walk)
    named = [t for t in await turn.uow.tickets.list_for_person(turn.person.id, limit=1000)
             if is_active(t.status) and not protected(t)]
    if named:
        await notices.refresh_cards(await turn.ctx(), named)
    turn.say(_("✅ Done: your {field} is now “{value}” on all your tickets (request {number}).").format(
        field=_field_name(field, _), value=shown(value), number=request.number))


async def button(turn: Turn, data: str, message_id: int | None = None) -> None:
    """``cr:f:<field>`` (which field), ``cr:ok:<token>`` (confirm), ``cr:no`` (cancel)."""
    _ = turn._
    parts = data.split(":")
    if len(parts) == 3 and parts[1] == "f" and parts[2] in FIELDS:
        await ask(turn, ASKS[parts[2]], "")
        return
    await turn.uow.persons.lock(turn.person.id)  # a double press on PostgreSQL: the second waits, then finds nothing
    record = await turn.uow.dialogs.get(turn.chat_id)
    waiting = (record is not None and record.dialog == PENDING and record.state == CONFIRM
               and record.user_id == turn.user.id)
    if not waiting or record is None or parts[1:2] not in (["ok"], ["no"]):
        turn.reaction.callback_answer = _("This button is no longer active.")
        turn.reaction.callback_alert = True
        return
    field, value = str(record.data.get("field")), str(record.data.get("value"))
    if parts[1] == "ok" and (len(parts) != 3 or field not in FIELDS or parts[2] != token(field, value)):
        turn.reaction.callback_answer = _("This button was for an earlier value: press the newest one.")
        turn.reaction.callback_alert = True
        return
    await turn.uow.dialogs.delete(turn.chat_id)
    if message_id is not None:
        turn.reaction.outbound.append(ClearButtons(turn.chat_id, message_id))
    if parts[1] == "no":
        turn.say(_("Nothing changed."))
        return
    await _apply(turn, field, value)


async def answered(turn: Turn, field: str, text: str) -> None:
    """The pending question's answer (:mod:`handlers.pending`): the new value of ``field``."""
    if field not in FIELDS:
        raise Refusal(turn._("This button is no longer active."))
    await propose(turn, field, text)
