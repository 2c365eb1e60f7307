"""editMessageMedia: a bot replaces a photo (or document) it sent, with the caption and the
inline keyboard given in the same call, as Telegram does."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
)
from telegram.error import BadRequest

from emulator.client import EmulatorClient, SimUser
from emulator.media import tiny_png
from tests.emulator.helpers import with_bot

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Üstlen", callback_data="claim:7")]])


def test_photo_replaced_by_upload_with_caption_and_keyboard(
    emu: EmulatorClient, ayse: SimUser
) -> None:
    ayse.send("/start")
    old, new = tiny_png(6, 3, (200, 30, 30)), tiny_png(8, 4, (128, 128, 128))

    async def go(bot: Bot) -> tuple[int, str]:
        sent = await bot.send_photo(ayse.id, old, caption="Talep #7", reply_markup=KEYBOARD)
        edited = await bot.edit_message_media(
            InputMediaPhoto(new, caption="<b>Talep #7</b> [silindi]", parse_mode="HTML"),
            chat_id=ayse.id,
            message_id=sent.message_id,
            reply_markup=KEYBOARD,
        )
        assert isinstance(edited, type(sent)) and edited.edit_date is not None
        assert edited.photo[-1].width == 8 and edited.photo[-1].file_id != sent.photo[-1].file_id
        assert edited.caption == "Talep #7 [silindi]"
        return sent.message_id, edited.photo[-1].file_id

    message_id, file_id = with_bot(emu, go)
    assert emu.download(file_id) == new
    [shown] = ayse.transcript()
    assert shown.message_id == message_id and shown.edited
    assert shown.caption == "Talep #7 [silindi]" and shown.buttons == [["Üstlen"]]
    assert shown.raw["caption_entities"][0]["type"] == "bold"
    edit = emu.events(ayse.id, kinds="edit")[-1]
    assert edit["message_id"] == message_id


def test_no_caption_and_no_keyboard_remove_them(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")

    async def go(bot: Bot) -> None:
        sent = await bot.send_photo(ayse.id, tiny_png(), caption="çukur", reply_markup=KEYBOARD)
        edited = await bot.edit_message_media(
            InputMediaPhoto(tiny_png(5, 5)), chat_id=ayse.id, message_id=sent.message_id
        )
        assert isinstance(edited, type(sent))
        assert edited.caption is None and edited.reply_markup is None

    with_bot(emu, go)
    [shown] = ayse.transcript()
    assert shown.caption is None and shown.buttons == [] and "caption_entities" not in shown.raw


def test_by_file_id_in_an_album_and_to_a_document(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")

    async def go(bot: Bot) -> None:
        album = await bot.send_media_group(
            ayse.id, [InputMediaPhoto(tiny_png()), InputMediaPhoto(tiny_png(7, 7))]
        )
        other = album[1].photo[-1].file_id
        # Re-using a file_id works; the album keeps its media group.
        edited = await bot.edit_message_media(
            InputMediaPhoto(other), chat_id=ayse.id, message_id=album[0].message_id
        )
        assert isinstance(edited, type(album[0]))
        assert edited.photo[-1].file_id == other
        assert edited.media_group_id == album[0].media_group_id
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_media(
                InputMediaPhoto(other), chat_id=ayse.id, message_id=album[0].message_id
            )
        with pytest.raises(BadRequest, match=r"(?i)MEDIA_INVALID"):
            await bot.edit_message_media(
                InputMediaDocument(b"%PDF", filename="a.pdf"),
                chat_id=ayse.id,
                message_id=album[1].message_id,
            )
        # Outside an album a photo may become a document.
        single = await bot.send_photo(ayse.id, tiny_png())
        doc = await bot.edit_message_media(
            InputMediaDocument(b"%PDF-1.4", filename="a.pdf"),
            chat_id=ayse.id,
            message_id=single.message_id,
        )
        assert isinstance(doc, type(single))
        assert doc.document is not None and doc.document.file_name == "a.pdf" and not doc.photo

    with_bot(emu, go)


def test_errors(emu: EmulatorClient, ayse: SimUser) -> None:
    ayse.send("/start")
    staff = emu.create_user(first_name="Can")
    group = emu.create_group("Fen İşleri", members=[staff])
    own = staff.send("kendi fotoğrafım", chat=group)

    async def go(bot: Bot) -> None:
        text = await bot.send_message(ayse.id, "metin")
        photo = await bot.send_photo(ayse.id, tiny_png())
        with pytest.raises(BadRequest, match=r"(?i)there is no media in the message to edit"):
            await bot.edit_message_media(
                InputMediaPhoto(tiny_png()), chat_id=ayse.id, message_id=text.message_id
            )
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_media(
                InputMediaPhoto(tiny_png()), chat_id=ayse.id, message_id=9999
            )
        with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
            await bot.edit_message_media(
                InputMediaPhoto(tiny_png()), chat_id=group.id, message_id=int(own["message_id"])
            )
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.edit_message_media(
                InputMediaPhoto("no-such-file"), chat_id=ayse.id, message_id=photo.message_id
            )
        with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
            await bot.edit_message_media(
                InputMediaPhoto(tiny_png(), caption="c" * 1025),
                chat_id=ayse.id,
                message_id=photo.message_id,
            )

    with_bot(emu, go)
    assert [m.text for m in ayse.transcript()] == ["metin", ""]
    assert not [m for m in ayse.transcript() if m.edited]
