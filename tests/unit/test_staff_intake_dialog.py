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
from dialogs.staff_intake import CHANNELS, FLOW, StaffIntakeDraft, Step, level_of
from dialogs.ui import FileInput, PickInput
from handlers.i18n import Translator
from tests.unit.dialog_driver import Chat

TODAY = date(2026, 11, 25)  # a Wednesday
DESCRIPTION = "Surat dari orang tua: transkrip anaknya belum terbit sejak September."
AGENDA = "1234/UN7.5/PP/2026"
TRANSCRIPT_ANSWERS = {"submitted_on": "2026-10-01", "channel": "portal", "requirements_complete": "yes",
                      "staff_response": "Petugas minta menunggu."}

StaffChat = Chat[Step, StaffIntakeDraft, IntakeContext]


@pytest.fixture(params=["id", "en"])
def ctx(request: pytest.FixtureRequest, catalogue: Catalogue, translator: Translator) -> IntakeContext:
    locale = request.param
    return IntakeContext(catalogue, locale, TODAY, WorkingCalendar(), translator.gettext(locale),
                         translator.ngettext(locale), "Petugas Rina")


def chat_at(ctx: IntakeContext, step: Step) -> StaffChat:
    """A chat that answered everything before ``step`` the ordinary way."""
    chat: StaffChat = Chat(FLOW, ctx)
    answers: list[tuple[Step, Callable[[], object]]] = [
        (Step.CHANNEL, lambda: chat.press("letter")),
        (Step.AGENDA, lambda: chat.type(AGENDA)),
        (Step.KIND, lambda: chat.press("complaint")),
        (Step.SERVICE, lambda: chat.press("transcript")),
        (Step.NAME, lambda: chat.type("Bapak Suharto")),
        (Step.CONTACT, lambda: chat.type("0812-3456-7890")),
        (Step.IDENTITY, lambda: chat.press("named")),
        (Step.DESCRIPTION, lambda: chat.type(DESCRIPTION)),
        (Step.FILES, lambda: chat.press("done")),
        (Step.RECEIVED, lambda: chat.press("yesterday")),
        (Step.WHEN, lambda: chat.type("20-11-2026")),
        (Step.QUESTION, lambda: answer_transcript_questions(chat)),
    ]
    for at, answer in answers:
        if at == step:
            break
        assert chat.step == at
        answer()
    assert chat.step == step
    return chat


def answer_transcript_questions(chat: StaffChat) -> None:
    """The transcript service's four questions: a date, a choice, yes/no and a text."""
    chat.type("01-10-2026")
    chat.press("portal")
    chat.press("yes")
    chat.type("Petugas minta menunggu.")


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

    def test_typed_text_that_names_no_channel_is_refused_with_a_warning(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.CHANNEL)
        chat.type("merpati pos")
        assert chat.step == Step.CHANNEL and chat.warned() and chat.draft.channel is None

    def test_typed_channel_label_counts_as_its_button(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.CHANNEL)
        chat.type({"id": "kotak saran", "en": "suggestion box"}[ctx.locale])
        assert chat.step == Step.KIND and chat.draft.channel == "suggestion_box"

    def test_kind_button_and_typed_word_lead_to_service(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.KIND)
        chat.type("saran")
        assert chat.step == Step.SERVICE and chat.draft.kind == "suggestion"

    def test_back_from_kind_returns_to_the_agenda_number_of_a_letter(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.KIND)
        chat.press("back")
        assert chat.step == Step.AGENDA
        chat.press("back")
        assert chat.step == Step.CHANNEL

    def test_back_from_kind_returns_to_channel_for_other_channels(self, ctx: IntakeContext) -> None:
        chat: StaffChat = Chat(FLOW, ctx)
        chat.press("phone")
        chat.press("back")
        assert chat.step == Step.CHANNEL


