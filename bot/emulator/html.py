"""Telegram's HTML parse mode: plain text and entities, or the error Telegram gives.

Follows TDLib's ``parse_html`` byte by byte, so reasons and byte offsets match what the Bot API answers
(``Bad Request: can't parse entities: <reason>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "span",
        "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip
_NAMED = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}
_SPACE = frozenset(b" \t\r\n\v\0")  # TDLib's is_space; 0 also stands for "past the end"
_DIGITS = frozenset(b"0123456789")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_ALPHA = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_TOKEN = _ALPHA | _DIGITS | frozenset(b".-")


class HtmlParseError(ValueError):
    """Raised when Telegram would refuse the text; ``str()`` is Telegram's reason."""


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int
    result_pos: int


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class _Parser:
    def __init__(self, html: str, strict_entities: bool) -> None:
        self.src = html.encode("utf-8")
        self.strict = strict_entities
        self.out = bytearray()
        self.entities: list[dict[str, Any]] = []
        self.stack: list[_Open] = []
        self.utf16 = 0
        self.surrogate = False

    def at(self, i: int) -> int:
        return self.src[i] if i < len(self.src) else 0

    def decode_entity(self, pos: int) -> tuple[int, int]:
        """(code point, position after the reference), or (0, pos) when it is not one."""
        end = pos + 1
        code = 0
        if self.at(end) == 0x23:  # '#'
            end += 1
            if self.at(end) == 0x78:  # 'x'
                end += 1
                while self.at(end) in _HEX:
                    code = code * 16 + int(chr(self.at(end)), 16)
                    end += 1
            else:
                while self.at(end) in _DIGITS:
                    code = code * 10 + self.at(end) - 0x30
                    end += 1
            if code == 0 or code >= 0x10FFFF or end - pos >= 10:
                return 0, pos
        else:
            while self.at(end) in _ALPHA:
                end += 1
            code = _NAMED.get(bytes(self.src[pos + 1 : end]), 0)
            if code == 0:
                if self.strict and end > pos + 1 and self.at(end) == 0x3B:
                    name = self.src[pos : end + 1].decode()
                    raise HtmlParseError(f'Unsupported HTML entity "{name}" at byte offset {pos}')
                return 0, pos
        return code, end + 1 if self.at(end) == 0x3B else end

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        i = 0
        while i < len(self.src):
            c = self.src[i]
            if c == 0x26:  # '&'
                code, after = self.decode_entity(i)
                if code:
                    self.utf16 += 2 if code > 0xFFFF else 1
                    self.surrogate |= 0xD800 <= code <= 0xDFFF
                    self.out += chr(code).encode("utf-8", "surrogatepass")
                    i = after
                    continue
            if c != 0x3C:  # '<'
                if c & 0xC0 != 0x80:
                    self.utf16 += 2 if c >= 0xF0 else 1
                self.out.append(c)
                i += 1
                continue
            i = self.end_tag(i) if self.at(i + 1) == 0x2F else self.start_tag(i)
        if self.stack:
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        if self.surrogate:
            raise HtmlParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return self.out.decode("utf-8"), self.entities

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) not in _SPACE and self.at(i) != 0x3E:
            i += 1
        if self.at(i) == 0:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        tag = self.src[begin + 1 : i].decode("utf-8", "replace").lower()
        if tag not in _TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while self.at(i) != 0x3E:
            while self.at(i) and self.at(i) in _SPACE:
                i += 1
            if self.at(i) == 0x3E:
                break
            name_begin = i
            while self.at(i) not in _SPACE and self.at(i) not in b"=>/\"'":
                i += 1
            name = self.src[name_begin:i].decode("utf-8", "replace")
            if not name:
                raise HtmlParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            while self.at(i) and self.at(i) in _SPACE:
                i += 1
            if self.at(i) != 0x3D:  # a value-less attribute, e.g. <blockquote expandable>
                if self.at(i) == 0:
                    raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if tag == "blockquote" and name == "expandable":
                    argument = "1"
                continue
            i += 1
            while self.at(i) and self.at(i) in _SPACE:
                i += 1
            if self.at(i) == 0:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
            value, i = self.attribute_value(i)
            if self.at(i) == 0:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
            argument = _argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(_Open(tag, argument, self.utf16, len(self.out)))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in (0x22, 0x27):
            begin = i
            while self.at(i) in _NAME_TOKEN:
                i += 1
            if self.at(i) not in _SPACE and self.at(i) != 0x3E:
                raise HtmlParseError(f"Unexpected end of name token at byte offset {begin}")
            return self.src[begin:i].decode().lower(), i
        i += 1
        value = bytearray()
        while self.at(i) != quote and self.at(i):
            if self.at(i) == 0x26:
                code, after = self.decode_entity(i)
                if code:
                    value += chr(code).encode("utf-8", "surrogatepass")
                    i = after
                    continue
            value.append(self.at(i))
            i += 1
        if self.at(i) == quote:
            i += 1
        return value.decode("utf-8", "replace"), i

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        i = begin + 2
        while self.at(i) not in _SPACE and self.at(i) != 0x3E:
            i += 1
        name = self.src[begin + 2 : i].decode("utf-8", "replace").lower()
        while self.at(i) and self.at(i) in _SPACE:
            i += 1
        if self.at(i) != 0x3E:
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        opened = self.stack.pop()
        if name and name != opened.tag:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", found "</{name}>"'
            )
        if self.utf16 > opened.offset:
            self.add_entity(opened, self.utf16 - opened.offset)
        return i + 1

    def add_entity(self, opened: _Open, length: int) -> None:
        entity: dict[str, Any] = {"type": _SIMPLE.get(opened.tag, opened.tag), "offset": opened.offset}
        entity["length"] = length
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (opened.offset, length)
        if opened.tag == "a":
            url = opened.argument or self.out[opened.result_pos :].decode("utf-8", "replace")
            if not url:
                return
            entity.update(type="text_link", url=url)
        elif opened.tag == "tg-emoji":
            if not opened.argument.isdigit() or int(opened.argument) <= 0:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=opened.argument)
        elif opened.tag == "blockquote" and opened.argument:
            entity["type"] = "expandable_blockquote"
        elif opened.tag == "pre" and last and same_span and last["type"] == "code" and "language" in last:
            last["type"] = "pre"
            return
        elif opened.tag == "code" and last and same_span and last["type"] == "pre" and opened.argument:
            last["language"] = opened.argument
            return
        elif opened.tag == "code" and opened.argument:
            entity["language"] = opened.argument
        self.entities.append(entity)


def _argument(tag: str, name: str, value: str, current: str) -> str:
    if (tag == "a" and name == "href") or (tag == "tg-emoji" and name == "emoji-id"):
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "blockquote" and name == "expandable":
        return "1"
    return current


def parse_html(html: str, *, strict_entities: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and Bot API entities of ``html``; raises :class:`HtmlParseError` like Telegram.

    Telegram keeps an unknown named reference such as ``&nbsp;`` as literal text; ``strict_entities``
    refuses it instead (not Telegram's behaviour: a lint for unescaped text).
    """
    return _Parser(html, strict_entities).parse()
