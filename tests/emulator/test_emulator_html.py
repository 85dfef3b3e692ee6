"""Telegram's HTML parse mode: plain text, entities and TDLib's refusals."""

from __future__ import annotations

import pytest

from bot.emulator.html import HtmlParseError, parse_html, utf16_len


class TestPlainTextAndEntities:
    def test_bold_becomes_an_entity_over_the_plain_text(self) -> None:
        assert parse_html("<b>Tiket</b> diterima") == (
            "Tiket diterima",
            [{"type": "bold", "offset": 0, "length": 5}],
        )

    @pytest.mark.parametrize(
        ("tag", "kind"),
        [
            ("b", "bold"), ("strong", "bold"), ("i", "italic"), ("em", "italic"),
            ("u", "underline"), ("ins", "underline"),
            ("s", "strikethrough"), ("strike", "strikethrough"), ("del", "strikethrough"),
            ("tg-spoiler", "spoiler"), ("code", "code"), ("pre", "pre"), ("blockquote", "blockquote"),
        ],
    )  # fmt: skip
    def test_every_supported_tag_makes_its_entity(self, tag: str, kind: str) -> None:
        assert parse_html(f"x<{tag}>yz</{tag}>") == ("xyz", [{"type": kind, "offset": 1, "length": 2}])

    def test_tags_are_case_insensitive(self) -> None:
        assert parse_html("<B>x</b>")[1] == [{"type": "bold", "offset": 0, "length": 1}]

    def test_named_and_numeric_references_are_decoded(self) -> None:
        assert parse_html("&lt;a&gt; &amp; &quot;q&quot; &#65;&#x42;")[0] == '<a> & "q" AB'

    def test_an_unknown_named_reference_stays_literal_like_on_telegram(self) -> None:
        assert parse_html("Tom &nbsp; Jerry &copy;")[0] == "Tom &nbsp; Jerry &copy;"

    def test_strict_mode_refuses_an_unknown_named_reference(self) -> None:
        with pytest.raises(HtmlParseError, match=r'Unsupported HTML entity "&nbsp;" at byte offset 4'):
            parse_html("Tom &nbsp; Jerry", strict_entities=True)

    def test_a_bare_ampersand_is_text(self) -> None:
        assert parse_html("R&D & QA")[0] == "R&D & QA"

    def test_link_keeps_its_href(self) -> None:
        assert parse_html('<a href="https://ugm.ac.id/?a=1&amp;b=2">situs</a>')[1] == [
            {"type": "text_link", "offset": 0, "length": 5, "url": "https://ugm.ac.id/?a=1&b=2"}
        ]

    def test_pre_with_code_language_is_one_pre_entity(self) -> None:
        assert parse_html('<pre><code class="language-python">x = 1</code></pre>')[1] == [
            {"type": "pre", "offset": 0, "length": 5, "language": "python"}
        ]

    def test_span_spoiler_and_expandable_blockquote(self) -> None:
        text, entities = parse_html('<span class="tg-spoiler">a</span><blockquote expandable>b</blockquote>')
        assert text == "ab"
        assert entities == [
            {"type": "spoiler", "offset": 0, "length": 1},
            {"type": "expandable_blockquote", "offset": 1, "length": 1},
        ]

    def test_custom_emoji_keeps_its_id(self) -> None:
        assert parse_html('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>')[1] == [
            {"type": "custom_emoji", "offset": 0, "length": 2, "custom_emoji_id": "5368324170671202286"}
        ]

    def test_offsets_count_utf16_code_units(self) -> None:
        text, entities = parse_html("😀 <b>é</b>")
        assert text == "😀 é"
        assert entities == [{"type": "bold", "offset": 3, "length": 1}]

    def test_nested_entities_are_sorted_outer_first(self) -> None:
        assert parse_html("<b>a<i>b</i></b>")[1] == [
            {"type": "bold", "offset": 0, "length": 2},
            {"type": "italic", "offset": 1, "length": 1},
        ]

    def test_an_empty_element_makes_no_entity(self) -> None:
        assert parse_html("a<b></b>") == ("a", [])


class TestRefusals:
    @pytest.mark.parametrize(
        ("html", "reason"),
        [
            ("a < b", 'Unsupported start tag "" at byte offset 2'),
            ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
            ("<br>", 'Unsupported start tag "br" at byte offset 0'),
            ("ü <p>x</p>", 'Unsupported start tag "p" at byte offset 3'),
            ("<b>tebal", 'Can\'t find end tag corresponding to start tag "b"'),
            ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
            ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
            ("x</b>", "Unexpected end tag at byte offset 1"),
            ("x <b", "Unclosed start tag at byte offset 2"),
            ("<b>x</b", "Unclosed end tag at byte offset 4"),
            ('<a href="x"', "Unclosed start tag at byte offset 0"),
            ("<a href", 'Unclosed start tag "a" at byte offset 0'),
            ('<a ="x">y</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
            ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
            ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
            ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
            ("&#xD83D;", "Text contains invalid Unicode characters after decoding HTML entities, "
                         "check for unmatched surrogate code units"),
        ],
    )  # fmt: skip
    def test_refused_like_telegram(self, html: str, reason: str) -> None:
        with pytest.raises(HtmlParseError) as caught:
            parse_html(html)
        assert str(caught.value) == reason


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("a😀é") == 4