class TestAgendaNumber:
    def test_a_letter_asks_its_agenda_number(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.CHANNEL)
        chat.press("letter")
        assert chat.step == Step.AGENDA and chat.values() == ["none", "back", "cancel"]
        chat.type(f"  {AGENDA} ")
        assert chat.step == Step.KIND and chat.draft.agenda_number == AGENDA and chat.draft.agenda_done

    def test_no_number_button_records_none(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.AGENDA)
        chat.press("none")
        assert chat.step == Step.KIND and chat.draft.agenda_number is None and chat.draft.agenda_done

    @pytest.mark.parametrize("channel", [c for c in CHANNELS if c != "letter"])
    def test_other_channels_have_no_agenda_number(self, ctx: IntakeContext, channel: str) -> None:
        chat = chat_at(ctx, Step.CHANNEL)
        chat.press(channel)
        assert chat.step == Step.KIND and not chat.draft.agenda_done

    @pytest.mark.parametrize("typed", ["---", "x" * 65])
    def test_an_agenda_number_without_letters_or_digits_or_too_long_is_refused(
            self, ctx: IntakeContext, typed: str) -> None:
        chat = chat_at(ctx, Step.AGENDA)
        chat.type(typed)
        assert chat.step == Step.AGENDA and chat.warned() and not chat.draft.agenda_done

    def test_changing_the_channel_away_from_letter_drops_the_agenda_number(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.press("channel")
        chat.press("email")
        assert chat.step == Step.SUMMARY and chat.draft.agenda_number is None
        assert "agenda" not in [part for part in staff_intake.editable(chat.draft, ctx)]


class TestService:
    def test_buttons_list_the_catalogue_and_other(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SERVICE)
        assert [*ctx.catalogue.codes, "other", "back", "cancel"] == chat.values()

    def test_back_from_did_you_mean_shows_the_full_list(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SERVICE)
        chat.type("surat")  # the active student letter, or the diploma supplement?
        assert chat.step == Step.SERVICE and len(chat.values()) < len(ctx.catalogue.codes)
        chat.press("list")
        assert chat.step == Step.SERVICE and chat.values() == [*ctx.catalogue.codes, "other", "back", "cancel"]
        chat.press("back")
        assert chat.step == Step.KIND

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
        assert chat.step == Step.IDENTITY and chat.draft.contact == typed

    @pytest.mark.parametrize("typed", ["0812-34", "siti@its", "ab"])
    def test_broken_contact_is_refused(self, ctx: IntakeContext, typed: str) -> None:
        chat = chat_at(ctx, Step.CONTACT)
        chat.type(typed)
        assert chat.step == Step.CONTACT and chat.warned() and not chat.draft.contact_done

    def test_nothing_known_of_the_complainant_skips_the_identity_choice_as_anonymous(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.NAME)
        chat.press("unknown")
        chat.press("none")
        assert chat.step == Step.DESCRIPTION and level_of(chat.draft) == "anonymous"

    @pytest.mark.parametrize("level", ["named", "confidential", "anonymous"])
    def test_the_identity_choice_is_recorded(self, ctx: IntakeContext, level: str) -> None:
        chat = chat_at(ctx, Step.IDENTITY)
        assert chat.values()[:3] == ["named", "confidential", "anonymous"]
        chat.press(level)
        assert chat.step == Step.DESCRIPTION and level_of(chat.draft) == level

    def test_a_draft_saved_before_the_choice_is_named(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        assert level_of(chat.draft.with_(identity=None)) == "named"

    def test_no_contact_button(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.CONTACT)
        chat.press("none")
        assert chat.step == Step.IDENTITY and chat.draft.contact is None and chat.draft.contact_done


class TestDescriptionAndFiles:
    def test_text_leads_to_files(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.type(DESCRIPTION)
        assert chat.step == Step.FILES and chat.draft.description == DESCRIPTION

    def test_scan_with_caption_gives_description_and_attachment(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.send(FileInput("doc-1", "document", "surat.pdf", "application/pdf", DESCRIPTION))
        assert chat.step == Step.FILES and chat.draft.description == DESCRIPTION
        assert chat.draft.files == (DraftFile("doc-1", "document", "surat.pdf", "application/pdf", DESCRIPTION),)

    def test_photo_without_caption_is_kept_and_description_still_asked(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.photo("photo-1")
        assert chat.step == Step.DESCRIPTION and len(chat.draft.files) == 1 and chat.draft.description is None
        assert "1" in chat.said.text
        chat.type(DESCRIPTION)
        assert chat.step == Step.FILES and len(chat.draft.files) == 1

    def test_too_short_is_refused(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.type("pendek")
        assert chat.step == Step.DESCRIPTION and chat.warned() and "10" in chat.said.text

    def test_too_long_is_kept_with_its_length_and_can_be_cut(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        long = (DESCRIPTION + " ") * 50
        chat.type(long)
        assert chat.step == Step.DESCRIPTION and chat.draft.description is None and chat.warned()
        assert str(len(long.strip())) in chat.said.text and "3000" in chat.said.text
        assert chat.draft.overlong == {"description": long.strip()}
        chat.press("cut")
        assert chat.step == Step.FILES and chat.draft.overlong == {}
        assert chat.draft.description is not None and long.startswith(chat.draft.description)
        assert chat.draft.description.endswith("September.") and len(chat.draft.description) <= 3000

    def test_a_file_keeps_its_mime_type_and_caption(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.FILES)
        chat.send(FileInput("doc-3", "document", "form.pdf", "application/pdf", " Formulir kotak saran "))
        assert chat.draft.files == (DraftFile("doc-3", "document", "form.pdf", "application/pdf",
                                              "Formulir kotak saran"),)

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
        assert chat.step == Step.WHEN and chat.draft.received_on == day

    def test_typed_date_is_parsed(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.RECEIVED)
        chat.type("20 November 2026")
        assert chat.step == Step.WHEN and chat.draft.received_on == date(2026, 11, 20)

    @pytest.mark.parametrize("typed", ["30-12-2026", "kapan-kapan"])
    def test_future_or_unreadable_date_is_refused(self, ctx: IntakeContext, typed: str) -> None:
        chat = chat_at(ctx, Step.RECEIVED)
        chat.type(typed)
        assert chat.step == Step.RECEIVED and chat.draft.received_on is None and chat.warned()

    def test_an_impossible_date_says_what_is_wrong(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.RECEIVED)
        chat.type("31/11/2026")
        assert chat.step == Step.RECEIVED and chat.said.text.startswith(
            "⚠️ " + ctx._("{month} has only {n} days.").format(month="November", n=30))

    def test_a_suggestion_has_no_incident_date_and_no_questions(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.KIND)
        chat.press("suggestion")
        chat.press("transcript")
        chat.press("unknown")
        chat.press("none")
        chat.type(DESCRIPTION)
        chat.press("done")
        chat.press("today")
        assert chat.step == Step.SUMMARY and not chat.draft.when_done and chat.draft.answers == {}


class TestWhenItHappened:
    def test_buttons_and_not_sure(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.WHEN)
        assert chat.values() == ["today", "yesterday", "unknown", "back", "cancel"]
        chat.press("unknown")
        assert chat.step == Step.QUESTION and chat.draft.occurred_on is None and chat.draft.when_done

    def test_typed_date_is_kept_besides_the_date_received(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.WHEN)
        chat.type("2 November 2026")
        assert chat.draft.occurred_on == date(2026, 11, 2) and chat.draft.received_on == date(2026, 11, 24)

    def test_it_cannot_have_happened_after_it_reached_us(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.WHEN)
        chat.press("today")  # received yesterday
        assert chat.step == Step.WHEN and chat.warned() and not chat.draft.when_done

    def test_an_impossible_date_says_what_is_wrong(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.WHEN)
        chat.type("15/13/2026")
        assert chat.said.text.startswith("⚠️ " + ctx._("There is no month {month}.").format(month=13))

    def test_a_service_without_questions_goes_to_the_summary(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SERVICE)
        chat.press("other")
        chat.type("Bapak Suharto")
        chat.press("none")
        chat.press("confidential")
        chat.type(DESCRIPTION)
        chat.press("done")
        chat.press("yesterday")
        chat.press("unknown")
        assert chat.step == Step.SUMMARY
        assert ctx._("Identity: {level}").format(level=ctx._("confidential")) in chat.said.text

    def test_moving_the_date_received_before_the_incident_asks_the_incident_again(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)  # happened 20 November
        chat.press("edit")
        chat.press("received")
        chat.type("10-11-2026")
        assert chat.step == Step.WHEN and chat.draft.occurred_on is None
        chat.type("09-11-2026")
        assert chat.step == Step.SUMMARY and chat.draft.occurred_on == date(2026, 11, 9)


class TestQuestions:
    def test_a_complaint_is_asked_the_services_questions_like_the_chat_intake(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.QUESTION)
        service = ctx.catalogue.get("transcript")
        assert service is not None and service.questions[0].prompt(ctx.locale) in chat.said.text
        assert all(data.startswith("si:q0:") for row in chat.said.buttons for _l, data in row)
        answer_transcript_questions(chat)
        assert chat.step == Step.SUMMARY and chat.draft.answers == TRANSCRIPT_ANSWERS

    def test_typed_answers_match_the_buttons(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.QUESTION)
        chat.type("01-10-2026")
        chat.type("portal")  # the start of "Portal akademik (myITS Academics)"
        chat.type("iya dong")
        assert chat.draft.answers["channel"] == "portal" and chat.draft.answers["requirements_complete"] == "yes"

    def test_an_optional_question_can_be_skipped_and_is_shown_as_skipped(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.QUESTION)
        chat.type("01-10-2026")
        chat.press("portal")
        chat.press("no")
        assert "skip" in chat.values()
        chat.press("skip")
        assert chat.step == Step.SUMMARY and "staff_response" not in chat.draft.answers
        assert ctx._("skipped") in chat.said.text

    def test_back_from_the_second_question_returns_to_the_first(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.QUESTION)
        chat.type("01-10-2026")
        chat.press("back")
        assert chat.step == Step.QUESTION and chat.draft.question_index == 0
        chat.press("back")
        assert chat.step == Step.WHEN

    def test_another_service_clears_the_answers_and_asks_its_own(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.press("service")
        chat.press("student_card")
        assert chat.step == Step.QUESTION and chat.draft.answers == {} and chat.draft.question_index == 0

    def test_choosing_the_same_kind_again_keeps_the_answers(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.press("kind")
        chat.press("complaint")
        assert chat.step == Step.SUMMARY and chat.draft.answers == TRANSCRIPT_ANSWERS

    def test_a_suggestion_made_a_complaint_again_is_asked_the_questions(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        for kind in ("suggestion", "complaint"):
            chat.press("edit")
            chat.press("kind")
            chat.press(kind)
        assert chat.step == Step.QUESTION and chat.draft.question_index == 0

    def test_changing_to_a_suggestion_asks_no_questions_and_saves_none(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.press("kind")
        chat.press("suggestion")
        assert chat.step == Step.SUMMARY and chat.draft.answers == {}
        assert {"when", "question"}.isdisjoint(staff_intake.editable(chat.draft, ctx))


class TestSummary:
    def test_summary_shows_everything_escaped_with_save_edit_cancel(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.NAME)
        chat.type("Budi <b>Santoso</b>")
        chat.type("budi@example.com")
        chat.press("anonymous")
        chat.type(DESCRIPTION + " <script>")
        chat.press("done")
        chat.press("today")
        chat.press("today")
        answer_transcript_questions(chat)
        assert chat.step == Step.SUMMARY
        assert "Budi &lt;b&gt;Santoso&lt;/b&gt;" in chat.said.text and "&lt;script&gt;" in chat.said.text
        assert "budi@example.com" in chat.said.text and "2026" in chat.said.text
        assert chat.values() == ["save", "edit", "cancel"]

    def test_save_submits_the_draft(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        outcome = chat.press("save")
        assert outcome.submit and outcome.step is None and outcome.says == ()
        assert outcome.draft.channel == "letter" and outcome.draft.received_on == date(2026, 11, 24)
        assert outcome.draft.agenda_number == AGENDA and outcome.draft.occurred_on == date(2026, 11, 20)
        assert outcome.draft.answers == TRANSCRIPT_ANSWERS

    def test_summary_shows_agenda_number_dates_and_answers_in_the_readers_language(
            self, ctx: IntakeContext) -> None:
        text = chat_at(ctx, Step.SUMMARY).said.text
        assert ctx._("Agenda number: {number}").format(number=AGENDA) in text
        assert ctx._("Happened: {date}").format(date="20 November 2026") in text
        portal = {"id": "Portal akademik (myITS Academics)", "en": "Academic portal (myITS Academics)"}[ctx.locale]
        assert portal in text
        assert {"id": "1 Oktober 2026", "en": "1 October 2026"}[ctx.locale] in text
        assert "Petugas minta menunggu." in text

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
            ("agenda", PickInput("agenda", "none"), "agenda_number", None),
            ("kind", PickInput("kind", "suggestion"), "kind", "suggestion"),
            ("service", PickInput("service", "other"), "service", "other"),
            ("name", PickInput("name", "unknown"), "name", None),
            ("contact", PickInput("contact", "none"), "contact", None),
            ("description", FileInput("p", "photo", caption="Foto surat: legalisir ditolak."), "description",
             "Foto surat: legalisir ditolak."),
            ("received", PickInput("received", "today"), "received_on", TODAY),
            ("when", PickInput("when", "unknown"), "occurred_on", None),
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

    def test_editing_the_answers_asks_every_question_again(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.press("question")
        assert chat.step == Step.QUESTION and chat.draft.answers == {} and chat.draft.returning
        answer_transcript_questions(chat)
        assert chat.step == Step.SUMMARY and chat.draft.answers == TRANSCRIPT_ANSWERS

    def test_the_edit_step_offers_every_part_of_a_letter_complaint(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        assert chat.values() == [*staff_intake.CLEARED, "back"]

    def test_typed_part_name_counts_as_its_button(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.type({"id": "kontak", "en": "contact"}[ctx.locale])
        assert chat.step == Step.CONTACT and chat.draft.contact is None

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

    def test_typing_what_names_no_part_at_edit_is_refused(self, ctx: IntakeContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.type("semuanya")
        assert chat.step == Step.EDIT and chat.warned()


class TestNavigation:
    @pytest.mark.parametrize(
        ("step", "previous"),
        [(Step.AGENDA, Step.CHANNEL), (Step.KIND, Step.AGENDA), (Step.SERVICE, Step.KIND), (Step.NAME, Step.SERVICE),
         (Step.CONTACT, Step.NAME), (Step.IDENTITY, Step.CONTACT), (Step.DESCRIPTION, Step.IDENTITY),
         (Step.FILES, Step.DESCRIPTION),
         (Step.RECEIVED, Step.FILES), (Step.WHEN, Step.RECEIVED)],
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
        chat.photo("photo-1", "Foto surat")
        stored = chat.draft.to_dict()
        assert StaffIntakeDraft.from_dict(stored) == chat.draft
        assert FLOW.restore("files", stored) == (Step.FILES, chat.draft)

    def test_a_full_draft_with_dates_answers_and_a_kept_text_survives_a_round_trip(self, ctx: IntakeContext) -> None:
        draft = chat_at(ctx, Step.SUMMARY).draft.with_(overlong={"description": "x" * 3001})
        assert StaffIntakeDraft.from_dict(draft.to_dict()) == draft

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
    assert set(staff_intake.CLEARED) <= {t.target.value for t in staff_intake.TRANSITIONS if t.source == Step.EDIT}
    assert set(staff_intake.STEPS) == set(Step) - {Step.SAVED}
