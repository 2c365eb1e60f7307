"""Signing staff in to the web desk without passwords.

/panel in a private chat with the bot issues a one-time link (`issue_link`); opening it
and confirming (`redeem`) opens a session, whose secret the browser keeps in a cookie.
Telegram already proved who the person is, so the desk needs no password of its own.

- Only SHA-256 hashes of the secrets are stored: a copy of the database signs nobody in.
- A link works once, for LINK_LIFETIME; a session ends after IDLE_LIMIT without use and
  at SESSION_LIMIT whatever happens (`member_of`).
- Every session is checked against the staff member's row at each page: a member who is
  removed (core.staff.remove) or erases their data loses every session at once
  (`end_sessions`), and a role that changes applies to the next page.
- Each session has its own CSRF token; forms carry it and `csrf_matches` compares it in
  constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.refusals import Refused
from db.models import SignInLink, StaffMember, WebSession

LINK_LIFETIME = timedelta(minutes=10)
IDLE_LIMIT = timedelta(hours=2)
SESSION_LIMIT = timedelta(hours=12)
# A session's last use is written at most this often, not at every page.
SEEN_STEP = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_link(session: Session, member: StaffMember | None, now: datetime) -> str:
    """A new one-time sign-in secret for an active staff member (Refused("not_allowed")
    for anyone else)."""
    if member is None or not member.active or member.id is None:
        raise Refused("not_allowed")
    token = secrets.token_urlsafe(32)
    session.add(
        SignInLink(
            token_hash=_hash(token),
            staff_member_id=member.id,
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
    )
    # Expired links are of no use to anyone: cleared as new ones are made.
    session.execute(delete(SignInLink).where(col(SignInLink.expires_at) < now - LINK_LIFETIME))
    return token


def link_state(session: Session, token: str, now: datetime) -> str:
    """'valid', or why not: 'used', 'expired', 'unknown' (the sign-in page says it)."""
    link = session.get(SignInLink, _hash(token))
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= now:
        return "expired"
    member = session.get(StaffMember, link.staff_member_id)
    return "valid" if member is not None and member.active else "unknown"


@dataclass(frozen=True)
class Opened:
    """A new session: the secret for the cookie (shown nowhere else) and its member."""

    token: str
    member: StaffMember


def redeem(session: Session, token: str, now: datetime) -> Opened:
    """Use a link once and open a session; Refused with link_state's reason otherwise.

    The session's secret is always new (never one the browser offered), so nobody can
    fix a session id in advance and wait for a staff member to sign in with it."""
    link = session.exec(
        select(SignInLink).where(SignInLink.token_hash == _hash(token)).with_for_update()
    ).first()
    state = link_state(session, token, now)
    if state != "valid" or link is None:
        raise Refused(f"link_{state}")
    link.used_at = now
    session.add(link)
    member = session.get(StaffMember, link.staff_member_id)
    assert member is not None
    secret = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_hash(secret),
            staff_member_id=link.staff_member_id,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            seen_at=now,
            expires_at=now + SESSION_LIMIT,
        )
    )
    session.flush()
    return Opened(secret, member)


@dataclass(frozen=True)
class SignedIn:
    member: StaffMember
    csrf: str


def member_of(session: Session, token: str | None, now: datetime) -> SignedIn | None:
    """The active staff member behind a session cookie, or None (no session, ended,
    idle too long, or the member lost their staff role)."""
    if not token:
        return None
    row = session.get(WebSession, _hash(token))
    if row is None:
        return None
    member = session.get(StaffMember, row.staff_member_id)
    if row.expires_at <= now or row.seen_at + IDLE_LIMIT <= now or member is None:
        session.delete(row)
        return None
    if not member.active:
        end_sessions(session, member)
        return None
    if now - row.seen_at >= SEEN_STEP:
        row.seen_at = now
        session.add(row)
    return SignedIn(member, row.csrf)


def csrf_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def sign_out(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(col(WebSession.token_hash) == _hash(token)))


def end_sessions(session: Session, member: StaffMember) -> int:
    """Ends every session and unused link of a staff member; how many sessions ended."""
    ended = session.execute(
        delete(WebSession).where(col(WebSession.staff_member_id) == member.id)
    ).rowcount  # type: ignore[attr-defined]
    session.execute(delete(SignInLink).where(col(SignInLink.staff_member_id) == member.id))
    return int(ended or 0)


def sessions_of(session: Session, member: StaffMember) -> list[WebSession]:
    return list(
        session.exec(
            select(WebSession)
            .where(WebSession.staff_member_id == member.id)
            .order_by(col(WebSession.created_at))
        ).all()
    )
