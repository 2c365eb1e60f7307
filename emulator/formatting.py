"""Turns parse_mode text into plain text + entities the way Telegram does (HTML fully,
Markdown/MarkdownV2 for the common marks), so tests see what a person would read."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from emulator.errors import ApiError, bad_request

HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "span": "spoiler",
}


def utf16_len(text: str) -> int:
    """Telegram measures offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def cant_parse(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.entities: list[dict[str, Any]] = []
        self.stack: list[tuple[str, int, dict[str, Any]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            raise cant_parse(f'Unsupported start tag "{tag}" at byte offset {self.getpos()[1]}')
        entity: dict[str, Any] = {"type": HTML_TAGS[tag]}
        attributes = dict(attrs)
        if tag == "a":
            entity["url"] = attributes.get("href") or ""
        if tag == "tg-emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
        self.stack.append((tag, utf16_len(self.text), entity))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            raise cant_parse(
                f"Unmatched end tag at byte offset {self.getpos()[1]}, expected "
                f'"</{self.stack[-1][0] if self.stack else ""}>", found "</{tag}>"'
            )
        _, start, entity = self.stack.pop()
        length = utf16_len(self.text) - start
        if length > 0:
            entity.update(offset=start, length=length)
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.text += data


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    parser = _TelegramHTML()
    # A bare "<" that is not a tag is the classic bug (unescaped user input); Telegram rejects it.
    if re.search(r"<(?![a-zA-Z/!])", text):
        raise cant_parse("Unsupported start tag at byte offset " + str(text.index("<")))
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise cant_parse(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1][0]}"')
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return parser.text, entities


MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
MDV2_MARKS = [
    ("||", "spoiler"),
    ("__", "underline"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
    ("`", "code"),
]


def parse_markdown(text: str, v2: bool) -> tuple[str, list[dict[str, Any]]]:
    out = ""
    entities: list[dict[str, Any]] = []
    open_marks: dict[str, int] = {}
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and v2 and i + 1 < len(text):
            out += text[i + 1]
            i += 2
            continue
        if ch == "[":
            m = re.match(r"\[([^\]]*)\]\(([^)]*)\)", text[i:])
            if m:
                start = utf16_len(out)
                label = m.group(1).replace("\\", "") if v2 else m.group(1)
                out += label
                entities.append(
                    {
                        "type": "text_link",
                        "offset": start,
                        "length": utf16_len(label),
                        "url": m.group(2),
                    }
                )
                i += m.end()
                continue
        mark = next((m for m, _ in MDV2_MARKS if text.startswith(m, i)), None)
        if mark is not None and (v2 or mark in ("*", "_", "`")):
            kind = dict(MDV2_MARKS)[mark]
            if mark in open_marks:
                start = open_marks.pop(mark)
                if utf16_len(out) > start:
                    entities.append(
                        {"type": kind, "offset": start, "length": utf16_len(out) - start}
                    )
            else:
                open_marks[mark] = utf16_len(out)
            i += len(mark)
            continue
        if v2 and ch in MDV2_RESERVED:
            raise cant_parse(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        out += ch
        i += 1
    if open_marks:
        raise cant_parse(
            f"Can't find end of the entity starting at byte offset {min(open_marks.values())}"
        )
    return out, sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def apply_parse_mode(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    if entities:
        return text, entities
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode in ("markdown", "markdownv2"):
        return parse_markdown(text, v2=mode == "markdownv2")
    raise bad_request(f"unsupported parse_mode {html.escape(parse_mode)}")
