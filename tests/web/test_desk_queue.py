"""The staff desk's queue, a request's page and its actions, on both databases: who sees
what, every filter, each action against what the group's button does, bad input kept in
the form, photos behind the same check, and the exports' bytes."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from starlette.testclient import TestClient

from common.config import Config
from core import citizens, filing, staff, workflow
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Attachment, Request, RequestEvent, StaffMember
from db.types import utcnow
from tests.web.desk_helpers import csrf, link, sign_in
from web.app import create_app
from web.site import Site

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class RecordedEffects:
    """Effects that remember what the desk asked of Telegram and serve one photo."""

    actions: list[tuple[int, int, str, str]] = field(default_factory=list)
    photos: dict[str, bytes] = field(default_factory=dict)

    async def after_filing(self, request_id: int) -> None:
        return None

    async def after_staff_action(
        self, request_id: int, event_id: int, action: str, actor_name: str
    ) -> bool:
        self.actions.append((request_id, event_id, action, actor_name))
        return True

    async def photo(self, file_id: str) -> bytes | None:
        return self.photos.get(file_id)


@pytest.fixture
def effects() -> RecordedEffects:
    return RecordedEffects(photos={"photo-of-the-road": PNG})


@pytest.fixture
def desk_site(db: Engine, config: Config, effects: RecordedEffects) -> Site:
    return Site(engine=db, config=config, effects=effects)


def _client(site: Site) -> TestClient:
    return TestClient(create_app(site), raise_server_exceptions=False)


def _member(
    db: Engine,
    telegram_id: int,
    role: str = "staff",
    department: str | None = "fen",
    name: str = "Deniz Arslan",
    language: str = "tr",
) -> StaffMember:
    with transaction(db) as session:
        if language != "tr":
            citizens.set_language(session, telegram_id, language)
        return staff.upsert(session, telegram_id, role, department, name=name)


def _signed_in(site: Site, member: StaffMember) -> TestClient:
    client = _client(site)
    assert sign_in(client, link(site.engine, member)).status_code == 303
    return client


def _file(
    db: Engine,
    config: Config,
    category: str,
    text: str,
    channel: str = "phone",
    age: timedelta = timedelta(hours=1),
    photos: tuple[tuple[str, str], ...] = (),
    address: str | None = None,
) -> Request:
    """A request taken by staff (no citizen), filed `age` ago."""
    with transaction(db) as session:
        return filing.file_request(
            session,
            WorkingCalendar.from_config(config),
            filing.Filing(
                channel=channel,
                type="sikayet",
                category_code=category,
                text=text,
                latitude=41.0255 if photos else None,
                longitude=29.1020 if photos else None,
                address=address,
                phone="0532 111 22 33",
                photos=photos,
                # A Telegram request is the citizen's own; the others were taken by staff.
                actor="citizen" if channel == "telegram" else "staff",
            ),
            now=utcnow() - age,
        )[0]


def _stored(db: Engine, request_id: int) -> Request:
    with transaction(db) as session:
        request = session.get(Request, request_id)
        assert request is not None
        return request


def _events(db: Engine, request_id: int) -> list[RequestEvent]:
    with transaction(db) as session:
        return list(
            session.exec(
                select(RequestEvent)
                .where(RequestEvent.request_id == request_id)
                .order_by(col(RequestEvent.id))
            ).all()
        )


def _numbers(page: str) -> list[str]:
    """The request numbers a queue page lists, in its order."""
    return re.findall(r'<a href="/masa/talep/\d+">(\d{4}-\d{6})</a>', page)


# --- Who sees what ----------------------------------------------------------------------------


def test_staff_see_and_act_only_on_their_departments_requests(
    desk_site: Site, db: Engine, config: Config, effects: RecordedEffects
) -> None:
    road = _file(db, config, "yol", "Okul önündeki yolda derin bir çukur var.")
    park = _file(
        db,
        config,
        "park",
        "Parktaki salıncak kırık.",
        photos=(("photo-of-the-road", "u1"),),
    )
    deniz = _signed_in(desk_site, _member(db, 710_000_001))

    queue = deniz.get("/masa/")
    assert queue.status_code == 200
    assert _numbers(queue.text) == [road.number]
    # By URL: the page, its photo, an action, all refused; nothing changes.
    page = deniz.get(f"/masa/talep/{park.id}")
    assert page.status_code == 403
    assert "yalnızca bu birimin personeli" in page.text and "salıncak" not in page.text
    with transaction(db) as session:
        photo = session.exec(select(Attachment).where(Attachment.request_id == park.id)).one()
    assert deniz.get(f"/masa/talep/{park.id}/foto/{photo.id}").status_code == 403
    token = csrf(queue.text)
    refused = deniz.post(f"/masa/talep/{park.id}", data={"csrf": token, "action": "assign"})
    assert refused.status_code == 403
    assert _stored(db, park.id or 0).status == "new" and effects.actions == []
    # Nor in the exports, whatever the filter asks.
    exported = deniz.get("/masa/disa-aktar.csv?status=all").content.decode("utf-8-sig")
    assert road.number in exported and park.number not in exported
    book = load_workbook(io.BytesIO(deniz.get("/masa/disa-aktar.xlsx?status=all").content))
    numbers = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert numbers == [road.number]
    assert deniz.get("/masa/?department=park").status_code == 400
    # No such request at all: a 404, the same wording as the bot's.
    missing = deniz.get("/masa/talep/999999")
    assert missing.status_code == 404 and "Bu talep artık mevcut değil." in missing.text

    # A supervisor sees every department's requests, and the photo.
    selin = _signed_in(
        desk_site, _member(db, 710_000_002, role="supervisor", department=None, name="Selin")
    )
    assert sorted(_numbers(selin.get("/masa/").text)) == sorted([road.number, park.number])
    picture = selin.get(f"/masa/talep/{park.id}/foto/{photo.id}")
    assert picture.status_code == 200 and picture.content == PNG
    assert picture.headers["content-type"] == "image/png"
    assert picture.headers["cache-control"] == "private, no-store"
    # A photo id of another request under this request's address is not served.
    assert selin.get(f"/masa/talep/{road.id}/foto/{photo.id}").status_code == 404


def test_signed_out_visitors_see_nothing(desk_site: Site, db: Engine, config: Config) -> None:
    road = _file(db, config, "yol", "Yolda çukur var.")
    stranger = _client(desk_site)
    for path in ("/masa/", f"/masa/talep/{road.id}", "/masa/disa-aktar.csv"):
        answer = stranger.get(path)
        assert answer.status_code == 401 and road.number not in answer.text


# --- Filters ---------------------------------------------------------------------------------


def test_every_filter_narrows_the_queue(desk_site: Site, db: Engine, config: Config) -> None:
    deniz_row = _member(db, 710_000_001)
    deniz = _signed_in(desk_site, deniz_row)
    colleague = _member(db, 710_000_003, name="Can Demir")
    # Oldest, taken on by Deniz, not overdue (answered in time would not be; taken is not).
    lamp = _file(
        db,
        config,
        "aydinlatma",
        "Sokağımızdaki IŞIK yanmıyor.",
        channel="telegram",
        age=timedelta(hours=2),
    )
    # Younger but overdue: due long ago, no answer.
    hole = _file(db, config, "yol", "Okul önündeki yolda çukur var.", age=timedelta(days=30))
    with transaction(db) as session:
        # Make the lamp the oldest but still within its time.
        row = session.get(Request, lamp.id)
        assert row is not None
        row.created_at = utcnow() - timedelta(days=40)
        row.due_at = utcnow() + timedelta(days=1)
        session.add(row)
        workflow.staff_action(
            session, lamp.id or 0, session.get(StaffMember, deniz_row.id), "assign"
        )
    done = _file(db, config, "yol", "Kaldırım taşı yerinden çıkmış.", age=timedelta(days=2))
    with transaction(db) as session:
        for action in ("assign", "resolve"):
            workflow.staff_action(
                session, done.id or 0, session.get(StaffMember, colleague.id), action
            )

    def listed(query: str) -> list[str]:
        page = deniz.get("/masa/?" + query)
        assert page.status_code == 200, page.text
        return _numbers(page.text)

    # Open ones by default, the overdue first and then the oldest.
    assert listed("") == [hole.number, lamp.number]
    assert "Filtrelere uyan talep sayısı: 2" in deniz.get("/masa/").text
    assert "geciken: 1" in deniz.get("/masa/").text
    assert listed("status=all") == [hole.number, lamp.number, done.number]
    assert listed("status=resolved") == [done.number]
    assert listed("status=assigned") == [lamp.number]
    assert listed("overdue=1") == [hole.number]
    assert listed("channel=telegram") == [lamp.number]
    assert listed("channel=cimer") == []
    assert listed("assignee=me") == [lamp.number]
    assert listed("assignee=none") == [hole.number]
    assert listed(f"assignee={colleague.id}&status=all") == [done.number]
    assert listed("department=fen&status=all") == [hole.number, lamp.number, done.number]
    # Search: the number, or the text, with or without Turkish letters and in any case.
    assert listed(f"q={lamp.number}") == [lamp.number]
    assert listed("q=" + (lamp.number or "")[-4:]) == [lamp.number]
    for typed in ("ışık", "ISIK", "Işık", "isik"):
        assert listed(f"q={typed}") == [lamp.number], typed
    assert listed("q=ÇUKUR") == [hole.number]
    assert listed("q=100%25") == []  # a LIKE wildcard is a letter like any other
    assert listed("q=okul&overdue=1&channel=phone") == [hole.number]


def test_unknown_filter_values_are_refused_in_the_members_language(
    desk_site: Site, db: Engine, config: Config
) -> None:
    _file(db, config, "yol", "Yolda çukur var.")
    deniz = _signed_in(desk_site, _member(db, 710_000_001))
    cases = {
        "status=yok": "Böyle bir durum yok.",
        "channel=guvercin": "Böyle bir kanal yok.",
        "department=park": "Görebildiğiniz müdürlükler arasında böyle bir müdürlük yok.",
        "assignee=999999": "Görebildiğiniz personel arasında böyle biri yok.",
        "overdue=evet": "yalnızca işaretli ya da işaretsiz olabilir",
        "page=iki": "Sayfa numarası bir tam sayı olmalıdır.",
        "q=" + "ç" * 101: "Arama çok uzun (en fazla 100 karakter).",
    }
    for query, message in cases.items():
        page = deniz.get("/masa/?" + query)
        assert page.status_code == 400 and message in page.text, query
        assert _numbers(page.text) == []
    # What was typed stays in the form, escaped.
    typed = deniz.get('/masa/?status=yok&q=<b>"çukur"</b>')
    assert 'value="&lt;b&gt;&#34;çukur&#34;&lt;/b&gt;"' in typed.text
    assert deniz.get("/masa/disa-aktar.csv?channel=guvercin").status_code == 400

    english = _signed_in(desk_site, _member(db, 710_000_009, name="Ann", language="en"))
    page = english.get("/masa/?status=nope")
    assert page.status_code == 400 and "There is no such status." in page.text
    assert '<html lang="en">' in page.text


def test_a_long_queue_is_paged_by_fifty(desk_site: Site, db: Engine, config: Config) -> None:
    for index in range(53):
        _file(db, config, "yol", f"Çukur {index}", age=timedelta(minutes=60 - index))
    deniz = _signed_in(desk_site, _member(db, 710_000_001))
    first = deniz.get("/masa/")
    assert len(_numbers(first.text)) == 50 and "Sayfa 1 / 2" in first.text
    second = deniz.get("/masa/?page=2")
    assert len(_numbers(second.text)) == 3
    assert set(_numbers(first.text)).isdisjoint(_numbers(second.text))
    assert _numbers(deniz.get("/masa/?page=9").text) == _numbers(second.text)


# --- Actions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "text", "department", "status", "kind", "responds"),
    [
        ("assign", None, None, "assigned", "assigned", False),
        ("answer", "Ekibimiz yarın çukuru kapatacak.", None, "answered", "answered", True),
        ("ask", "Çukur okulun hangi kapısının önünde?", None, "new", "question", True),
        ("resolve", None, None, "resolved", "resolved", True),
        (
            "reject",
            "Bu yol Büyükşehir Belediyesinin sorumluluğunda.",
            None,
            "rejected",
            "rejected",
            True,
        ),
        ("redirect", None, "park", "new", "redirected", False),
    ],
)
def test_each_action_changes_the_request_as_the_groups_button_does(
    desk_site: Site,
    db: Engine,
    config: Config,
    effects: RecordedEffects,
    action: str,
    text: str | None,
    department: str | None,
    status: str,
    kind: str,
    responds: bool,
) -> None:
    member = _member(db, 710_000_001)
    deniz = _signed_in(desk_site, member)
    road = _file(db, config, "yol", "Okul önündeki yolda derin bir çukur var.")
    page = deniz.get(f"/masa/talep/{road.id}")
    assert page.status_code == 200
    form: dict[str, Any] = {"csrf": csrf(page.text), "action": action}
    if text:
        form["text"] = "  " + text + "\n"
    if department:
        form["department"] = department
    answer = deniz.post(f"/masa/talep/{road.id}", data=form, follow_redirects=False)
    assert answer.status_code == 303

    after = _stored(db, road.id or 0)
    last = _events(db, road.id or 0)[-1]
    assert after.status == status
    assert last.kind == kind and last.actor == "staff"
    assert last.actor_telegram_id == 710_000_001 and last.text == text
    assert (after.first_response_at is not None) == responds
    assert (after.assignee_id == member.id) == (action == "assign")
    assert effects.actions == [(road.id, last.id, action, "Deniz Arslan")]
    if action == "redirect":
        assert after.department_code == "park" and last.data == {"from": "fen", "to": "park"}
        # The member no longer serves it: back to their queue, with a notice.
        assert answer.headers["location"] == "/masa/?done=redirect"
        assert "Talep yönlendirildi." in deniz.get(answer.headers["location"]).text
    else:
        shown = deniz.get(answer.headers["location"])
        notice = {
            "assign": "Bu talebi üstlendiniz.",
            "answer": "Yanıtınız gönderildi.",
            "ask": "Sorunuz gönderildi.",
            "resolve": "Talep çözüldü olarak işaretlendi.",
            "reject": "Talep reddedildi.",
        }[action]
        assert notice in shown.text
        if text:
            assert text in shown.text  # in the history


def test_the_same_action_through_core_and_the_web_leaves_the_same_rows(
    desk_site: Site, db: Engine, config: Config
) -> None:
    """The web desk calls the group's rule: an answer by either way writes identical rows."""
    member = _member(db, 710_000_001)
    deniz = _signed_in(desk_site, member)
    by_group = _file(db, config, "yol", "Birinci çukur.")
    by_web = _file(db, config, "yol", "İkinci çukur.")
    with transaction(db) as session:
        workflow.staff_action(
            session, by_group.id or 0, session.get(StaffMember, member.id), "answer", "Tamam."
        )
    token = csrf(deniz.get(f"/masa/talep/{by_web.id}").text)
    deniz.post(
        f"/masa/talep/{by_web.id}", data={"csrf": token, "action": "answer", "text": "Tamam."}
    )

    def shape(request_id: int) -> tuple[Any, ...]:
        row = _stored(db, request_id)
        events = [
            (e.kind, e.actor, e.actor_telegram_id, e.text, e.data) for e in _events(db, request_id)
        ]
        return row.status, row.assignee_id, row.first_response_at is not None, events

    assert shape(by_group.id or 0) == shape(by_web.id or 0)


