"""A protected complainant's own identifiers masked in their texts where they leave the handling (handlers/privacy/
mask.py): what is found (the name whole, its parts, a surname after it, the NRP, the phone however written, what
they wrote), what is left (someone else's longer name, a named ticket's text, an erased one's), the neutral name."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.vocabulary import IdentityLevel
from handlers.privacy.mask import masked, masker, neutral_file_name, protected
from storage.records import Masking, PersonRecord
from tests.unit.test_identity_decision import AT, PERSON, ticket


@pytest.mark.parametrize("level", [IdentityLevel.CONFIDENTIAL, IdentityLevel.ANONYMOUS])
def test_the_name_its_parts_a_surname_after_it_the_nrp_and_a_phone_however_written_are_masked(level: str) -> None:
    said = ("Terima kasih. Salam, Zulkarnain Wibisono Putra (5025201001), hubungi +62 812-3456-7890 atau "
            "zul@its.ac.id; Pak Zulkarnain di loket juga.")
    found = masked(ticket(level), PERSON, said)
    assert found == "Terima kasih. Salam, […] ([…]), hubungi […] atau […]; Pak […] di loket juga."


def test_another_persons_longer_name_and_a_named_or_erased_tickets_text_are_left_alone() -> None:
    said = "Bu Wibisonowati di loket membantu; saya Zulkarnain."
    assert masked(ticket(IdentityLevel.CONFIDENTIAL), PERSON, said) == "Bu Wibisonowati di loket membantu; saya […]."
    assert masked(ticket(IdentityLevel.NAMED), PERSON, said) == said
    assert masked(ticket(IdentityLevel.ANONYMOUS, erased=True), PERSON, said) == said  # scrubbed by the erasure
    assert not protected(ticket(IdentityLevel.NAMED)) and protected(ticket(IdentityLevel.ANONYMOUS))


def test_identifiers_they_wrote_elsewhere_are_masked_too_and_a_pseudonym_person_masks_nothing() -> None:
    own = ["Nomor saya 0811 2222 3333."]
    assert masked(ticket(IdentityLevel.ANONYMOUS), PERSON, "Telepon 08112222333 saja.", own) == "Telepon […] saja."
    gone = replace(PERSON, pseudonym="Pelapor-1a2b3c", name="Pelapor-1a2b3c", nrp=None)
    assert not masker(gone)
    by_register = masker(Masking("Zulkarnain Wibisono", None, None, 500))  # the export's columns
    assert by_register.text("dari Zulkarnain, id 500") == "dari […], id […]"  # the Telegram id too


def test_a_protected_tickets_file_is_named_after_the_ticket() -> None:
    assert neutral_file_name(ticket(IdentityLevel.CONFIDENTIAL), 2, ".jpg") == "KEL-2026-00001-2.jpg"
    assert AT.year == 2026


def test_masking_stays_narrow_where_the_erasure_must_not_miss() -> None:
    """Review of issue 15: for "Putri Indah Lestari", "tidak lagi indah dan lestari … ruang Putri Kamar Mandi" lost
    its words (which told the group the name's parts), and a Telegram id inside an amount cut the amount."""
    putri = PersonRecord(id=6, telegram_id=55555, name="Putri Indah Lestari", language="id", nrp=None, contact=None)
    said = ("Kamar mandi tidak lagi indah dan lestari; ruang Putri Kamar Mandi kotor. Bayar Rp 55.555.550. "
            "Salam, putri indah lestari")
    assert masked(ticket(IdentityLevel.CONFIDENTIAL), putri, said) == (
        "Kamar mandi tidak lagi indah dan lestari; ruang […] Kamar Mandi kotor. Bayar Rp 55.555.550. Salam, […]")

