"""Builds the media parts of message dicts (PhotoSize lists, Document, Sticker, Voice)."""

from __future__ import annotations

from typing import Any

from emulator.media import extension_for, image_size, tiny_png
from emulator.world import World

JSON = dict[str, Any]

# Fields that make up a message's content, copied by copyMessage/forwardMessage.
CONTENT_FIELDS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "photo",
    "document",
    "location",
    "venue",
    "contact",
    "sticker",
    "voice",
    "media_group_id",
)


def photo_sizes(world: World, data: bytes | None) -> list[JSON]:
    """Telegram gives several sizes of every photo; two are enough to exercise `photo[-1]`."""
    data = data if data is not None else tiny_png()
    width, height = image_size(data)
    ext = extension_for(data)
    small_w, small_h = max(1, width // 4), max(1, height // 4)
    small = world.store_file(data, "photos", ext, width=small_w, height=small_h)
    large = world.store_file(data, "photos", ext, width=width, height=height)
    sizes = [
        {**small.base(), "width": small_w, "height": small_h},
        {**large.base(), "width": width, "height": height},
    ]
    for size in sizes:
        world.photo_sets[size["file_id"]] = sizes
    return sizes


def document(world: World, data: bytes, file_name: str | None, mime_type: str | None) -> JSON:
    ext = (file_name or "file.bin").rsplit(".", 1)[-1]
    stored = world.store_file(data, "documents", ext, file_name=file_name, mime_type=mime_type)
    doc = stored.base()
    if file_name:
        doc["file_name"] = file_name
    if mime_type:
        doc["mime_type"] = mime_type
    return doc


def sticker(world: World, emoji: str = "👍") -> JSON:
    stored = world.store_file(tiny_png(8, 8), "stickers", "webp", width=512, height=512)
    return {
        **stored.base(),
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
    }


def voice(world: World, data: bytes | None, duration: int) -> JSON:
    stored = world.store_file(data or b"OggS\x00fake-voice", "voice", "oga")
    return {**stored.base(), "duration": duration, "mime_type": "audio/ogg"}


def location(latitude: float, longitude: float, live_period: int | None = None) -> JSON:
    loc: JSON = {"latitude": latitude, "longitude": longitude}
    if live_period:
        loc["live_period"] = live_period
    return loc