def test_bad_answers_are_refused_with_the_text_kept(
    desk_site: Site, db: Engine, config: Config, effects: RecordedEffects
) -> None:
    deniz = _signed_in(desk_site, _member(db, 710_000_001))
    road = _file(db, config, "yol", "Yolda çukur var.")
    token = csrf(deniz.get(f"/masa/talep/{road.id}").text)
    url = f"/masa/talep/{road.id}"

    long = "Çok uzun bir yanıt. " * 250  # 5,000 characters
    refused = deniz.post(url, data={"csrf": token, "action": "answer", "text": long})
    assert refused.status_code == 400
    assert "Metin çok uzun (en fazla 4000 karakter)." in refused.text
    assert long in refused.text  # still in the textarea, nothing lost
    empty = deniz.post(url, data={"csrf": token, "action": "answer", "text": "   "})
    assert empty.status_code == 400 and "Lütfen bir metin yazın." in empty.text
    no_reason = deniz.post(url, data={"csrf": token, "action": "reject", "text": ""})
    assert no_reason.status_code == 400 and "Lütfen bir gerekçe yazın." in no_reason.text
    unknown = deniz.post(url, data={"csrf": token, "action": "sil", "text": "<i>x</i>"})
    assert unknown.status_code == 400 and "Bu işlem tanınmıyor." in unknown.text
    assert "&lt;i&gt;x&lt;/i&gt;" in unknown.text and "<i>x</i>" not in unknown.text
    nowhere = deniz.post(url, data={"csrf": token, "action": "redirect", "department": "yok"})
    assert nowhere.status_code == 400 and "Böyle bir birim yok." in nowhere.text
    assert [e.kind for e in _events(db, road.id or 0)] == ["created"]
    assert effects.actions == []

    # A closed request: the bot's wording, and no action buttons any more.
    deniz.post(url, data={"csrf": token, "action": "resolve"})
    again = deniz.post(url, data={"csrf": token, "action": "answer", "text": "Ek bilgi."})
    assert again.status_code == 400 and "Bu talep zaten kapatılmış." in again.text
    assert 'value="answer"' not in again.text

    english = _signed_in(desk_site, _member(db, 710_000_009, name="Ann", language="en"))
    other = _file(db, config, "yol", "Another hole.")
    token = csrf(english.get(f"/masa/talep/{other.id}").text)
    refused = english.post(
        f"/masa/talep/{other.id}", data={"csrf": token, "action": "answer", "text": ""}
    )
    assert refused.status_code == 400 and "Please write a text." in refused.text


