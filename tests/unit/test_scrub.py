"""The scrubber of the erasure (issue 15): a person's name, numbers and username are found however they are
written, replaced by the pseudonym or a mark, in text and inside JSON values; nothing else changes."""

from __future__ import annotations

from handlers.privacy.erasure import new_pseudonym
from handlers.privacy.scrub import GONE, Identity, Scrubber, written_identifiers

BUDI = Identity("P-0123456789", "Budi Santoso", nrp="5025201234", contact="081234567890", telegram_id=7001001,
                username="budi_s")


class TestScrubber:
    def test_the_name_whole_and_in_parts_becomes_the_pseudonym(self) -> None:
        scrub = Scrubber([BUDI])
        assert scrub.text("Saya budi santoso. Salam, Budi") == "Saya P-0123456789. Salam, P-0123456789"

    def test_a_phone_number_is_found_however_it_is_written(self) -> None:
        scrub = Scrubber([BUDI])
        for written in ("081234567890", "0812-3456-7890", "0812 3456 7890", "+62 812 3456 7890", "62812.3456.7890"):
            assert scrub.text(f"HP {written}.") == f"HP {GONE}.", written

    def test_the_nrp_the_telegram_id_and_the_username(self) -> None:
        scrub = Scrubber([BUDI])
        assert scrub.text("NRP 5025201234, id 7001001, @budi_s") == f"NRP {GONE}, id {GONE}, {GONE}"

    def test_json_values_are_scrubbed_and_keys_and_other_values_kept(self) -> None:
        scrub = Scrubber([BUDI])
        value = {"text": "dari Budi", "chat_id": 42, "buttons": [["Budi", "tk:1"]], "Budi": True}
        assert scrub.value(value) == {"text": "dari P-0123456789", "chat_id": 42,
                                      "buttons": [["P-0123456789", "tk:1"]], "Budi": True}
        untouched = {"text": "transkrip", "n": [1, 2]}
        assert scrub.value(untouched) is untouched

    def test_short_name_parts_are_left_alone_and_nothing_is_a_no_op(self) -> None:
        scrub = Scrubber([Identity("P-1", "Ed Li")])
        assert scrub.text("Ed Li wrote; Ed said") == "P-1 wrote; Ed said"
        assert not Scrubber([]) and Scrubber([]).text("Budi") == "Budi"

    def test_a_pseudonym_is_drawn_at_random(self) -> None:
        drawn = {new_pseudonym() for _ in range(100)}
        assert len(drawn) == 100 and all(p.startswith("P-") and len(p) == 14 for p in drawn)

    def test_what_the_person_wrote_themselves_is_found_and_scrubbed_everywhere(self) -> None:
        written = written_identifiers(["Saya Budi, HP 0812-3456-7890, budi.s@mail.com, NRP 5025201234, tg @budi_s",
                                       "Nomor tiket KEL-2026-00001, tanggal 01-10-2026, biaya 250000"])
        assert written == ("0812-3456-7890", "budi.s@mail.com", "5025201234", "@budi_s")
        scrub = Scrubber([Identity("P-1", "Budi", written=written)])
        assert scrub.text("Hubungi 0812 3456 7890 atau budi.s@mail.com") == f"Hubungi {GONE} atau {GONE}"

    def test_a_surname_the_bot_never_knew_goes_with_the_first_name(self) -> None:
        scrub = Scrubber([Identity("P-1", "Budi")])
        assert scrub.text("I am Budi Santoso Putra, and budi wrote this") == "I am P-1, and P-1 wrote this"
        assert scrub.text("Budi dan Ana") == "P-1 dan Ana"

    def test_a_name_is_a_whole_word_and_another_persons_longer_name_stays(self) -> None:
        scrub = Scrubber([Identity("P-1", "Budi")])
        assert scrub.text("Budiman dan Budi") == "Budiman dan P-1"


def test_a_name_as_an_html_message_holds_it_is_found_too() -> None:
    """Apostrophes are common in Indonesian names; the outbox keeps messages as sent, HTML-escaped."""
    from handlers.text import shown

    identity = Identity("P-1", "Ma'ruf Syafi'i")
    sent = f"💬 {shown(identity.name or '')} wrote about KEL-2026-00001"
    assert "Ma'ruf" not in sent and "Ma&#x27;ruf" in sent
    scrubbed = Scrubber([identity]).text(sent)
    assert "Ma&#x27;ruf" not in scrubbed and "Syafi" not in scrubbed and "P-1" in scrubbed
    assert "Ma&#x27;ruf Syafi&#x27;i" in identity.specific()


def test_a_scrubber_whose_pseudonym_is_gone_still_finds_numbers_however_written() -> None:
    """The erasure's second scrubber (the outbox, dialog states) names nobody: ``Identity("[…]", …)``. Its numbers
    were matched as whole words "like a name" until the name needles were told apart by what they are (not by their
    replacement): "+62 812 3456 7890" and "50 2520 1234" were missed."""
    everyone = Scrubber([Identity(GONE, name="Budi Santoso", nrp="5025201234", contact="081234567890",
                                  telegram_id=7001001)])
    assert everyone.text("Budi: +62 812 3456 7890 / NRP 50 2520 1234 / id 7001001") == "[…]: […] / NRP […] / id […]"
