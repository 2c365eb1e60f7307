"""KVKK in the citizen's chat, channel-neutral: the erase question (`kvkk:`), its outcomes,
and the words around the export of what we hold."""

from __future__ import annotations

from dataclasses import dataclass

from common.i18n import Translator
from flows.actions import Action
from flows.screen import Screen


@dataclass(frozen=True)
class Erase(Action, prefix="kvkk:erase"):
    """🗑 Yes, erase my data."""


@dataclass(frozen=True)
class Keep(Action, prefix="kvkk:keep"):
    """✖️ No, keep it."""


def erase_question(t: Translator) -> Screen:
    """/verilerimi_sil: what erasing means, and the confirmation."""
    return Screen(
        t._(
            "🗑 <b>Erase my personal data</b>\n\n"
            "Your name, phone number, birth date, the texts, addresses, locations and "
            "photos of your requests, and those of the children you registered, will be "
            "erased. This cannot be undone.\n\n"
            "Your requests stay in our statistics without anything that identifies you. "
            "Open requests stay open, but we will no longer be able to notify you about "
            "them.\n\nDo you want to erase your data?"
        ),
        (
            (Erase().choice(t._("🗑 Yes, erase my data")),),
            (Keep().choice(t._("✖️ No, keep it")),),
        ),
    )


def kept(t: Translator) -> Screen:
    return Screen(t._("Nothing was erased."))


def erased(t: Translator) -> Screen:
    return Screen(
        t._(
            "✅ Your personal data has been erased. If you write to us again, "
            "you will start afresh."
        )
    )


def nothing_held(t: Translator) -> Screen:
    """/verilerim from someone we know nothing about."""
    return Screen(t._("We hold no personal data about you."))


def export_caption(t: Translator) -> str:
    """The words that come with the export file."""
    return t._(
        "📄 Everything we store about you (KVKK article 11). "
        "To erase your personal data, send /verilerimi_sil."
    )