def test_actions_need_the_sessions_csrf_token(
    desk_site: Site, db: Engine, config: Config, effects: RecordedEffects
) -> None:
    deniz = _signed_in(desk_site, _member(db, 710_000_001))
    road = _file(db, config, "yol", "Yolda çukur var.")
    for form in ({"action": "resolve"}, {"action": "resolve", "csrf": "forged"}):
        answer = deniz.post(f"/masa/talep/{road.id}", data=form)
        assert answer.status_code == 403 and "Hiçbir şey değiştirilmedi" in answer.text
    assert _stored(db, road.id or 0).status == "new" and effects.actions == []


def test_the_request_page_shows_what_staff_need_and_no_telegram_ids(
    desk_site: Site, db: Engine, config: Config
) -> None:
    member = _member(db, 710_000_001)
    deniz = _signed_in(desk_site, member)
    road = _file(
        db,
        config,
        "yol",
        "Okul önündeki yolda derin bir çukur var.\nÇocuklar düşüyor.",
        channel="cimer",
        photos=(("photo-of-the-road", "u1"),),
        address="Atatürk Cad. No: 5",
    )
    with transaction(db) as session:
        workflow.staff_action(
            session, road.id or 0, session.get(StaffMember, member.id), "ask", "Hangi kapı?"
        )
    page = deniz.get(f"/masa/talep/{road.id}")
    text = page.text
    assert f"Talep {road.number}" in text
    for shown in (
        "Şikâyet",
        "Yol, asfalt ve kaldırım",
        "Fen İşleri Müdürlüğü",
        "CİMER",
        "Atatürk Cad. No: 5",
        "05321112233",
        "Hangi kapı?",
        "soru",
    ):
        assert shown in text, shown
    assert (
        "https://www.openstreetmap.org/?mlat=41.025500&amp;mlon=29.102000#map=18/41.025500/29.102000"
        in text
    )
    with transaction(db) as session:
        photo = session.exec(select(Attachment).where(Attachment.request_id == road.id)).one()
    assert f'src="/masa/talep/{road.id}/foto/{photo.id}"' in text
    # The history names roles, never a staff member's Telegram id.
    assert "710000001" not in text and "Personel" in text
    # Dates in Turkish, in Istanbul's time.
    received = road.created_at.astimezone(config.tz)
    assert f"{received:%H:%M}" in text and str(received.year) in text


