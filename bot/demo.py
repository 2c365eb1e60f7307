"""`kentbot demo`: the bot and the Bot API emulator together, chatted with from the terminal.

No token and no network: the emulator plays Telegram on 127.0.0.1, the bot
runs on a fresh SQLite database with a few sample requests, and the person at
the keyboard is a citizen who has not yet accepted the KVKK notice. `:as coordinator`
and `:as admin` speak in their own private chats (/etkinlik_ekle, /yoklama, /duyuru,
/kayit, /personel); with --staff, `:as staff` is a supervisor in the staff group that
every department shares in the demo.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import select

from common.config import DEFAULT_DATA_DIR, Config
from core import citizens, council, intake, staff, survey, workflow
from core.sla import without_card
from core.working_time import WorkingCalendar
from db.engine import make_engine, transaction
from db.models import CallCentreDay, ProcessedUpdate, Request
from db.types import utcnow
from emulator.client import EmulatorClient, SimGroup, SimUser
from emulator.server import start_in_thread
from emulator.terminal import Persona, chat_in_terminal
from handlers.delivery import post_card

DEMO_TOKEN = "100000001:DEMO"
DEMO_DATABASE = DEFAULT_DATA_DIR / "demo.sqlite"


def demo_config(config: Config, group_id: int) -> Config:
    """Every department's requests go to the one demo staff group."""
    return config.model_copy(
        update={
            "departments": [d.model_copy(update={"chat_id": group_id}) for d in config.departments],
            "bot": config.bot.model_copy(update={"supervisors_chat_id": group_id}),
            "digests": config.digests.model_copy(update={"recipients": [group_id]}),
        }
    )


def seed_sample_data(
    engine: Engine,
    config: Config,
    citizen: SimUser,
    supervisor: SimUser,
    coordinator: SimUser,
    admin: SimUser,
) -> None:
    """Two earlier requests of the demo citizen, so /taleplerim has something to show,
    two upcoming events, a week of call-centre figures, and the staff who act in it."""
    calendar = WorkingCalendar.from_config(config)
    now = utcnow()
    with transaction(engine) as session:
        staff.upsert(session, supervisor.id, "supervisor", None, name="Demo Personel")
        staff.upsert(session, coordinator.id, "coordinator", "kent_konseyi", name="Selin Kaya")
        staff.upsert(session, admin.id, "admin", None, name="Bilgi İşlem")
        person = citizens.get_or_create(session, citizen.id, "tr")
        person.first_name = citizen.first_name
        person.consent_at = now - timedelta(days=10)  # for the samples; withdrawn below
        samples = [
            (
                "talep",
                "park",
                "Mahallemizdeki parka gölgelik yapılabilir mi?",
                9,
                [("answer", "Talebiniz 2027 yatırım programına alındı."), ("resolve", None)],
            ),
            (
                "sikayet",
                "yol",
                "Atatürk Caddesi 15 önünde kaldırım taşları kırık.",
                3,
                [("assign", None), ("answer", "Ekiplerimiz bu hafta onarım yapacak.")],
            ),
        ]
        for kind, category, text, days_ago, actions in samples:
            draft = intake.start(session, person)
            intake.set_type(session, draft, kind)
            intake.set_category(session, draft, category)
            intake.set_text(session, draft, text)
            draft.step = "summary"
            filed = intake.submit(
                session, person, draft, calendar, now=now - timedelta(days=days_ago)
            )
            session.flush()
            assert filed.request.id is not None
            for offset, (action, answer) in enumerate(actions, start=1):
                workflow.staff_action(
                    session,
                    filed.request.id,
                    staff.active_member(session, supervisor.id),
                    action,
                    answer,
                    now=now - timedelta(days=days_ago) + timedelta(hours=offset),
                )
            # The resolved sample's survey counts as asked days ago: it must not pop up in
            # the middle of whatever the person at the keyboard is doing.
            survey.claim(session, filed.request.id, now - timedelta(days=days_ago - 1))
        # The consent goes again, so that the first /talep shows the KVKK notice, as it
        # does to anyone the first time.
        person.consent_at = None
        # Two upcoming City Council events, so /etkinlikler has something to show.
        for days, assembly, title, place, capacity in (
            (3, "kadin", "Kadın sağlığı semineri", "Kültür Merkezi Salon 2", 40),
            (6, "genclik", "Gençlik buluşması: kentimiz için fikirler", "Gençlik Merkezi", 2),
        ):
            start = (
                (now + timedelta(days=days))
                .astimezone(config.tz)
                .replace(hour=14, minute=0, second=0, microsecond=0)
            )
            council.create_event(
                session,
                staff.active_member(session, supervisor.id),
                assembly,
                title,
                "",
                start,
                start + timedelta(hours=2),
                place,
                capacity,
                None,
                False,
                now=now,
            )
        for back in range(1, 8):
            day = (now - timedelta(days=back)).date()
            session.merge(
                CallCentreDay(day=day, total=560, information=260, application=230, missed=70)
            )


