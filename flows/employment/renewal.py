"""The yearly question to an idle job seeker (core.employment.renewal): keep the CV, pause
it, or delete it. The answers reuse My CV's pause and delete."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from common.i18n import Translator
from core.employment import renewal
from core.refusals import Refused
from db.models import Citizen
from flows.employment import actions as a
from flows.employment.seeker import my_cv, stored_cv
from flows.screen import Screen


def question(t: Translator, erase_on: datetime, tz: ZoneInfo) -> Screen:
    text = t._(
        "💼 <b>Are you still looking for a job?</b>\n\n"
        "Your CV at the employment centre has had no activity for a long time. If you "
        "want the centre to keep looking for jobs for you, keep it. Otherwise it will be "
        "deleted on {date}."
    ).format(date=t.date(erase_on.astimezone(tz).date()))
    return Screen(
        text,
        (
            (a.Renew().choice(t._("✅ Keep my CV")),),
            (a.Pause("y").choice(t._("⏸ Not looking for now")),),
            (a.Delete().choice(t._("🗑 Delete my CV")),),
        ),
    )


def renewed(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
    """✅ Keep my CV: My CV, with a word of thanks above it."""
    seeker = stored_cv(session, citizen)
    if seeker is None:
        raise Refused("no_cv")
    renewal.renew(session, seeker, now)
    screen = my_cv(session, citizen, t)
    return Screen(t._("✅ Thank you: your CV stays.") + "\n\n" + screen.text, screen.choices)
