"""'Me too' while filing (pure): what is searched, how hits group into offers, what an offer shows (nothing of
another complainant), and the intake's "case" step in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs import intake, metoo
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue
from dialogs.draft import CaseOffer, Draft
from dialogs.intake import Step
from dialogs.intake_steps import IntakeContext
from dialogs.ui import PickInput, TextInput
from handlers.i18n import Translator

TODAY = date(2026, 11, 25)
BEGAN = date(2026, 11, 2)


@pytest.fixture(params=["id", "en"])
def ctx(request: pytest.FixtureRequest, catalogue: Catalogue, translator: Translator) -> IntakeContext:
    return IntakeContext(catalogue, request.param, TODAY, WorkingCalendar(), translator.gettext(request.param),
                         translator.ngettext(request.param), "Siti Rahma")


def candidate(ticket_id: int, lead_id: int | None = None, people: int = 1, *, open_: bool = True,
              own: bool = False, summary: str | None = None) -> metoo.Candidate:
    return metoo.Candidate(ticket_id, lead_id or ticket_id, people, BEGAN, summary, open_, own)


class TestQuery:
    def test_the_services_names_are_not_searched(self) -> None:
        names = ["Penerbitan Transkrip Akademik", "Academic transcript"]
        assert metoo.query("Transkrip nilai saya belum terbit", names) == "nilai terbit"

    def test_too_few_words_search_nothing(self) -> None:
        assert metoo.query("transkrip dong", ["Penerbitan Transkrip Akademik"]) is None


class TestGroup:
    def test_tickets_of_one_case_make_one_offer_led_by_the_lead(self) -> None:
        offers = metoo.group([(11, 90.0), (12, 80.0), (20, 70.0)],
                             {11: candidate(11, 10, 3), 12: candidate(12, 10, 3), 20: candidate(20)})
        assert [(o.lead_id, o.people) for o in offers] == [(10, 3), (20, 1)]

    def test_at_most_three_best_first_and_weak_closed_or_own_ones_left_out(self) -> None:
        hits = [(1, 99.0), (2, 95.0), (3, 90.0), (4, 85.0), (5, 80.0), (6, 75.0), (7, 40.0)]
        found = {1: candidate(1, own=True), 2: candidate(2, open_=False), 3: candidate(3), 4: candidate(4),
                 5: candidate(5), 6: candidate(6), 7: candidate(7)}
        assert [o.lead_id for o in metoo.group(hits, found)] == [3, 4, 5]

    def test_nothing_similar_offers_nothing(self) -> None:
        assert metoo.group([(1, metoo.MIN_SCORE - 1)], {1: candidate(1)}) == ()


class TestCaseStep:
    def draft(self, *offers: CaseOffer) -> Draft:
        return Draft(kind="complaint", service="transcript", description="Transkrip saya belum terbit sejak lama",
                     case_offers=offers, cases_checked=True)

    def test_the_offer_shows_the_count_the_service_and_the_day_it_began(self, ctx: IntakeContext) -> None:
        said = intake.prompt(Step.CASE, self.draft(CaseOffer(10, 3, BEGAN)), ctx)
        assert "3" in said.text and ("Academic transcript" in said.text or "Transkrip" in said.text)
        assert ("2 November 2026" in said.text) or ("2 Nov" in said.text) or ("02" in said.text)
        assert "10" not in said.text.replace("2026", "")  # the lead's id is in the button only
        labels = [label for row in said.buttons for label, _d in row]
        choices = [d for row in said.buttons for _l, d in row if d.startswith("in:case:")]
        assert choices[:2] == ["in:case:10", "in:case:no"] and set(choices[2:]) == {"in:case:back", "in:case:cancel"}
        assert labels[0] in ("✅ Yes, this is my case", "✅ Ya, ini kasus saya")

    def test_the_staffs_summary_is_shown_escaped(self, ctx: IntakeContext) -> None:
        said = intake.prompt(Step.CASE, self.draft(CaseOffer(10, 2, BEGAN, "Late <transcripts> & co")), ctx)
        assert "Late &lt;transcripts&gt; &amp; co" in said.text

    def test_three_offers_have_a_button_each_and_a_no(self, ctx: IntakeContext) -> None:
        offers = tuple(CaseOffer(i, i, BEGAN) for i in (10, 20, 30))
        said = intake.prompt(Step.CASE, self.draft(*offers), ctx)
        data = [d for row in said.buttons for _l, d in row if d.startswith("in:case:")]
        assert data[:4] == ["in:case:10", "in:case:20", "in:case:30", "in:case:no"]

    def test_yes_joins_no_does_not_and_both_go_on_to_the_files(self, ctx: IntakeContext) -> None:
        draft = self.draft(CaseOffer(10, 2, BEGAN))
        yes = intake.handle(Step.CASE, draft, PickInput("case", "10"), ctx)
        assert yes.step == Step.FILES and yes.draft.joins == 10
        no = intake.handle(Step.CASE, draft, PickInput("case", "no"), ctx)
        assert no.step == Step.FILES and no.draft.joins is None and no.draft.case_answered

    def test_a_forged_case_is_refused(self, ctx: IntakeContext) -> None:
        out = intake.handle(Step.CASE, self.draft(CaseOffer(10, 2, BEGAN)), PickInput("case", "99"), ctx)
        assert out.step == Step.CASE and out.draft.joins is None
        typed = intake.handle(Step.CASE, self.draft(CaseOffer(10, 2, BEGAN)), TextInput("hmm"), ctx)
        assert typed.step == Step.CASE

    def test_offers_found_after_the_description_lead_to_the_case_step(self, ctx: IntakeContext) -> None:
        draft = Draft(kind="complaint", service="transcript")
        out = intake.handle(Step.DESCRIPTION, draft, TextInput("Transkrip saya belum terbit sejak lama"), ctx)
        assert out.step == Step.FILES and metoo.wanted(out.draft)
        offered = intake.with_offers(Step.DESCRIPTION, out, (CaseOffer(10, 2, BEGAN),), ctx)
        assert offered.step == Step.CASE and not metoo.wanted(offered.draft)
        none = intake.with_offers(Step.DESCRIPTION, out, (), ctx)
        assert none.step == Step.FILES and none.draft.cases_checked

    def test_a_stored_draft_keeps_its_offers(self) -> None:
        draft = self.draft(CaseOffer(10, 2, BEGAN, "Late transcripts")).with_(joins=10)
        assert Draft.from_dict(draft.to_dict()) == draft

    def test_editing_the_description_looks_again(self, ctx: IntakeContext) -> None:
        draft = self.draft(CaseOffer(10, 2, BEGAN)).with_(joins=10, case_answered=True)
        out = intake.handle(Step.EDIT, draft, PickInput("edit", "description"), ctx)
        assert out.draft.joins is None and not out.draft.case_offers and not out.draft.cases_checked

    def test_going_back_and_rewriting_the_description_looks_again(self, ctx: IntakeContext) -> None:
        checked = Draft(kind="complaint", service="transcript", description="My transcript is late",
                        cases_checked=True, case_answered=True)
        same = intake.handle(Step.DESCRIPTION, checked, TextInput("My transcript is late"), ctx)
        assert same.draft.cases_checked
        rewritten = intake.handle(Step.DESCRIPTION, checked, TextInput("Transkrip saya belum terbit sejak lama"), ctx)
        assert metoo.wanted(rewritten.draft) and not rewritten.draft.case_answered

    def test_another_service_looks_again(self, ctx: IntakeContext) -> None:
        checked = Draft(kind="complaint", service="transcript", description="Transkrip saya belum terbit",
                        cases_checked=True, case_offers=(CaseOffer(10, 2, BEGAN),), joins=10, case_answered=True)
        out = intake.handle(Step.SERVICE, checked, PickInput("service", "tuition"), ctx)
        assert out.draft.service == "tuition" and out.draft.joins is None and metoo.wanted(out.draft)

    def test_the_summary_says_it_joins(self, ctx: IntakeContext) -> None:
        draft = self.draft(CaseOffer(10, 2, BEGAN)).with_(joins=10, case_answered=True, identity="named")
        said = intake.prompt(Step.SUMMARY, draft, ctx)
        assert "2" in said.text and ("Joins the case" in said.text or "Bergabung dengan kasus" in said.text)
