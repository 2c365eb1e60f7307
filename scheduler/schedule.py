"""The schedule: which job runs when (python-telegram-bot's JobQueue, i.e. APScheduler).

Every job is an idempotent sweep over the database, so a late, repeated or
missed run after a restart loses nothing and sends nothing twice. Times of day
come from config.toml's [schedule] and are in the municipality's time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram.ext import Application, CallbackContext, JobQueue

from common.config import Config
from db.engine import without_blocking
from handlers.council_jobs import event_reminder_sweep, no_show_sweep
from handlers.digests import daily_digest, nightly_snapshots, weekly_digest
from handlers.guard import housekeeping
from handlers.outbox import outbox_cleanup, outbox_tick
from handlers.privacy import retention_job
from handlers.sla_jobs import sla_watch
from handlers.survey import survey_sweep

Job = Callable[[CallbackContext[Any, Any, Any, Any]], Coroutine[Any, Any, None]]


class _NonBlocking:
    """Registers jobs with the job queue, each run so that its waits for PostgreSQL let
    the updates in hand go on (db.engine.without_blocking), as updates are handled."""

    def __init__(self, queue: JobQueue[Any] | None) -> None:
        assert queue is not None, "install python-telegram-bot[job-queue]"
        self.queue = queue

    def run_repeating(self, callback: Job, **kwargs: Any) -> None:
        self.queue.run_repeating(_nonblocking(callback), **kwargs)

    def run_daily(self, callback: Job, **kwargs: Any) -> None:
        self.queue.run_daily(_nonblocking(callback), **kwargs)


def _nonblocking(callback: Job) -> Job:
    @wraps(callback)
    async def job(context: CallbackContext[Any, Any, Any, Any]) -> None:
        await without_blocking(context.bot_data["deps"].engine, callback(context))

    return job


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SWEEP_SECONDS = {"sla": 300, "survey": 900, "event-reminders": 300, "no-shows": 3600,
                 "housekeeping": 3600, "outbox": 5}


def register_jobs(app: Application, config: Config) -> None:
    queue = _NonBlocking(app.job_queue)
    queue.run_repeating(sla_watch, interval=SWEEP_SECONDS["sla"], first=30, name="sla")
    queue.run_repeating(survey_sweep, interval=SWEEP_SECONDS["survey"], first=60,
                        name="survey")
    queue.run_repeating(event_reminder_sweep, interval=SWEEP_SECONDS["event-reminders"],
                        first=45, name="event-reminders")
    queue.run_repeating(no_show_sweep, interval=SWEEP_SECONDS["no-shows"], first=120,
                        name="no-shows")
    # The outbox: a tick at boot resumes what a stopped or crashed process left, and one
    # every 5 s catches retries that came due. New batches do not wait for it (their
    # handler wakes the worker at once); an idle tick is two indexed reads, and a tick
    # during a drain only asks it to look again (handlers.outbox).
    queue.run_repeating(outbox_tick, interval=SWEEP_SECONDS["outbox"], first=1, name="outbox")
    queue.run_repeating(housekeeping, interval=SWEEP_SECONDS["housekeeping"], first=300,
                        name="housekeeping")
    schedule, tz = config.schedule, config.tz
    queue.run_daily(daily_digest, time=schedule.daily_digest.replace(tzinfo=tz),
                    name="digest-daily")
    # JobQueue counts days from 0 = Sunday.
    weekday = (WEEKDAYS.index(schedule.weekly_digest_day) + 1) % 7
    queue.run_daily(weekly_digest, time=schedule.weekly_digest.replace(tzinfo=tz),
                    days=(weekday,), name="digest-weekly")
    queue.run_daily(nightly_snapshots, time=schedule.indicator_snapshot.replace(tzinfo=tz),
                    name="indicator-snapshots")
    queue.run_daily(outbox_cleanup, time=schedule.indicator_snapshot.replace(tzinfo=tz),
                    name="outbox-cleanup")
    queue.run_daily(retention_job, time=schedule.indicator_snapshot.replace(tzinfo=tz),
                    name="kvkk-retention")
