"""Goal 4.3.1 in the nightly snapshots and in the staff digest ("İstihdam Merkezi")."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from common.config import Config
from common.i18n import translator
from core import digests, indicators
from core.employment import registry
from core.periods import period
from db.engine import transaction
from db.models import IndicatorSnapshot, JobSeeker, Referral
from handlers.digests import render, render_centre
from tests.builders import citizen_of, make_citizen, table

IST = ZoneInfo("Europe/Istanbul")


def _seekers_and_referrals(engine: Engine, day: datetime) -> None:
    """Three new CVs that day; four referrals, two people with a job found (one of them
    twice, counted once) and one of them started."""
    with transaction(engine) as session:
        session.execute(
            insert(table(JobSeeker)),
            [
                {"id": n, "registered_at": day, "experience": [], "languages": [], "paused": False}
                for n in (1, 2, 3)
            ],
        )
        found = day + timedelta(hours=2)
        session.execute(
            insert(table(Referral)),
            [
                {
                    "seeker_id": seeker,
                    "status": status,
                    "referred_at": day,
                    "updated_at": day,
                    "job_found_at": found if status != "referred" else None,
                    "started_at": found if status == "started" else None,
                }
                for seeker, status in (
                    (1, "started"),
                    (1, "job_found"),
                    (2, "job_found"),
                    (3, "referred"),
                )
            ],
        )


def test_a_snapshot_carries_goal_431_and_one_stored_before_it_still_loads(
    db: Engine, config: Config
) -> None:
    span = period("month", date(2025, 3, 1), IST)
    _seekers_and_referrals(db, datetime(2025, 3, 3, 10, tzinfo=IST))
    with transaction(db) as session:
        stored = indicators.store_snapshot(session, config, span, datetime(2025, 4, 2, tzinfo=UTC))
    with transaction(db) as session:
        jobs = indicators.employment_snapshot(session, "month", span.start)
        assert indicators.snapshot(session, "month", span.start) == stored
    assert jobs is not None
    assert (jobs.people_started, jobs.people_job_found, jobs.referrals, jobs.new_cvs) == (
        1,
        2,
        4,
        3,
    )
    # Trainings and the fair come from the event engine: none held in this month.
    assert jobs.starter_rate == 0.5 and (jobs.trainings, jobs.job_fair_hires) == (0, 0)
    assert jobs.target("people_started") == 750  # the year's target, from config.toml
    # Plain JSON, as stored.
    assert type(jobs).from_dict(json.loads(json.dumps(jobs.to_dict()))) == jobs

    # A snapshot written before goal 4.3.1 was (no "employment" key) loads as before.
    snapshots = table(IndicatorSnapshot)
    with transaction(db) as session:
        data = session.execute(select(snapshots.c.data)).scalar_one()
        del data["employment"]
        session.execute(update(snapshots).values(data=data))
    with transaction(db) as session:
        assert indicators.snapshot(session, "month", span.start) == stored
        assert indicators.employment_snapshot(session, "month", span.start) is None


def test_the_digest_shows_the_employment_centre_block(db: Engine, config: Config) -> None:
    now = datetime(2025, 3, 4, 8, 30, tzinfo=IST)
    _seekers_and_referrals(db, datetime(2025, 3, 3, 10, tzinfo=IST))
    with transaction(db) as session:
        daily = digests.build(session, config, "daily", now)
        today = digests.build(session, config, "today", now)
    text = render(translator("tr"), daily, IST)
    block = text[text.index("<b>İstihdam Merkezi</b>") :].splitlines()[:6]
    assert block == [
        "<b>İstihdam Merkezi</b>",
        "İşe başlayan kişiler: 1",
        "İş bulunan kişiler: 2",
        "İşe yönlendirmeler: 4",
        "Yeni özgeçmişler: 3",
        "Yapılan eğitimler: 0",
    ]
    assert "İstihdam fuarı" not in text  # no fair held
    assert "Employment centre" in render(translator("en"), daily, IST)
    # /ozet covers today: nothing happened at the centre yet.
    assert "İşe yönlendirmeler: 0" in render(translator("tr"), today, IST)


def test_the_centres_own_digest_has_its_figures_and_what_waits_on_its_desk(
    db: Engine, config: Config
) -> None:
    now = datetime(2025, 3, 4, 8, 30, tzinfo=IST)
    _seekers_and_referrals(db, datetime(2025, 3, 3, 10, tzinfo=IST))
    owner = make_citizen(db, 7301)
    with transaction(db) as session:
        registry.register_employer(
            session,
            citizen_of(session, owner),
            name="Deniz Lokanta",
            tax_number="4540536920",
            sector="Yiyecek",
            district="Merkez",
            contact_name="Ali Deniz",
            contact_phone="+905321112244",
            now=now,
        )
        daily = digests.build(session, config, "daily", now)
    text = render_centre(translator("tr"), daily, IST)
    assert text.splitlines() == [
        "💼 <b>İstihdam Merkezi · günlük özet</b> · 3 Mart 2025",
        "İşe başlayan kişiler: 1",
        "İş bulunan kişiler: 2",
        "İşe yönlendirmeler: 4",
        "Yeni özgeçmişler: 3",
        "Yapılan eğitimler: 0",
        "",
        "Doğrulanacak firma: 1 · onay bekleyen ilan: 0",
        "Personel masası için /istihdam yazın.",
    ]
    assert "Deniz" not in text  # counts only, nothing of a firm
