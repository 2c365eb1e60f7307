"""Bot API parameters from any of the encodings Telegram accepts, coerced on read.

python-telegram-bot sends form fields where strings are raw and everything else is
JSON-encoded (chat_id "123", reply_markup '{"inline_keyboard": ...}'), so each value is
decoded according to the type the method asks for, not guessed up front.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web
from multidict import MultiDictProxy

from emulator.errors import bad_request


@dataclass
class Upload:
    data: bytes
    filename: str | None
    content_type: str | None


class Params:
    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    @classmethod
    async def from_request(cls, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    values.update(body)
            elif ctype == "multipart/form-data":
                reader = await request.multipart()
                async for part in reader:
                    name = getattr(part, "name", None)
                    if not name:
                        continue
                    filename = getattr(part, "filename", None)
                    if not isinstance(part, BodyPartReader):
                        continue
                    data = await part.read()
                    if filename is not None:
                        uploads[name] = Upload(
                            bytes(data), filename, part.headers.get("Content-Type")
                        )
                    else:
                        values[name] = bytes(data).decode("utf-8")
            else:
                form: MultiDictProxy[Any] = await request.post()
                for key in form:
                    val = form[key]
                    if hasattr(val, "file"):
                        uploads[key] = Upload(val.file.read(), val.filename, val.content_type)
                    else:
                        values[key] = val
        return cls(values, uploads)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def string(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def require_int(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(f"{name} is empty" if name != "chat_id" else "chat_id is empty")
        return value

    def number(self, name: str, default: float | None = None) -> float | None:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def obj(self, name: str) -> Any:
        """A structured value that may arrive already decoded (JSON body) or as JSON text."""
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def loggable(self) -> dict[str, Any]:
        logged = dict(self.values)
        for name, upload in self.uploads.items():
            logged[name] = f"<upload {upload.filename} {len(upload.data)} bytes>"
        return logged