def run_demo(config: Config, staff: bool = False, database_url: str | None = None) -> int:
    from bot.app import build_application, prepare_database
    from bot.runner import BotThread
    from bot.site import web_server
    from web.server import available, free_port

    # The terminal is the user interface: keep the log quiet unless something is wrong.
    logging.getLogger().setLevel(logging.WARNING)
    if database_url is None:
        Path(DEMO_DATABASE).unlink(missing_ok=True)
        database_url = f"sqlite:///{DEMO_DATABASE}"
    server = start_in_thread()
    client = EmulatorClient(server.base_url)
    client.create_bot(token=DEMO_TOKEN, username="kentbot_demo", first_name="Kent Bot")
    citizen = client.create_user(first_name="Ayşe", last_name="Yılmaz", language_code="tr")
    supervisor = client.create_user(first_name="Demo", last_name="Personel", language_code="tr")
    coordinator = client.create_user(first_name="Selin", last_name="Kaya", language_code="tr")
    admin = client.create_user(first_name="Bilgi", last_name="İşlem", language_code="tr")
    group: SimGroup = client.create_group("Belediye personel grubu", members=[supervisor])
    wired = demo_config(config, group.id)
    # The configured address, or a free port when something else has it already; the
    # staff's /panel links point at whichever it is.
    if not available(wired.web.listen):
        web = wired.web.model_copy(update={"listen": f"127.0.0.1:{free_port()}", "public_url": ""})
        wired = wired.model_copy(update={"web": web})
    engine = make_engine(database_url)
    prepare_database(engine, wired)
    with transaction(engine) as session:
        # A database kept from an earlier run (--database-url): the emulator is new and
        # numbers its updates from the start again, and the bot would take them for ones it
        # has handled; its samples are there already.
        session.execute(delete(ProcessedUpdate))
        kept = session.exec(select(Request.id).limit(1)).first() is not None
    if not kept:
        seed_sample_data(engine, wired, citizen, supervisor, coordinator, admin)
    app = build_application(wired, engine, DEMO_TOKEN, server.api_url, rate_limit=False)
    site = web_server(app, engine, wired, bot_username="kentbot_demo")
    bot = BotThread(app, site).start()
    # The sample requests' cards, now, before the chat starts: the SLA sweep would post
    # them a minute later, in the middle of whatever is being tried.
    with transaction(engine) as session:
        missing = without_card(session, utcnow(), timedelta(0))
    for request_id in missing:
        bot.run(post_card(app.bot, engine, wired, request_id))
    print("Kent Bot demo — Telegram emulator on", server.base_url)
    print("The web application (dashboard, Open311, staff desk):", site.url)
    print("Staff sign in to the desk in a browser with the link /panel gives (:as admin).")
    print("You are Ayşe, a citizen. Type /start. Type :help for the demo's commands.")
    print(
        ":as coordinator is Selin, a City Council coordinator (/etkinlik_ekle, /yoklama, "
        "/duyuru); :as admin may /kayit and /personel; :as citizen comes back."
    )
    if staff:
        print("With :as staff you act as a supervisor in the staff group.")
    others = (Persona("coordinator", coordinator), Persona("admin", admin))
    try:
        chat_in_terminal(
            client,
            citizen,
            group if staff else None,
            staff=supervisor if staff else None,
            others=others,
        )
    finally:
        bot.stop()
        server.stop()
        engine.dispose()
    return 0
