"""The intake started from what a student already typed (without /new): the text is the description, the walk
goes kind → service → files, and Edit → Description still asks it."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs import intake
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue
from dialogs.draft import Draft, DraftFile
from dialogs.intake import Step
from dialogs.intake_steps import IntakeContext
from dialogs.ui import FileInput
from handlers.i18n import Translator
from tests.unit.dialog_driver import Chat

TODAY = date(2026, 11, 25)
TYPED = "Transkrip saya belum terbit padahal sudah dua minggu."


@pytest.fixture(params=["id", "en"])
def ctx(request: pytest.FixtureRequest, catalogue: Catalogue, translator: Translator) -> IntakeContext:
    locale = request.param
    return IntakeContext(catalogue, locale, TODAY, WorkingCalendar(), translator.gettext(locale),
                         translator.ngettext(locale), "Siti Rahma")


class Started(Chat[Step, Draft, IntakeContext]):
    """A chat whose first outcome is ``intake.start_from`` instead of ``intake.start``."""

    def __init__(self, ctx: IntakeContext, text: str, file: FileInput | None = None) -> None:
        super().__init__(intake.FLOW, ctx)
        self.last = intake.start_from(text, file, ctx)
        self.step, self.draft = self.last.step, self.last.draft


def test_the_text_becomes_the_description_and_the_kind_is_asked(ctx: IntakeContext) -> None:
    chat = Started(ctx, f"  {TYPED} ")
    assert chat.step == Step.KIND and chat.draft.description == TYPED and chat.draft.described_first
    assert len(chat.last.says) == 1 and chat.values() == ["complaint", "suggestion", "cancel"]
    kept = ctx._("To file what you wrote, answer a few questions; it is kept as the description "
                 "(✖ Cancel discards it).")
    assert chat.said.text.startswith(kept)
    assert chat.said.text.endswith(intake.prompt(Step.KIND, chat.draft, ctx).text)


def test_the_walk_goes_kind_service_files_without_asking_the_description(ctx: IntakeContext) -> None:
    chat = Started(ctx, TYPED)
    chat.press("complaint")
    assert chat.step == Step.SERVICE
    chat.press("transcript")
    assert chat.step == Step.FILES and chat.draft.description == TYPED


def test_back_from_files_returns_to_the_service(ctx: IntakeContext) -> None:
    chat = Started(ctx, TYPED)
    chat.press("suggestion")
    chat.press("graduation")
    chat.press("back")
    assert chat.step == Step.SERVICE


def test_edit_description_still_asks_it_and_returns_to_the_summary(ctx: IntakeContext) -> None:
    chat = Started(ctx, TYPED)
    chat.press("suggestion")
    chat.press("graduation")
    chat.press("done")
    chat.press("named")
    assert chat.step == Step.SUMMARY and TYPED in chat.said.text
    chat.press("edit")
    chat.press("description")
    assert chat.step == Step.DESCRIPTION and chat.draft.description is None
    chat.type("Mohon wisuda disiarkan langsung untuk keluarga di luar kota.")
    assert chat.step == Step.SUMMARY and (chat.draft.description or "").startswith("Mohon")


def test_editing_the_service_does_not_ask_the_description(ctx: IntakeContext) -> None:
    chat = Started(ctx, TYPED)
    chat.press("suggestion")
    chat.press("graduation")
    chat.press("done")
    chat.press("named")
    chat.press("edit")
    chat.press("service")
    chat.press("transcript")
    assert chat.step == Step.SUMMARY and chat.draft.description == TYPED


def test_a_photo_with_the_text_is_attached_with_its_caption(ctx: IntakeContext) -> None:
    chat = Started(ctx, TYPED, FileInput("photo-1", "photo", caption=TYPED, mime_type="image/jpeg"))
    assert chat.draft.files == (DraftFile("photo-1", "photo", None, "image/jpeg", TYPED),)
    chat.press("complaint")
    chat.press("transcript")
    attached = ctx.ngettext("{n} file attached. Send another photo or PDF, or press “Done”.",
                            "{n} files attached. Send another photo or PDF, or press “Done”.", 1).format(n=1)
    assert chat.step == Step.FILES and attached in chat.said.text


def test_a_file_that_cannot_be_attached_is_named_and_the_text_is_kept(ctx: IntakeContext) -> None:
    chat = Started(ctx, TYPED, FileInput("doc-1", "document", "virus.exe", "application/x-msdownload", TYPED))
    assert chat.draft.files == () and chat.draft.description == TYPED
    assert "⚠️ " + ctx._("Only photos and PDF documents can be attached.") in chat.said.text


@pytest.mark.parametrize("typed", ["halo", "   tolong    ", ""])
def test_a_text_too_short_to_be_a_description_keeps_only_the_file(ctx: IntakeContext, typed: str) -> None:
    chat = Started(ctx, typed, FileInput("photo-1", "photo", caption=typed))
    assert chat.draft.description is None and [f.file_id for f in chat.draft.files] == ["photo-1"]
    assert Started(ctx, typed).last == intake.start(ctx)  # without a file: as /new, nothing kept


def test_a_text_too_long_is_kept_for_the_description_step_to_shorten(ctx: IntakeContext) -> None:
    long = "Transkrip saya belum terbit. " * 120
    chat = Started(ctx, long)
    assert chat.draft.description is None and not chat.draft.described_first
    assert chat.draft.overlong == {"description": long.strip()}
    chat.press("complaint")
    chat.press("transcript")
    assert chat.step == Step.DESCRIPTION and "cut" in chat.values() and str(len(long.strip())) in chat.said.text
    chat.press("cut")
    assert chat.step == Step.FILES and chat.draft.description is not None and len(chat.draft.description) <= 3000


@pytest.mark.parametrize(("locale", "one", "two"), [
    ("en", "1 file attached.", "2 files attached."),
    ("id", "1 berkas terlampir.", "2 berkas terlampir."),
])  # fmt: skip
def test_the_attachments_are_counted_in_words_not_as_file_s(
    catalogue: Catalogue, translator: Translator, locale: str, one: str, two: str
) -> None:
    """Found in a new-user walk: "1 file(s) attached"."""
    ctx = IntakeContext(catalogue, locale, TODAY, WorkingCalendar(), translator.gettext(locale),
                        translator.ngettext(locale), "Siti Rahma")
    chat = Started(ctx, TYPED, FileInput("photo-1", "photo", caption=TYPED, mime_type="image/jpeg"))
    chat.press("complaint")
    chat.press("transcript")
    assert chat.said.text.startswith(one)
    chat.send(FileInput("doc-2", "document", mime_type="application/pdf"))
    assert chat.said.text.startswith(two) and "(s)" not in chat.said.text
