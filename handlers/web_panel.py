"""/panel: a staff member's one-time link to the staff desk in the browser (web/desk)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select
from telegram import LinkPreviewOptions, Update

from core import desk_sessions
from core.privacy import Erased, PersonalData, iso
from core.refusals import Refused
from db.engine import transaction
from db.models import Citizen, SignInLink, StaffMember, WebSession
from handlers.common import KentContext, private
from handlers.feature import Command, Feature

SIGN_IN_PATH = "/masa/giris/"


@private
async def panel_command(update: Update, context: KentContext) -> None:
    message = update.effective_message
    assert message is not None
    t = context.texts()
    try:
        with transaction(context.engine) as session:
            token = desk_sessions.issue_link(
                session, context.staff_member(session), context.deps.clock()
            )
    except Refused:
        await message.reply_text(t._("This command is for municipal staff."))
        return
    url = context.config.web.base_url + SIGN_IN_PATH + token
    minutes = int(desk_sessions.LINK_LIFETIME.total_seconds() // 60)
    await message.reply_text(
        t._(
            "🖥 Your link to the staff desk:\n{url}\n\n"
            "It works once, for {minutes} minutes. Do not share it: whoever opens it acts "
            "in your name."
        ).format(url=url, minutes=minutes),
        # Telegram's link preview would fetch the page; the link stays untouched until opened.
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


def _member(session: Session, citizen: Citizen) -> StaffMember | None:
    return session.exec(
        select(StaffMember).where(StaffMember.telegram_id == citizen.telegram_id)
    ).first()


def _export(session: Session, citizen: Citizen) -> dict[str, Any]:
    member = _member(session, citizen)
    if member is None:
        return {}
    return {
        "staff_desk_sessions": [
            {"created_at": iso(s.created_at), "expires_at": iso(s.expires_at)}
            for s in desk_sessions.sessions_of(session, member)
        ]
    }


def _erase(session: Session, citizen: Citizen, now: datetime) -> Erased:
    """A staff member who erases their data is signed out of the desk everywhere."""
    member = _member(session, citizen)
    if member is not None:
        desk_sessions.end_sessions(session, member)
    return Erased()


def _expire(session: Session, now: datetime, days: int) -> Erased:
    """Ended sessions and used or expired links are of no further use."""
    session.execute(delete(WebSession).where(col(WebSession.expires_at) < now))
    session.execute(delete(SignInLink).where(col(SignInLink.expires_at) < now))
    return Erased()


FEATURE = Feature(
    name="web_panel",
    commands=(
        # Not in the citizens' command menu, like /kayit and /personel.
        Command(("panel",), panel_command),
    ),
    personal_data=(PersonalData((WebSession, SignInLink), _export, _erase, _expire),),
)
