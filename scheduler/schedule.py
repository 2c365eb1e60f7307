"""The schedule: the features' jobs on python-telegram-bot's JobQueue (APScheduler).

Every job is an idempotent sweep over the database, so a late, repeated or
missed run after a restart loses nothing and sends nothing twice. Times of day
come from config.toml's [schedule] and are in the municipality's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import wraps
from typing import Any

from telegram.ext import Application, JobQueue

from common.config import Config
from db.engine import without_blocking
from handlers.common import KentContext
from handlers.feature import Every, Feature, JobCallback


class _NonBlocking:
    """Registers jobs with the job queue, each run so that its waits for PostgreSQL let
    the updates in hand go on (db.engine.without_blocking), as updates are handled."""

    def __init__(self, queue: JobQueue[Any] | None) -> None:
        assert queue is not None, "install python-telegram-bot[job-queue]"
        self.queue = queue

    def run_repeating(self, callback: JobCallback, **kwargs: Any) -> None:
        self.queue.run_repeating(_nonblocking(callback), **kwargs)

    def run_daily(self, callback: JobCallback, **kwargs: Any) -> None:
        self.queue.run_daily(_nonblocking(callback), **kwargs)


def _nonblocking(callback: JobCallback) -> JobCallback:
    @wraps(callback)
    async def job(context: KentContext) -> None:
        await without_blocking(context.engine, callback(context))

    return job


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def register_jobs(app: Application, config: Config, features: Sequence[Feature]) -> None:
    """Puts every feature's jobs on the job queue: sweeps every so many seconds, the rest at
    the times of config.toml's [schedule], in the municipality's time zone."""
    queue = _NonBlocking(app.job_queue)
    schedule, tz = config.schedule, config.tz
    for job in (job for feature in features for job in feature.jobs):
        if isinstance(job, Every):
            queue.run_repeating(job.callback, interval=job.seconds, first=job.first, name=job.name)
        elif job.weekday is None:
            queue.run_daily(job.callback, time=job.at(schedule).replace(tzinfo=tz), name=job.name)
        else:
            # JobQueue counts days from 0 = Sunday.
            day = (WEEKDAYS.index(job.weekday(schedule)) + 1) % 7
            queue.run_daily(
                job.callback, time=job.at(schedule).replace(tzinfo=tz), days=(day,), name=job.name
            )
