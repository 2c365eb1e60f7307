"""The bot under test: a running Kent Bot wired to the Bot API emulator, with a staff group
per department, started and stopped on its own event loop in a thread."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from common.config import Config
from emulator.client import EmulatorClient, SimGroup, SimUser
from emulator.server import RunningEmulator
from tests.wiring import with_staff_groups

# The bot of the `emu` fixture, for tests that call the Bot API themselves.
BOT_TOKEN = "123456:TEST"


@dataclass
class Kent:
    """A running Kent Bot wired to the emulator, with a staff group per department."""

    emu: EmulatorClient
    engine: Engine
    config: Config
    groups: dict[str, SimGroup]
    supervisors: SimGroup
    app: Any = None
    thread: Any = None
    # The web application on the bot's loop (start_kent(web=True)); its url is site.url.
    site: Any = None

    def run_job(self, job: Any) -> None:
        """Run a scheduled job's callback now, on the bot's event loop."""
        self.thread.run(job(self.app.context_types.context(self.app)))

    def citizen(
        self,
        first_name: str = "Ayşe",
        language_code: str | None = "tr",
        last_name: str | None = "Yılmaz",
    ) -> SimUser:
        return self.emu.create_user(
            first_name=first_name, last_name=last_name, language_code=language_code
        )

    def staff(
        self, department: str | None, role: str = "staff", first_name: str = "Mehmet"
    ) -> SimUser:
        """A staff member, recorded in the database and added to the department's group."""
        from core import staff as staff_core
        from db.engine import transaction

        user = self.emu.create_user(first_name=first_name, last_name="Kaya", language_code="tr")
        group = self.groups.get(department or "", self.supervisors)
        group.add_member(user)
        with transaction(self.engine) as session:
            staff_core.upsert(session, user.id, role, department, name=f"{first_name} Kaya")
        return user


def start_kent(
    emulator_server: RunningEmulator,
    db: Engine,
    config: Config,
    rate_limit: bool = False,
    features: Any = None,
    web: bool = False,
) -> tuple[Kent, Any]:
    """The bot wired to a freshly reset emulator; returns the harness and its thread.
    `features`: another feature list than the bot's (handlers/features.py)."""
    from bot.app import build_application
    from bot.runner import BotThread
    from bot.site import web_server
    from core.reference_data import sync_reference_data
    from db.engine import transaction
    from handlers.features import FEATURES

    emu = EmulatorClient(emulator_server.base_url)
    emu.reset()
    token = f"{uuid.uuid4().int % 10**9}:TEST"
    emu.create_bot(token=token, username="kentbot_test", first_name="Kent Bot")
    groups = {
        d.code: emu.create_group(f"{d.name.tr} — personel")
        for d in config.departments
        if d.chat_id is not None
    }
    supervisors = emu.create_group("Amirler")
    wired = with_staff_groups(config, {code: g.id for code, g in groups.items()}, supervisors.id)
    if web:
        # A free port known before the bot starts, so that its links (/panel) point at it.
        from web.server import free_port

        listen = f"127.0.0.1:{free_port()}"
        wired = wired.model_copy(
            update={"web": wired.web.model_copy(update={"listen": listen, "public_url": ""})}
        )
    with transaction(db) as session:
        sync_reference_data(session, wired)
    app = build_application(
        wired,
        db,
        token,
        emulator_server.api_url,
        rate_limit=rate_limit,
        collect_errors=True,
        features=features or FEATURES,
    )
    site = web_server(app, db, wired, bot_username="kentbot_test") if web else None
    thread = BotThread(app, site).start()
    harness = Kent(
        emu=emu,
        engine=db,
        config=wired,
        groups=groups,
        supervisors=supervisors,
        app=app,
        thread=thread,
        site=site,
    )
    return harness, thread


def stop_kent(harness: Kent) -> None:
    """Stops the bot and fails the test if any of its handlers failed meanwhile."""
    harness.thread.stop()
    harness.emu.close()
    errors = harness.app.bot_data["deps"].errors
    assert not errors, f"handler errors: {errors!r}"


@contextmanager
def running_kent(emulator_server: RunningEmulator, db: Engine, config: Config) -> Iterator[Kent]:
    harness, _ = start_kent(emulator_server, db, config)
    try:
        yield harness
    finally:
        stop_kent(harness)
