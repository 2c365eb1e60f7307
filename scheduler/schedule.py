"""The schedule: which job runs when (python-telegram-bot's JobQueue, i.e. APScheduler).

Every job is an idempotent sweep over the database, so a late, repeated or
missed run after a restart loses nothing and sends nothing twice.
"""

from __future__ import annotations

from telegram.ext import Application

from handlers.sla_jobs import mark_overdue_cards

OVERDUE_SWEEP_SECONDS = 300


def register_jobs(app: Application) -> None:
    assert app.job_queue is not None, "install python-telegram-bot[job-queue]"
    app.job_queue.run_repeating(mark_overdue_cards, interval=OVERDUE_SWEEP_SECONDS, first=30,
                                name="sla:overdue-cards")
