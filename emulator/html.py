"""A strict parser for Telegram's HTML subset: plain text plus entities, or Telegram's error."""

from __future__ import annotations

import re
from dataclasses import dataclass

# tag name -> entity type; "a", "code", "pre", "span" and "blockquote" get special handling
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "a", "code", "pre", "span", "blockquote"})

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_TAG_NAME = re.compile(r"[A-Za-z0-9-]*")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_-]*")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; str(error) is Telegram's reason."""


@dataclass(frozen=True)
class Span:
    """One formatting entity over text[start:end] (Python string indices)."""

    kind: str
    start: int
    end: int
    url: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class FormattedText:
    """Plain text and its formatting, as Telegram stores a message."""

    text: str
    spans: tuple[Span, ...] = ()

    def entities(self) -> list[dict[str, object]]:
        """The spans as Bot API MessageEntity dicts (offsets in UTF-16 code units)."""
        result: list[dict[str, object]] = []
        for span in sorted(self.spans, key=lambda s: (s.start, -s.end)):
            offset = utf16_len(self.text[: span.start])
            entity: dict[str, object] = {
                "type": span.kind,
                "offset": offset,
                "length": utf16_len(self.text[: span.end]) - offset,
            }
            if span.url is not None:
                entity["url"] = span.url
            if span.language is not None:
                entity["language"] = span.language
            result.append(entity)
        return result

    def stripped(self) -> FormattedText:
        """Leading and trailing whitespace removed, as Telegram does, spans clipped."""
        lead = len(self.text) - len(self.text.lstrip())
        text = self.text.strip()
        spans = []
        for span in self.spans:
            start, end = max(span.start - lead, 0), min(span.end - lead, len(text))
            if end > start:
                spans.append(Span(span.kind, start, end, span.url, span.language))
        return FormattedText(text, tuple(spans))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    start: int  # index into the output text
    kind: str | None
    url: str | None = None
    language: str | None = None


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.out: list[str] = []
        self.length = 0
        self.stack: list[_OpenTag] = []
        self.spans: list[Span] = []

    def fail(self, reason: str) -> HtmlParseError:
        return HtmlParseError(f"can't parse entities: {reason}")

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += len(text)

    def parse(self) -> FormattedText:
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            if char == "&":
                self.emit(self.entity())
            elif char == "<":
                if source.startswith("</", self.pos):
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                next_special = min(
                    (i for i in (source.find("&", self.pos), source.find("<", self.pos)) if i >= 0),
                    default=len(source),
                )
                self.emit(source[self.pos : next_special])
                self.pos = next_special
        if self.stack:
            name = self.stack[-1].name
            raise self.fail(f'Can\'t find end tag corresponding to start tag "{name}"')
        return FormattedText("".join(self.out), tuple(self.spans))

    def entity(self) -> str:
        match = _ENTITY.match(self.source, self.pos)
        if match is None or (match[3] is not None and match[3] not in _NAMED_ENTITIES):
            # Telegram would keep an unknown "&..." as text; being stricter catches unescaped
            # user input before it reaches a real chat.
            raise self.fail(
                f'Unsupported character entity or bare "&" at byte offset '
                f"{self.byte_offset(self.pos)}; escape it as &amp;"
            )
        self.pos = match.end()
        if match[3] is not None:
            return _NAMED_ENTITIES[match[3]]
        code = int(match[1]) if match[1] is not None else int(match[2], 16)
        if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise self.fail(f"Invalid character entity at byte offset {self.byte_offset(self.pos)}")
        return chr(code)

    def start_tag(self) -> None:
        tag_offset = self.pos
        source = self.source
        name_match = _TAG_NAME.match(source, self.pos + 1)
        assert name_match is not None
        name = name_match[0].lower()
        if name not in SUPPORTED_TAGS:
            raise self.fail(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(tag_offset)}'
            )
        self.pos = name_match.end()
        attributes: dict[str, str] = {}
        while True:
            while self.pos < len(source) and source[self.pos].isspace():
                self.pos += 1
            if self.pos >= len(source):
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(tag_offset)}")
            if source[self.pos] == ">":
                self.pos += 1
                break
            attr_match = _ATTRIBUTE_NAME.match(source, self.pos)
            assert attr_match is not None
            if not attr_match[0]:
                raise self.fail(
                    f'Empty attribute name in the tag "{name}" '
                    f"at byte offset {self.byte_offset(self.pos)}"
                )
            attr_name = attr_match[0].lower()
            self.pos = attr_match.end()
            if self.pos < len(source) and source[self.pos] == "=":
                self.pos += 1
                attributes[attr_name] = self.attribute_value(tag_offset)
            else:
                attributes[attr_name] = ""
        self.open(name, attributes, tag_offset)

    def attribute_value(self, tag_offset: int) -> str:
        source = self.source
        if self.pos >= len(source):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(tag_offset)}")
        quote = source[self.pos]
        if quote in "\"'":
            end = source.find(quote, self.pos + 1)
            if end < 0:
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(tag_offset)}")
            raw, self.pos = source[self.pos + 1 : end], end + 1
        else:
            end = self.pos
            while end < len(source) and not source[end].isspace() and source[end] != ">":
                end += 1
            raw, self.pos = source[self.pos : end], end
        return _Parser(raw).parse_attribute()

    def parse_attribute(self) -> str:
        # entities are decoded inside attribute values; tags are not recognised there
        parts: list[str] = []
        while self.pos < len(self.source):
            amp = self.source.find("&", self.pos)
            if amp < 0:
                parts.append(self.source[self.pos :])
                break
            parts.append(self.source[self.pos : amp])
            self.pos = amp
            parts.append(self.entity())
        return "".join(parts)

    def open(self, name: str, attributes: dict[str, str], tag_offset: int) -> None:
        tag = _OpenTag(name, self.length, _SIMPLE_TAGS.get(name))
        if name == "a":
            tag.url = attributes.get("href") or None
            tag.kind = "text_link" if tag.url else None
        elif name == "span":
            if attributes.get("class") != "tg-spoiler":
                raise self.fail(
                    f'Tag "span" must have class "tg-spoiler" '
                    f"at byte offset {self.byte_offset(tag_offset)}"
                )
            tag.kind = "spoiler"
        elif name == "pre":
            tag.kind = "pre"
        elif name == "code":
            language = attributes.get("class", "")
            parent = self.stack[-1] if self.stack else None
            if parent is not None and parent.name == "pre":
                # <pre><code class="language-x"> is one pre entity with a language
                if language.startswith("language-"):
                    parent.language = language.removeprefix("language-")
                tag.kind = None
            else:
                tag.kind = "code"
        elif name == "blockquote":
            tag.kind = "expandable_blockquote" if "expandable" in attributes else "blockquote"
        self.stack.append(tag)

    def end_tag(self) -> None:
        tag_offset = self.pos
        end = self.source.find(">", self.pos)
        if end < 0:
            raise self.fail(f"Unclosed end tag at byte offset {self.byte_offset(tag_offset)}")
        name = self.source[self.pos + 2 : end].strip().lower()
        self.pos = end + 1
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte_offset(tag_offset)}")
        tag = self.stack.pop()
        if name != tag.name:
            raise self.fail(
                f"Unmatched end tag at byte offset {self.byte_offset(tag_offset)}, "
                f'expected "</{tag.name}>", found "</{name}>"'
            )
        if tag.kind is not None and self.length > tag.start:
            self.spans.append(Span(tag.kind, tag.start, self.length, tag.url, tag.language))


def parse_html(source: str) -> FormattedText:
    """Parse Telegram-flavoured HTML, raising HtmlParseError with Telegram's wording.

    Stricter than Telegram in one way: a bare "&" (or an unknown named entity) is an error,
    so unescaped user text is caught in tests.
    """
    return _Parser(source).parse()
