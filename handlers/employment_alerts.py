"""Vacancy alerts in Telegram (issue 17): the 🔔 Job alerts screen of "My CV", the
buttons under every alert (🔕 Stop alerts, the other rhythm), and the two jobs that put
the alerts core.employment.alerts recorded into the announcement outbox, which sends
them through the bulk line, behind replies to people who are chatting.

- `job-alerts` every few seconds: the alerts of seekers who want each one at once (a
  vacancy approved a moment ago is out within seconds); an idle run is one indexed read.
  A handler that approves a vacancy (core.employment.registry.approve_vacancy) may
  `await send_instant(context)` after its transaction to start them at once.
- `job-alerts-daily` at [schedule] job_alerts: each "daily" seeker's summary.

Both are sweeps over the database (a missed run loses nothing: the next one finds the
alerts still waiting), and each alert is marked sent in the transaction that queues it, so
nobody is told twice. What alerts say is flows.employment.alerts'; the rows are part of
the employment centre's personal data (handlers/employment.py)."""

from __future__ import annotations

import logging

from telegram import Update

from core.refusals import Refused
from db.engine import transaction
from db.types import utcnow
from flows.employment import alert_actions as ea
from flows.employment import alerts as flow
from flows.employment.screens import refusal
from handlers import render
from handlers.buttons import Buttons
from handlers.common import KentContext
from handlers.feature import Daily, Every, Feature
from handlers.outbox import wake

log = logging.getLogger("kentbot.employment")


async def _not_found(update: Update, context: KentContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(refusal(context.texts(), "not_found"), show_alert=True)


buttons = Buttons("ea", invalid=_not_found)


@buttons.on(ea.AlertSettings)
async def settings(update: Update, context: KentContext, button: ea.AlertSettings) -> None:
    await render.press(
        update,
        context,
        lambda session, citizen, t, now: flow.settings(session, citizen, t),
        refusal,
    )


@buttons.on(ea.SetAlerts)
async def choose(update: Update, context: KentContext, button: ea.SetAlerts) -> None:
    await render.press(
        update,
        context,
        lambda session, citizen, t, now: flow.choose(session, citizen, t, button.mode),
        refusal,
    )


@buttons.on(ea.FromAlert)
async def from_alert(update: Update, context: KentContext, button: ea.FromAlert) -> None:
    """Under an alert: the alert stays as it is (it still says what the job was), and the
    new choice is confirmed in a message of its own."""
    query = update.callback_query
    assert query is not None
    refused: str | None = None
    with context.citizen_transaction() as (session, citizen, t):
        try:
            screen = flow.from_alert(session, citizen, t, button.mode)
        except Refused as exc:  # no CV any more (deleted since the alert)
            session.rollback()
            refused = refusal(t, exc.reason)
    if refused is not None:
        await query.answer(refused, show_alert=True)
        return
    await query.answer()
    await render.present(update, screen)


async def send_instant(context: KentContext) -> None:
    """New alerts of "instant" seekers into the outbox, and the outbox woken."""
    now = utcnow()
    with transaction(context.engine) as session:
        queued = flow.queue_instant(session, now, now.astimezone(context.config.tz).date())
    if queued:
        log.info("queued %d job alert(s)", queued)
        wake(context.application)


async def send_daily(context: KentContext) -> None:
    """Each "daily" seeker's summary into the outbox."""
    now = utcnow()
    with transaction(context.engine) as session:
        queued = flow.queue_daily(session, now, now.astimezone(context.config.tz).date())
    if queued:
        log.info("queued %d daily job alert summaries", queued)
        wake(context.application)


FEATURE = Feature(
    name="employment-alerts",
    handlers=(buttons.handler(),),
    jobs=(
        Every("job-alerts", send_instant, seconds=5, first=2),
        Daily("job-alerts-daily", send_daily, at=lambda schedule: schedule.job_alerts),
    ),
)
