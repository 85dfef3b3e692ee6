"""pack: a long view split between its sections into messages Telegram accepts."""

from __future__ import annotations

import itertools

from handlers.events import fit, pack, shown_units


def test_sections_are_packed_whole_into_as_few_messages_as_fit() -> None:
    sections = [f"<b>Section {n}</b> (3)\n" + "\n".join(["• a line &amp; more"] * 3) for n in range(6)]
    messages = pack(sections, limit=200)
    assert "\n\n".join(messages) == "\n\n".join(sections)  # nothing lost, nothing cut
    assert all(shown_units(m) <= 200 for m in messages) and len(messages) > 1
    # greedy: no two neighbouring messages would have fitted into one
    assert all(shown_units(a + "\n\n" + b) > 200 for a, b in itertools.pairwise(messages))


def test_the_limit_counts_text_as_shown_not_tags_and_entities() -> None:
    assert shown_units("<b>a</b> &amp; 😀") == 6  # a, space, &, space, and the emoji's two units
    assert pack(["<b>" + "x" * 10 + "</b>", "y" * 5], limit=17) == ["<b>" + "x" * 10 + "</b>\n\n" + "y" * 5]


def test_a_section_longer_than_a_message_is_cut_and_its_tags_closed() -> None:
    messages = pack(["short", "<b>" + "z" * 300 + "</b>", "tail"], limit=100)
    assert messages[0] == "short" and messages[-1] == "tail"
    assert messages[1] == fit("<b>" + "z" * 300 + "</b>", 100) and messages[1].endswith("…</b>")


def test_nothing_to_pack_is_one_empty_message() -> None:
    assert pack([]) == [""]
