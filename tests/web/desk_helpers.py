"""Signing a test client in to the staff desk as the bot's /panel link would, and reading
a page's CSRF token: shared by the desk's web tests."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx2
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from core import desk_sessions, staff
from db.engine import transaction
from db.models import StaffMember
from db.types import utcnow


def link(db: Engine, member: StaffMember, minutes_ago: float = 0) -> str:
    """A one-time sign-in secret for the member, as /panel issues it."""
    with transaction(db) as session:
        return desk_sessions.issue_link(
            session, session.get(StaffMember, member.id), utcnow() - timedelta(minutes=minutes_ago)
        )


def sign_in(client: TestClient, token: str) -> httpx2.Response:
    """Opens the link and presses Sign in, as a browser would; the session cookie stays in
    the client."""
    page = client.get(f"/masa/giris/{token}")
    assert page.status_code == 200, page.text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    assert nonce is not None
    return client.post(
        f"/masa/giris/{token}", data={"nonce": nonce.group(1)}, follow_redirects=False
    )


def csrf(page: str) -> str:
    """The CSRF token a desk page's forms carry."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def signed_in_as(
    client: TestClient,
    db: Engine,
    telegram_id: int,
    role: str = "staff",
    department: str | None = "fen",
    name: str = "Deniz Arslan",
) -> StaffMember:
    """Records the staff member and signs the client in as them."""
    with transaction(db) as session:
        member = staff.upsert(session, telegram_id, role, department, name=name)
    signed = sign_in(client, link(db, member))
    assert signed.status_code == 303, signed.text
    return member
