"""/masa/rakamlar: staff enter and correct the figures only they know, month by month,
through the browser; the report then shows them."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

import httpx2
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from starlette.testclient import TestClient

from common.config import Config
from core import citizens, desk_sessions, monthly_figures, reports, staff
from db.engine import transaction
from db.models import MonthlyFigure, MonthlyFigureChange, StaffMember
from db.types import utcnow

IST = ZoneInfo("Europe/Istanbul")


def _month(offset: int) -> date:
    """The first day of the month `offset` months from this one, Istanbul time: the tests
    run now, so this month is always open and the next one never is."""
    today = utcnow().astimezone(IST).date()
    index = today.year * 12 + today.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def _key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


# Minimal copies of tests/web/test_desk_sign_in.py's helpers (no test module imports another).
def _member(
    db: Engine, telegram_id: int, role: str, department: str | None, name: str
) -> StaffMember:
    with transaction(db) as session:
        return staff.upsert(session, telegram_id, role, department, name=name)


def _sign_in(client: TestClient, db: Engine, member: StaffMember) -> httpx2.Response:
    with transaction(db) as session:
        token = desk_sessions.issue_link(session, session.get(StaffMember, member.id), utcnow())
    page = client.get(f"/masa/giris/{token}")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    assert nonce is not None
    signed = client.post(
        f"/masa/giris/{token}", data={"nonce": nonce.group(1)}, follow_redirects=False
    )
    assert signed.status_code == 303
    return signed


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _stored(db: Engine) -> dict[tuple[date, str], int]:
    with transaction(db) as session:
        return {(f.month, f.code): f.value for f in session.exec(select(MonthlyFigure))}


def test_entering_and_correcting_a_month_round_trip(
    client: TestClient, db: Engine, config: Config
) -> None:
    selin = _member(db, 720_000_001, "staff", "halkla_iliskiler", "Selin Aydın")
    _sign_in(client, db, selin)
    home = client.get("/masa/")
    assert '<a href="/masa/rakamlar">Rakamlar</a>' in home.text
    listing = client.get("/masa/rakamlar")
    assert listing.status_code == 200
    assert "Taziye ziyareti için gidilen aile sayısı" in listing.text
    last = _month(-1)
    assert f'href="/masa/rakamlar/{_key(last)}"' in listing.text
    assert f'href="/masa/rakamlar/{_key(_month(-12))}"' not in listing.text  # 12 months shown

    form = client.get(f"/masa/rakamlar/{_key(last)}")
    assert form.status_code == 200 and "Henüz girilmedi." in form.text
    saved = client.post(
        f"/masa/rakamlar/{_key(last)}",
        data={
            "csrf": _csrf(form.text),
            "new_projects": "1",
            "condolence_visits": "245",
            "funeral_meals": "19.123",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/masa/rakamlar?kaydedildi={_key(last)}"
    assert _stored(db) == {
        (last, "new_projects"): 1,
        (last, "condolence_visits"): 245,
        (last, "funeral_meals"): 19123,
    }
    after = client.get(saved.headers["location"])
    assert "rakamları kaydedildi" in after.text
    # Who entered it, in the list, and Turkish thousands.
    assert "19.123" in after.text and "Selin Aydın" in after.text

    # A correction: one box changed, one left empty (kept), one the same.
    form = client.get(f"/masa/rakamlar/{_key(last)}")
    assert 'value="245"' in form.text and "Selin Aydın" in form.text
    corrected = client.post(
        f"/masa/rakamlar/{_key(last)}",
        data={
            "csrf": _csrf(form.text),
            "new_projects": "",
            "condolence_visits": "250",
            "funeral_meals": "19123",
        },
        follow_redirects=False,
    )
    assert corrected.status_code == 303
    assert _stored(db)[(last, "condolence_visits")] == 250
    assert _stored(db)[(last, "new_projects")] == 1
    with transaction(db) as session:
        trail = session.exec(
            select(MonthlyFigureChange)
            .where(MonthlyFigureChange.code == "condolence_visits")
            .order_by(col(MonthlyFigureChange.id))
        ).all()
    assert [(c.old_value, c.new_value) for c in trail] == [(None, 245), (245, 250)]

    # The report of that year shows them (when the month is this year's, up to today).
    if last.year == _month(0).year:
        with transaction(db) as session:
            report = reports.build_report(session, config, last.year, None, utcnow())
        rows = {row.key: row for section in report.sections for row in section.rows}
        assert rows["condolence_visits"].actual == 250
        assert reports.format_value("count", rows["funeral_meals"].actual) == "19.123"


def test_bad_values_come_back_with_what_was_typed(client: TestClient, db: Engine) -> None:
    _sign_in(client, db, _member(db, 720_000_002, "supervisor", None, "Kaan Er"))
    month = _key(_month(0))
    form = client.get(f"/masa/rakamlar/{month}")
    refused = client.post(
        f"/masa/rakamlar/{month}",
        data={
            "csrf": _csrf(form.text),
            "new_projects": "abc",
            "condolence_visits": "-5",
            "funeral_meals": "300",
        },
    )
    assert refused.status_code == 400
    assert "Hiçbir şey kaydedilmedi" in refused.text
    assert 'value="abc"' in refused.text and 'value="-5"' in refused.text
    assert 'value="300"' in refused.text
    assert refused.text.count("0 ile 10.000.000 arasında") == 2
    assert 'aria-invalid="true"' in refused.text
    # All or nothing: the good box was not saved either.
    assert _stored(db) == {}


def test_future_and_impossible_months_are_refused(client: TestClient, db: Engine) -> None:
    _sign_in(client, db, _member(db, 720_000_003, "admin", None, "Ada Kılıç"))
    listing = client.get("/masa/rakamlar")
    csrf = _csrf(listing.text)
    next_month = _key(_month(1))
    assert client.get(f"/masa/rakamlar/{next_month}").status_code == 404
    posted = client.post(f"/masa/rakamlar/{next_month}", data={"csrf": csrf, "new_projects": "1"})
    assert posted.status_code == 400 and "Seçtiğiniz ay henüz başlamadı" in posted.text
    thirteenth = client.post("/masa/rakamlar/2024-13", data={"csrf": csrf, "new_projects": "1"})
    assert thirteenth.status_code == 400 and "Bu geçerli bir ay değil" in thirteenth.text
    # The "earlier month" box: a past month opens its page, a future one is refused.
    opened = client.get("/masa/rakamlar?ay=2023-05", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/masa/rakamlar/2023-05"
    assert client.get(f"/masa/rakamlar?ay={next_month}").status_code == 400
    assert _stored(db) == {}


def test_a_form_without_the_sessions_csrf_token_changes_nothing(
    client: TestClient, db: Engine
) -> None:
    _sign_in(client, db, _member(db, 720_000_004, "admin", None, "Ada Kılıç"))
    month = _key(_month(0))
    forged = client.post(f"/masa/rakamlar/{month}", data={"csrf": "forged", "new_projects": "9"})
    assert forged.status_code == 403 and "Hiçbir şey değiştirilmedi" in forged.text
    missing = client.post(f"/masa/rakamlar/{month}", data={"new_projects": "9"})
    assert missing.status_code == 403
    assert _stored(db) == {}


def test_who_may_not_enter_sees_no_form_and_cannot_post_one(client: TestClient, db: Engine) -> None:
    month = _key(_month(0))
    social = _member(db, 720_000_005, "staff", "sosyal", "Ece Tan")
    _sign_in(client, db, social)
    form = client.get(f"/masa/rakamlar/{month}")
    # Social support enters condolence visits and funeral meals, not new projects.
    assert 'name="funeral_meals"' in form.text and 'name="new_projects"' not in form.text
    forged = client.post(
        f"/masa/rakamlar/{month}",
        data={"csrf": _csrf(form.text), "new_projects": "4", "funeral_meals": "10"},
    )
    assert forged.status_code == 403
    assert _stored(db) == {}  # not even the box they may fill: all or nothing

    works = _member(db, 720_000_006, "staff", "fen", "Oğuz Demir")
    other = TestClient(client.app)
    _sign_in(other, db, works)
    listing = other.get("/masa/rakamlar")
    # Everyone on the desk may read the figures; only the rule's departments change them.
    assert listing.status_code == 200 and "Cenaze yemeği" in listing.text
    assert f'href="/masa/rakamlar/{month}"' not in listing.text
    assert other.get(f"/masa/rakamlar/{month}").status_code == 403
    refused = other.post(
        f"/masa/rakamlar/{month}", data={"csrf": _csrf(listing.text), "funeral_meals": "10"}
    )
    assert refused.status_code == 403 and "Bu rakamları yalnızca" in refused.text
    assert _stored(db) == {}
    # Signed out, nothing at all.
    assert TestClient(client.app).get("/masa/rakamlar").status_code == 401


def test_an_english_speaking_staff_member_reads_english(
    client: TestClient, db: Engine, config: Config
) -> None:
    member = _member(db, 720_000_007, "admin", None, "Sam Hill")
    with transaction(db) as session:
        citizens.set_language(session, member.telegram_id, "en")
    _sign_in(client, db, member)
    with transaction(db) as session:
        admin = session.get(StaffMember, member.id)
        monthly_figures.record(session, admin, _month(0), "funeral_meals", 229480, utcnow(), config)
    listing = client.get("/masa/rakamlar")
    assert '<a href="/masa/rakamlar">Figures</a>' in listing.text
    assert "People served a funeral meal" in listing.text and "229,480" in listing.text
    assert "Cenaze" not in listing.text
    form = client.get(f"/masa/rakamlar/{_key(_month(0))}")
    refused = client.post(
        f"/masa/rakamlar/{_key(_month(0))}",
        data={"csrf": _csrf(form.text), "new_projects": "1,5"},
    )
    assert refused.status_code == 400 and "Nothing was saved" in refused.text
    assert "Type a whole number from 0 to 10,000,000" in refused.text
