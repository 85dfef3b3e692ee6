"""Every transition of the staff intake dialog (SOP step a, other channels), in Indonesian and English.

Pure: no database, no Telegram. The Indonesian catalogue may not translate these strings yet, so the tests
assert on steps, draft values and button data, not on Indonesian words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from dialogs import staff_intake
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue
from dialogs.draft import DraftFile
from dialogs.intake_steps import IntakeContext
from dialogs.staff_intake import CHANNELS, FLOW, StaffIntakeDraft, Step
from dialogs.ui import FileInput, PickInput
from handlers.i18n import Translator
from tests.unit.dialog_driver import Chat

TODAY = date(2026, 11, 25)  # a Wednesday
DESCRIPTION = "Surat dari orang tua: transkrip anaknya belum terbit sejak September."

StaffChat = Chat[Step, StaffIntakeDraft, IntakeContext]


@pytest.fixture(params=["id", "en"])
def ctx(request: pytest.FixtureRequest, catalogue: Catalogue, translator: Translator) -> IntakeContext:
    locale = request.param
    return IntakeContext(catalogue, locale, TODAY, WorkingCalendar(), translator.gettext(locale), "Petugas Rina")


def chat_at(ctx: IntakeContext, step: Step) -> StaffChat:
    """A chat that answered everything before ``step`` the ordinary way."""
    chat: StaffChat = Chat(FLOW, ctx)
    answers: list[tuple[Step, Callable[[], object]]] = [
        (Step.CHANNEL, lambda: chat.press("letter")),
        (Step.KIND, lambda: chat.press("complaint")),
        (Step.SERVICE, lambda: chat.press("transcript")),
        (Step.NAME, lambda: chat.type("Bapak Suharto")),
        (Step.CONTACT, lambda: chat.type("0812-3456-7890")),
        (Step.DESCRIPTION, lambda: chat.type(DESCRIPTION)),
        (Step.FILES, lambda: chat.press("done")),
        (Step.RECEIVED, lambda: chat.press("yesterday")),
    ]
    for at, answer in answers:
        if at == step:
            break
        assert chat.step == at
        answer()
    assert chat.step == step
    return chat


class TestChannelAndKind:
    def test_start_offers_every_channel_and_no_back(self, ctx: IntakeContext) -> None:
        chat: StaffChat = Chat(FLOW, ctx)
        assert chat.step == Step.CHANNEL
        assert chat.values() == [*CHANNELS, "cancel"]
        assert all(data.startswith("si:channel:") for row in chat.said.buttons for _l, data in row)

    def test_channel_button_leads_to_kind(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.CHANNEL)
        chat.press("suggestion_box")
        assert chat.step == Step.KIND and chat.draft.channel == "suggestion_box"

    def test_typed_channel_is_refused_with_a_warning(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.CHANNEL)
        chat.type("surat")
        assert chat.step == Step.CHANNEL and chat.warned() and chat.draft.channel is None

    def test_kind_button_and_typed_word_lead_to_service(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.KIND)
        chat.type("saran")
        assert chat.step == Step.SERVICE and chat.draft.kind == "suggestion"

    def test_back_from_kind_returns_to_channel(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.KIND)
        chat.press("back")
        assert chat.step == Step.CHANNEL


class TestService:
    def test_buttons_list_the_catalogue_and_other(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SERVICE)
        assert [*ctx.catalogue.codes, "other", "back", "cancel"] == chat.values()

    def test_typo_finds_the_service(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SERVICE)
        chat.type("transkip")
        assert chat.step == Step.NAME and chat.draft.service == "transcript"

    def test_unknown_name_keeps_the_step_and_echoes_it_escaped(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SERVICE)
        chat.type("<qwxzv>")
        assert chat.step == Step.SERVICE and "&lt;qwxzv&gt;" in chat.said.text and "other" in chat.values()

    def test_other_service_is_accepted(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SERVICE)
        chat.press("other")
        assert chat.step == Step.NAME and chat.draft.service == "other"


class TestComplainant:
    def test_typed_name_leads_to_contact(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.NAME)
        chat.type("  Ibu   Sri Wahyuni ")
        assert chat.step == Step.CONTACT and chat.draft.name == "Ibu Sri Wahyuni"

    def test_unknown_button_records_no_name(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.NAME)
        chat.press("unknown")
        assert chat.step == Step.CONTACT and chat.draft.name is None and chat.draft.name_done

    @pytest.mark.parametrize("typed", ["7", "x" * 121])
    def test_implausible_name_is_refused(self, ctx: IntakeContext, typed: str) -> None:
        chat = chat_at(ctx, Step.NAME)
        chat.type(typed)
        assert chat.step == Step.NAME and chat.warned()

    @pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 31 599 4251", "siti.rahma@its.ac.id", "@siti_rahma",
                                       "Jl. Arief Rahman Hakim 1, Surabaya"])
    def test_phone_email_account_or_address_is_accepted(self, ctx: IntakeContext, typed: str) -> None:
        chat = chat_at(ctx, Step.CONTACT)
        chat.type(typed)
        assert chat.step == Step.DESCRIPTION and chat.draft.contact == typed

    @pytest.mark.parametrize("typed", ["0812-34", "siti@its", "ab"])
    def test_broken_contact_is_refused(self, ctx: IntakeContext, typed: str) -> None:
        chat = chat_at(ctx, Step.CONTACT)
        chat.type(typed)
        assert chat.step == Step.CONTACT and chat.warned() and not chat.draft.contact_done

    def test_no_contact_button(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.CONTACT)
        chat.press("none")
        assert chat.step == Step.DESCRIPTION and chat.draft.contact is None and chat.draft.contact_done


class TestDescriptionAndFiles:
    def test_text_leads_to_files(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.type(DESCRIPTION)
        assert chat.step == Step.FILES and chat.draft.description == DESCRIPTION

    def test_scan_with_caption_gives_description_and_attachment(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.send(FileInput("doc-1", "document", "surat.pdf", "application/pdf", DESCRIPTION))
        assert chat.step == Step.FILES and chat.draft.description == DESCRIPTION
        assert chat.draft.files == (DraftFile("doc-1", "document", "surat.pdf"),)

    def test_photo_without_caption_is_kept_and_description_still_asked(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.photo("photo-1")
        assert chat.step == Step.DESCRIPTION and len(chat.draft.files) == 1 and chat.draft.description is None
        assert "1" in chat.said.text
        chat.type(DESCRIPTION)
        assert chat.step == Step.FILES and len(chat.draft.files) == 1

    @pytest.mark.parametrize(("typed", "shown"), [("pendek", "10"), ("x" * 3001, "3001")])
    def test_too_short_or_too_long_is_refused(self, ctx: IntakeContext, typed: str, shown: str) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.type(typed)
        assert chat.step == Step.DESCRIPTION and chat.warned() and shown in chat.said.text

    def test_more_files_then_done_leads_to_received(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.FILES)
        chat.photo("photo-2")
        chat.send(FileInput("doc-3", "document", "form.pdf", "application/pdf"))
        assert chat.step == Step.FILES and len(chat.draft.files) == 2
        chat.press("done")
        assert chat.step == Step.RECEIVED and chat.draft.files_done

    def test_unsupported_document_is_refused(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.FILES)
        chat.send(FileInput("doc-1", "document", "virus.exe", "application/x-msdownload"))
        assert chat.step == Step.FILES and chat.draft.files == () and chat.warned()


class TestReceived:
    @pytest.mark.parametrize(("value", "day"), [("today", TODAY), ("yesterday", date(2026, 11, 24))])
    def test_buttons_give_the_date(self, ctx: IntakeContext, value: str, day: date) -> None:
        chat = chat_at(ctx, Step.RECEIVED)
        chat.press(value)
        assert chat.step == Step.SUMMARY and chat.draft.received_on == day

    def test_typed_date_is_parsed(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.RECEIVED)
        chat.type("20 November 2026")
        assert chat.step == Step.SUMMARY and chat.draft.received_on == date(2026, 11, 20)

    @pytest.mark.parametrize("typed", ["30-12-2026", "kapan-kapan"])
    def test_future_or_unreadable_date_is_refused(self, ctx: IntakeContext, typed: str) -> None:
        chat = chat_at(ctx, Step.RECEIVED)
        chat.type(typed)
        assert chat.step == Step.RECEIVED and chat.draft.received_on is None and chat.warned()


class TestSummary:
    def test_summary_shows_everything_escaped_with_save_edit_cancel(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.NAME)
        chat.type("Budi <b>Santoso</b>")
        chat.type("budi@example.com")
        chat.type(DESCRIPTION + " <script>")
        chat.press("done")
        chat.press("today")
        assert chat.step == Step.SUMMARY
        assert "Budi &lt;b&gt;Santoso&lt;/b&gt;" in chat.said.text and "&lt;script&gt;" in chat.said.text
        assert "budi@example.com" in chat.said.text and "2026" in chat.said.text
        assert chat.values() == ["save", "edit", "cancel"]

    def test_save_submits_the_draft(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        outcome = chat.press("save")
        assert outcome.submit and outcome.step is None and outcome.says == ()
        assert outcome.draft.channel == "letter" and outcome.draft.received_on == date(2026, 11, 24)

    def test_cancel_ends_without_submitting(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        outcome = chat.press("cancel")
        assert outcome.cancelled and not outcome.submit and outcome.step is None

    def test_typing_at_the_summary_repeats_it(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.type("ok")
        assert chat.step == Step.SUMMARY and chat.warned()

    def test_saved_message_gives_the_number_and_warns_without_contact(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.CONTACT)
        chat.press("none")
        with_contact = staff_intake.saved("KEL-2026-00042", chat_at(ctx, Step.SUMMARY).draft, ctx)
        without = staff_intake.saved("KEL-2026-00042", chat.draft, ctx)
        assert "KEL-2026-00042" in with_contact.text and len(without.text) > len(with_contact.text)


class TestEdit:
    @pytest.mark.parametrize(
        ("part", "answer", "field", "value"),
        [
            ("channel", PickInput("channel", "email"), "channel", "email"),
            ("kind", PickInput("kind", "suggestion"), "kind", "suggestion"),
            ("service", PickInput("service", "legalisation"), "service", "legalisation"),
            ("name", PickInput("name", "unknown"), "name", None),
            ("contact", PickInput("contact", "none"), "contact", None),
            ("description", FileInput("p", "photo", caption="Foto surat: legalisir ditolak."), "description",
             "Foto surat: legalisir ditolak."),
            ("received", PickInput("received", "today"), "received_on", TODAY),
        ],
    )
    def test_each_part_is_asked_again_then_back_to_summary(
        self, ctx: IntakeContext, part: str, answer: PickInput | FileInput, field: str, value: object
    ) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        assert chat.step == Step.EDIT
        chat.press(part)
        assert chat.step == Step(part) and chat.draft.returning
        chat.send(answer)
        assert chat.step == Step.SUMMARY and getattr(chat.draft, field) == value and not chat.draft.returning

    def test_editing_files_asks_until_done(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.press("files")
        assert chat.draft.files == () and chat.step == Step.FILES
        chat.photo("photo-9")
        assert chat.step == Step.FILES
        chat.press("done")
        assert chat.step == Step.SUMMARY and len(chat.draft.files) == 1

    def test_back_from_edit_returns_to_the_summary_unchanged(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        before = chat.draft
        chat.press("edit")
        chat.press("back")
        assert chat.step == Step.SUMMARY and chat.draft == before

    def test_typing_at_edit_is_refused(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.type("nama")
        assert chat.step == Step.EDIT and chat.warned()


class TestNavigation:
    @pytest.mark.parametrize(
        ("step", "previous"),
        [(Step.SERVICE, Step.KIND), (Step.NAME, Step.SERVICE), (Step.CONTACT, Step.NAME),
         (Step.DESCRIPTION, Step.CONTACT), (Step.FILES, Step.DESCRIPTION), (Step.RECEIVED, Step.FILES)],
    )
    def test_back_returns_to_the_previous_step(self, ctx: IntakeContext, step: Step, previous: Step) -> None:
        chat = chat_at(ctx, step)
        chat.press("back")
        assert chat.step == previous

    def test_button_of_an_earlier_step_is_stale(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.NAME)
        before = chat.draft
        outcome = chat.send(PickInput("channel", "email"))
        assert outcome.stale and chat.step == Step.NAME and chat.draft == before

    def test_cancel_from_any_step(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        assert chat.press("cancel").cancelled


class TestDraftStorage:
    def test_draft_survives_a_round_trip_and_restores(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.FILES)
        chat.photo("photo-1")
        stored = chat.draft.to_dict()
        assert StaffIntakeDraft.from_dict(stored) == chat.draft
        assert FLOW.restore("files", stored) == (Step.FILES, chat.draft)

    def test_unknown_keys_are_ignored_and_unknown_step_is_none(self) -> None:
        assert StaffIntakeDraft.from_dict({"channel": "phone", "gone": 1}) == StaffIntakeDraft(channel="phone")
        assert FLOW.restore("vanished", {}) is None


def test_diagram_beside_the_dialog_is_generated_from_the_table() -> None:
    mmd = Path(staff_intake.__file__).with_name("staff_intake.mmd").read_text(encoding="utf-8")
    assert mmd == staff_intake.mermaid()


def test_every_step_has_a_transition_out_and_in() -> None:
    sources = {t.source for t in staff_intake.TRANSITIONS}
    targets = {t.target for t in staff_intake.TRANSITIONS}
    assert set(Step) - sources == {Step.SAVED} and set(Step) - {Step.CHANNEL} <= targets
    assert set(staff_intake.STEPS) == set(Step) - {Step.SAVED}
