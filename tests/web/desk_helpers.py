"""Signing a test client in to the staff desk as a given staff member."""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from core import desk_sessions, staff
from db.engine import transaction
from db.models import StaffMember
from db.types import utcnow


def sign_in(
    client: TestClient,
    db: Engine,
    telegram_id: int,
    role: str = "staff",
    department: str | None = "fen",
    name: str = "Deniz Arslan",
) -> StaffMember:
    """Records the staff member, follows a fresh /panel link as a browser would, and
    returns the member; the client then carries the session cookie."""
    with transaction(db) as session:
        member = staff.upsert(session, telegram_id, role, department, name=name)
        token = desk_sessions.issue_link(session, member, utcnow())
    page = client.get(f"/masa/giris/{token}")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    assert nonce is not None, page.text
    signed = client.post(
        f"/masa/giris/{token}", data={"nonce": nonce.group(1)}, follow_redirects=False
    )
    assert signed.status_code == 303, signed.text
    return member


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)
