"""Open311 GeoReport v2's two formats from one description of an answer: XML (the
spec's required format) and JSON.

An answer is a `Listing` (XML: a root holding one element per row; JSON: an array) or a
`Single` (XML: a root holding the fields; JSON: an object). A field may hold a `Nested`
list (XML: an element holding one element per item; JSON: an array). XML is built with
ElementTree, which escapes every text; characters XML 1.0 cannot carry at all (most
control characters) are dropped, so that no text a citizen typed makes the document
unreadable.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)
MEDIA_TYPES = {XML: "text/xml", JSON: "application/json"}

# What XML 1.0 allows (its Char production): tab, newline, carriage return, and from space up.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True)
class Nested:
    item: str  # the XML element of each item
    items: list[Any]  # dicts of fields, or plain values


@dataclass(frozen=True)
class Listing:
    root: str
    item: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Single:
    root: str
    fields: dict[str, Any]


Answer = Listing | Single


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            _fill(ET.SubElement(element, name), inner)
    elif isinstance(value, Nested):
        for item in value.items:
            _fill(ET.SubElement(element, value.item), item)
    else:
        element.text = _text(value)


def to_xml(answer: Answer) -> bytes:
    root = ET.Element(answer.root)
    if isinstance(answer, Listing):
        for row in answer.rows:
            _fill(ET.SubElement(root, answer.item), row)
    else:
        _fill(root, answer.fields)
    return _DECLARATION + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: _plain(inner) for name, inner in value.items()}
    if isinstance(value, Nested):
        return [_plain(item) for item in value.items]
    return value


def to_json(answer: Answer) -> bytes:
    data = (
        [_plain(r) for r in answer.rows] if isinstance(answer, Listing) else _plain(answer.fields)
    )
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def response(answer: Answer, form: str, status_code: int = 200, **headers: str) -> Response:
    body = to_xml(answer) if form == XML else to_json(answer)
    return Response(
        body,
        status_code=status_code,
        media_type=f"{MEDIA_TYPES[form]}; charset=utf-8",
        headers=headers or None,
    )


def errors(code: int, description: str) -> Listing:
    """The spec's error answer: errors/error{code, description}."""
    return Listing("errors", "error", [{"code": code, "description": description}])