# --- Exports ---------------------------------------------------------------------------------


def test_csv_export_follows_turkish_excel_conventions(
    desk_site: Site, db: Engine, config: Config
) -> None:
    deniz = _signed_in(desk_site, _member(db, 710_000_001))
    late = _file(
        db,
        config,
        "yol",
        '=HYPERLINK("http://kotu.example","tıkla"); çukur',
        age=timedelta(days=30),
        address="Cumhuriyet Mah. 1. Sokak",
    )
    fresh = _file(db, config, "aydinlatma", "Lamba yanmıyor.\nİki gündür.", channel="telegram")
    answer = deniz.get("/masa/disa-aktar.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.headers["cache-control"] == "private, no-store"
    raw = answer.content
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")[1:]
    assert text.endswith("\r\n") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == [
        "Numara",
        "Geliş tarihi",
        "Kanal",
        "Tür",
        "Konu",
        "Müdürlük",
        "Durum",
        "Üstlenen personel",
        "Son tarih",
        "İlk yanıt tarihi",
        "Çözüm tarihi",
        "Gecikmiş",
        "Metin",
        "Adres",
    ]
    assert [row[0] for row in rows[1:]] == [late.number, fresh.number]  # overdue first
    first = rows[1]
    received = late.created_at.astimezone(config.tz)
    assert first[1] == received.strftime("%d.%m.%Y %H:%M")
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", first[8])
    assert first[2:7] == [
        "Çağrı merkezi",
        "Şikâyet",
        "Yol, asfalt ve kaldırım",
        "Fen İşleri Müdürlüğü",
        "Alındı",
    ]
    assert first[11] == "Evet" and rows[2][11] == "Hayır"
    # A citizen's text never becomes a formula in the spreadsheet.
    assert first[12].startswith("'=HYPERLINK")
    assert first[13] == "Cumhuriyet Mah. 1. Sokak"
    assert rows[2][12] == "Lamba yanmıyor.\nİki gündür."
    # The queue's filters apply.
    only = deniz.get("/masa/disa-aktar.csv?channel=telegram").content.decode("utf-8-sig")
    assert fresh.number in only and late.number not in only


def test_xlsx_export_has_real_dates_a_bold_heading_and_headers_in_english(
    desk_site: Site, db: Engine, config: Config
) -> None:
    ann = _signed_in(desk_site, _member(db, 710_000_009, name="Ann", language="en"))
    late = _file(db, config, "yol", "=1+1 hole", age=timedelta(days=30))
    answer = ann.get("/masa/disa-aktar.xlsx")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    heading = [cell.value for cell in sheet[1]]
    assert heading[:3] == ["Number", "Received at", "Channel"] and heading[-1] == "Address"
    assert all(cell.font.bold for cell in sheet[1])
    row = [cell for cell in sheet[2]]
    assert row[0].value == late.number
    received = row[1].value
    assert isinstance(received, datetime)
    local = late.created_at.astimezone(config.tz).replace(tzinfo=None)
    assert abs(received - local) < timedelta(seconds=1)
    assert row[1].number_format == "dd.mm.yyyy hh:mm"
    assert row[2].value == "Call centre" and row[5].value == "Directorate of Public Works"
    assert row[11].value == "Yes"
    assert row[12].value == "=1+1 hole" and row[12].data_type == "s"
    assert sheet.column_dimensions["M"].width == 60
