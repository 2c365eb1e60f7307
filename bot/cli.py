"""The `kentbot` command: run, demo, check, db upgrade, backup, restore, status, emulator…"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot import service
from common.config import (
    DEFAULT_CONFIG_PATH,
    Config,
    ConfigError,
    default_api_url,
    default_database_url,
    load_config,
)
from emulator.options import add_arguments as add_emulator_arguments

log = logging.getLogger("kentbot")
# The number of new requests from which `kentbot import` suggests the grant that lets
# PostgreSQL check an import's references once (docs/operations.md, Importing).
LARGE_IMPORT = 100_000


def setup_logging() -> None:
    """One line per record, with its level and logger name (bot/logs.py)."""
    from bot import logs

    logs.setup()


def _config(path: str | None) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"kentbot: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import build_application, prepare_database
    from bot.health import Heart
    from bot.leadership import leading, step_down, step_down_when_lost, take_epoch
    from bot.site import web_server
    from common.config import read_database_url
    from db.engine import make_engine
    from db.replica import reads_for

    config = _config(args.config)
    token = os.environ.get("KENTBOT_TOKEN", "")
    if not token:
        print(
            "kentbot: KENTBOT_TOKEN is not set. Put the token BotFather gave you in the "
            "environment (export KENTBOT_TOKEN=...), or try the bot offline with `make demo`.",
            file=sys.stderr,
        )
        return 2
    webhook = None
    if args.webhook:
        try:
            webhook = _webhook(args.webhook, args.listen)
        except ValueError as exc:
            print(f"kentbot: {exc}", file=sys.stderr)
            return 2
    engine = make_engine(args.database_url or default_database_url())
    api_url = args.api_url or default_api_url()
    # Only the instance holding leadership talks to Telegram and runs jobs; others stand by.
    # It migrates too: two fresh instances would race on CREATE TABLE, and a standby of a
    # newer version must not change the schema or reference data under a running leader.
    # Its heartbeat (bot/health.py) tells `kentbot status` it leads or stands by.
    heart = Heart(engine, "webhook" if webhook else "polling")
    try:
        with leading(engine, on_wait=heart.standing_by) as leadership:
            prepare_database(engine, config)
            reads = reads_for(engine, read_database_url())
            if reads.replica is not None:
                reads.check()  # once now, so that the first heavy read knows where to go
            fence = take_epoch(engine, heart.instance)
            app = build_application(
                config,
                engine,
                token,
                api_url,
                reads=reads,
                fence=fence,
                deposed=lambda: step_down(leadership, "deposed by a newer leader"),
            )
            step_down_when_lost(app, leadership)
            heart.start(app)
            log.info("Kent Bot talks to %s", api_url.split("/bot")[0])
            # A container listens on all its interfaces (deploy/compose.yaml) without a
            # config of its own: the environment may say where.
            listen = os.environ.get("KENTBOT_WEB_LISTEN") or config.web.listen
            site = web_server(app, engine, config, listen) if config.web.enabled else None
            service.run(app, webhook, site)
    finally:
        heart.stop()
    return 1 if leadership.lost else 0  # non-zero: a supervisor restarts it as a standby


def _webhook(url: str, listen: str | None) -> service.Webhook:
    import secrets
    from urllib.parse import urlsplit

    if urlsplit(url).scheme not in ("https", "http"):
        raise ValueError(f"--webhook {url!r} is not an http(s) URL")
    host, _, port = (listen or "127.0.0.1:8443").rpartition(":")
    if not port.isdigit():
        raise ValueError(f"--listen {listen!r} must look like 127.0.0.1:8443")
    # Telegram sends the secret with every update; a new one each start is fine, because
    # setWebhook registers it again.
    secret = os.environ.get("KENTBOT_WEBHOOK_SECRET") or secrets.token_urlsafe(32)
    return service.Webhook(url=url, host=host or "127.0.0.1", port=int(port), secret=secret)


def cmd_db(args: argparse.Namespace) -> int:
    from bot.app import prepare_database
    from db.engine import make_engine

    config = _config(args.config)
    engine = make_engine(args.database_url or default_database_url())
    prepare_database(engine, config)
    print("database schema is up to date")
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    from bot.app import prepare_database
    from core import staff
    from core.codes import STAFF_ROLES
    from core.refusals import Refused
    from db.engine import make_engine, transaction

    engine = make_engine(args.database_url or default_database_url())
    prepare_database(engine, _config(args.config))
    try:
        with transaction(engine) as session:
            if args.action == "list":
                for member in staff.listing(session):
                    print(
                        f"{member.telegram_id}\t{member.role}\t"
                        f"{member.department_code or '-'}\t{member.name or ''}"
                    )
            elif args.action == "add":
                member = staff.upsert(
                    session, args.telegram_id, args.role, args.department, args.name
                )
                print(
                    f"{member.telegram_id} is now {member.role}"
                    + (f" of {member.department_code}" if member.department_code else "")
                )
            elif args.action == "remove":
                if not staff.remove(session, args.telegram_id):
                    print(f"{args.telegram_id} is not an active staff member", file=sys.stderr)
                    return 1
                print(f"{args.telegram_id} is no longer staff")
    except Refused as exc:
        hints = {
            "unknown_role": f"roles: {', '.join(STAFF_ROLES)}",
            "unknown_department": "see [[departments]] in config.toml",
            "department_required": "staff and coordinators need --department",
        }
        print(
            f"kentbot staff: {exc.reason.replace('_', ' ')} ({hints.get(exc.reason, '')})",
            file=sys.stderr,
        )
        return 2
    return 0


def cmd_api_key(args: argparse.Namespace) -> int:
    """Open311 keys: made (the key shown this once), listed, revoked."""
    from bot.app import prepare_database
    from core import api_keys
    from core.codes import CHANNELS
    from core.refusals import Refused
    from db.engine import make_engine, transaction

    engine = make_engine(args.database_url or default_database_url())
    prepare_database(engine, _config(args.config))
    try:
        with transaction(engine) as session:
            if args.action == "add":
                row, key = api_keys.create(session, args.name, args.channel, args.rate)
                print(
                    f"API key {row.name} (channel {row.channel}, {row.rate_per_minute} posts "
                    "a minute). Give it to the application; it is not shown again:"
                )
                print(key)
            elif args.action == "list":
                for row in api_keys.listing(session):
                    state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
                    used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
                    print(
                        f"{row.name}\t{row.channel}\t{row.rate_per_minute}/min\t{state}\t"
                        f"last used {used}"
                    )
            elif not api_keys.revoke(session, args.name):
                print(f"kentbot api-key: no active key is named {args.name}", file=sys.stderr)
                return 1
            else:
                print(f"API key {args.name} is revoked")
    except Refused as exc:
        hints = {
            "bad_name": "lower-case letters, digits, '.', '_' and '-', at most 64",
            "unknown_channel": f"channels: {', '.join(c for c in CHANNELS if c != 'telegram')}",
            "bad_rate": f"1 to {api_keys.MAX_RATE} posts a minute",
            "name_taken": "revoked keys keep their names; choose another",
        }
        print(
            f"kentbot api-key: {exc.reason.replace('_', ' ')} ({hints.get(exc.reason, '')})",
            file=sys.stderr,
        )
        return 2
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.app import prepare_database
    from core.imports import ImportFailed, References, import_calls, import_requests
    from db.engine import make_engine

    config = _config(args.config)
    engine = make_engine(args.database_url or default_database_url())
    prepare_database(engine, config)
    path = Path(args.file)
    if not path.is_file():
        print(f"kentbot import: no such file: {path}", file=sys.stderr)
        return 2
    try:
        if args.kind == "requests":
            report = import_requests(engine, config, path)
            print(
                f"{path.name}: {report.rows} rows, {report.added} requests added, "
                f"{report.updated} updated, {report.unchanged} unchanged"
            )
            if report.references is References.NOT_ALLOWED and report.added >= LARGE_IMPORT:
                print(
                    "note: PostgreSQL checked each new request's topic and department row "
                    "by row; granting the database role SET on session_replication_role "
                    "makes large imports faster (docs/operations.md, Importing)"
                )
        elif args.kind == "calls":
            report = import_calls(engine, path)
            print(
                f"{path.name}: {report.rows} days, {report.added} added, "
                f"{report.updated} updated, {report.unchanged} unchanged"
            )
        else:
            from core.employment import imports as employment

            load, what = {
                "jobseekers": (employment.import_jobseekers, "job seekers"),
                "employers": (employment.import_employers, "employers"),
                "referrals": (employment.import_referrals, "referrals"),
            }[args.kind]
            report = load(engine, config, path)
            print(
                f"{path.name}: {report.rows} rows, {report.added} {what} added, "
                f"{report.skipped_existing} already imported"
            )
    except ImportFailed as exc:
        print(
            f"kentbot import: {path.name} was not imported; fix these rows and run again:",
            file=sys.stderr,
        )
        for error in exc.errors:
            column = f" {error.column}" if error.column else ""
            print(f"  row {error.row}{column}: {error.message}", file=sys.stderr)
        return 1
    return 0


def cmd_event(args: argparse.Namespace) -> int:
    from bot.app import prepare_database
    from core import council, staff
    from core.dates import parse_local_datetime
    from core.refusals import Refused
    from db.engine import make_engine, transaction
    from db.types import utcnow

    config = _config(args.config)
    engine = make_engine(args.database_url or default_database_url())
    prepare_database(engine, config)
    if args.action == "list":
        with transaction(engine) as session:
            for item in council.upcoming_events(session, utcnow(), args.assembly):
                event = item.event
                start = event.starts_at.astimezone(config.tz).strftime("%d.%m.%Y %H:%M")
                print(
                    f"{event.id}\t{event.assembly_code}\t{start}\t{event.title}\t"
                    f"{item.seats_left}/{event.capacity} seats left\t{item.waiting} waiting"
                )
        return 0
    if not config.bot.admins:
        print("kentbot event: add an admin to [bot] admins in config.toml first", file=sys.stderr)
        return 2
    try:
        starts = parse_local_datetime(args.start, config.tz)
        ends = parse_local_datetime(args.end, config.tz)
        deadline = parse_local_datetime(args.deadline, config.tz) if args.deadline else None
    except ValueError as exc:
        print(f"kentbot event: {exc}; write times like 25.12.2026 14:00", file=sys.stderr)
        return 2
    try:
        with transaction(engine) as session:
            # The command line is the municipality's own IT: it acts as the first admin.
            event = council.create_event(
                session,
                staff.active_member(session, config.bot.admins[0]),
                args.assembly,
                args.title,
                args.description,
                starts,
                ends,
                args.place,
                args.capacity,
                deadline,
                args.members_only,
                now=utcnow(),
            )
            event_id = event.id
    except Refused as exc:
        print(f"kentbot event: {exc.reason.replace('_', ' ')}", file=sys.stderr)
        return 2
    username = _bot_username()
    if username:
        print(f"event {event_id} created; poster link: https://t.me/{username}?start=ev_{event_id}")
    else:
        print(
            f"event {event_id} created; poster link: https://t.me/BOT?start=ev_{event_id}, "
            "with the bot's username for BOT (set KENTBOT_TOKEN to have it filled in)"
        )
    return 0


def _bot_username() -> str | None:
    """The bot's username, asked of the Bot API when the token is in the environment."""
    import asyncio

    from telegram import Bot
    from telegram.error import TelegramError

    token = os.environ.get("KENTBOT_TOKEN")
    if not token:
        return None

    async def ask() -> str | None:
        async with Bot(token, base_url=default_api_url()) as bot:
            return bot.username

    try:
        return asyncio.run(ask())
    except TelegramError as exc:
        print(f"kentbot event: the Bot API did not answer ({exc})", file=sys.stderr)
        return None


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from common.config import read_database_url
    from core import reports
    from core.dates import parse_date
    from db.engine import make_engine, normalise_url, transaction
    from db.migrate import schema_problem
    from db.replica import reads_for
    from db.types import utcnow

    config = _config(args.config)
    try:
        until = parse_date(args.until) if args.until else None
    except ValueError:
        print(
            f"kentbot report: --until {args.until!r} is not a date; write 2025-06-30 or 30.06.2025",
            file=sys.stderr,
        )
        return 2
    if args.output == "-" and args.format == "xlsx":
        print(
            "kentbot report: an xlsx file cannot go to the terminal; name a file", file=sys.stderr
        )
        return 2
    # A report only reads: a database that is not there is a mistake to point out, not one
    # to create (which would print a table of zeros).
    url = normalise_url(args.database_url or default_database_url())
    parsed = make_url(url)
    where = parsed.render_as_string(hide_password=True)
    file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if file not in (None, "", ":memory:") and not Path(str(file)).is_file():
        print(
            f"kentbot report: no database at {file}; "
            "pass --database-url or set KENTBOT_DATABASE_URL",
            file=sys.stderr,
        )
        return 2
    engine = make_engine(url)
    try:
        problem = schema_problem(engine)
        if problem is not None:
            print(f"kentbot report: cannot report from {where}: {problem}", file=sys.stderr)
            return 2
        # A report is a heavy read: on the replica when one is set and fit.
        reads = reads_for(engine, read_database_url())
        reader = reads.replica if reads.replica is not None and reads.check() else engine
        with transaction(reader) as session:
            report = reports.build_report(session, config, args.year, until, utcnow())
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        print(f"kentbot report: cannot read {where}: {reason}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"kentbot report: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    text = ""
    if args.format != "xlsx":
        text = reports.write_markdown(report) if args.format == "md" else reports.write_csv(report)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    output = Path(args.output or Path("reports") / f"performans-{args.year}.{args.format}")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if args.format == "xlsx":
            reports.write_xlsx(report, output)
        else:
            # A BOM lets Excel read the Turkish letters of a CSV file.
            output.write_text(text, encoding="utf-8-sig" if args.format == "csv" else "utf-8")
    except OSError as exc:
        # Without --output the folder is ./reports, which under the `kb` wrapper (cwd
        # /opt/kentbot, root's) or in a container is not the operator's to write.
        print(
            f"kentbot report: cannot write to the folder {output.parent.absolute()} "
            f"({exc.strerror or exc}); name a file in a folder you can write to with --output",
            file=sys.stderr,
        )
        return 2
    print(f"written {output} ({report.period_text})")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.backup import BackupError, backup, restore
    from db.engine import make_engine

    engine = make_engine(args.database_url or default_database_url())
    try:
        work = backup if args.command == "backup" else restore
        print(work(engine, Path(args.file), force=args.force))
    except BackupError as exc:
        print(f"kentbot {args.command}: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from bot.health import check, host_name
    from db.engine import make_engine, normalise_url

    url = args.database_url or default_database_url()
    # A dead server must not hold up the supervisor that asks.
    postgres = make_url(normalise_url(url)).get_backend_name() == "postgresql"
    engine = make_engine(url, connect_args={"connect_timeout": 5}) if postgres else make_engine(url)
    try:
        health = check(engine, host_name() if args.this_host else None, args.stale_after)
    finally:
        engine.dispose()
    print(
        health.line if health.code == 0 else f"kentbot status: {health.line}",
        file=sys.stdout if health.code == 0 else sys.stderr,
    )
    return health.code


def cmd_check(args: argparse.Namespace) -> int:
    from bot.check import run_check

    config = _config(args.config)
    token = os.environ.get("KENTBOT_TOKEN", "")
    if not token:
        print("kentbot check: KENTBOT_TOKEN is not set", file=sys.stderr)
        return 2
    return run_check(config, token, args.api_url or default_api_url())


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(_config(args.config), staff=args.staff, database_url=args.database_url)


def cmd_emulator(args: argparse.Namespace) -> int:
    from emulator.__main__ import run

    run(args)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kentbot", description="Kent Bot: the municipality's Telegram assistant."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def with_common(
        p: argparse.ArgumentParser,
        database: str = "$KENTBOT_DATABASE_URL or a SQLite file in data/",
    ) -> argparse.ArgumentParser:
        p.add_argument(
            "--config",
            help=f"configuration file (default {DEFAULT_CONFIG_PATH.name} or $KENTBOT_CONFIG)",
        )
        p.add_argument("--database-url", help=f"database URL (default {database})")
        return p

    run = with_common(sub.add_parser("run", help="run the bot (long polling)"))
    run.add_argument(
        "--api-url",
        help="Bot API base URL, e.g. http://127.0.0.1:8081/bot "
        "(default $KENTBOT_API_URL or Telegram's)",
    )
    run.add_argument(
        "--webhook", metavar="URL", help="receive updates on this public URL instead of polling"
    )
    run.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="where the webhook server listens (default 127.0.0.1:8443)",
    )
    run.set_defaults(func=cmd_run)

    demo = with_common(
        sub.add_parser("demo", help="chat with the bot offline, in the terminal"),
        database="a fresh data/demo.sqlite, made anew at every start",
    )
    demo.add_argument(
        "--staff", action="store_true", help="also join a department's staff group to act as staff"
    )
    demo.set_defaults(func=cmd_demo)

    db = with_common(sub.add_parser("db", help="database schema"))
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(func=cmd_db)

    staff = with_common(sub.add_parser("staff", help="manage staff members"))
    staff_sub = staff.add_subparsers(dest="action", required=True)
    staff_sub.add_parser("list", help="list active staff")
    add = staff_sub.add_parser("add", help="add a staff member or change their role")
    add.add_argument("telegram_id", type=int)
    add.add_argument("role", choices=["admin", "supervisor", "staff", "coordinator"])
    add.add_argument("--department", help="department code from config.toml")
    add.add_argument("--name")
    remove = staff_sub.add_parser("remove", help="take away every staff power at once")
    remove.add_argument("telegram_id", type=int)
    staff.set_defaults(func=cmd_staff)

    api_key = with_common(
        sub.add_parser("api-key", help="keys that let applications post requests (Open311)")
    )
    api_key_sub = api_key.add_subparsers(dest="action", required=True)
    add_key = api_key_sub.add_parser("add", help="make a key (shown once)")
    add_key.add_argument("name", help="the application's name, e.g. fixmystreet")
    add_key.add_argument(
        "--channel", default="web", help="channel its requests are counted under (default web)"
    )
    add_key.add_argument(
        "--rate", type=int, default=60, help="posts a minute it may make (default 60)"
    )
    api_key_sub.add_parser("list", help="every key, revoked ones too (never the keys)")
    revoke_key = api_key_sub.add_parser("revoke", help="stop a key at once")
    revoke_key.add_argument("name")
    api_key.set_defaults(func=cmd_api_key)

    event = with_common(sub.add_parser("event", help="City Council events"))
    event_sub = event.add_subparsers(dest="action", required=True)
    listing = event_sub.add_parser("list", help="upcoming events with seats left")
    listing.add_argument("--assembly", help="assembly code from config.toml")
    add_event = event_sub.add_parser("add", help="create an event")
    add_event.add_argument("--assembly", required=True, help="assembly code from config.toml")
    add_event.add_argument("--title", required=True)
    add_event.add_argument("--description", default="")
    add_event.add_argument("--start", required=True, help='e.g. "25.12.2026 14:00"')
    add_event.add_argument("--end", required=True, help='e.g. "25.12.2026 16:00"')
    add_event.add_argument("--place", required=True)
    add_event.add_argument("--capacity", required=True, type=int)
    add_event.add_argument("--deadline", help="registration deadline (default: the start)")
    add_event.add_argument("--members-only", action="store_true")
    event.set_defaults(func=cmd_event)

    report = with_common(sub.add_parser("report", help="the performance table (seed layout)"))
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--until", help="count up to this day (default: the whole year)")
    report.add_argument("--format", choices=["xlsx", "md", "csv"], default="xlsx")
    report.add_argument(
        "--output",
        help="file to write (default reports/performans-YEAR.FORMAT; - prints md or csv)",
    )
    report.set_defaults(func=cmd_report)

    importer = with_common(
        sub.add_parser(
            "import",
            help="load requests, call-centre days, or the employment portal's job seekers, "
            "employers and referrals",
        )
    )
    importer.add_argument(
        "kind", choices=["requests", "calls", "jobseekers", "employers", "referrals"]
    )
    importer.add_argument("file", help="CSV file (see docs/operations.md, Importing)")
    importer.set_defaults(func=cmd_import)

    backup = with_common(sub.add_parser("backup", help="copy the whole database to a file"))
    backup.add_argument("file", help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    backup.set_defaults(func=cmd_backup)
    restore = with_common(
        sub.add_parser("restore", help="replace the database with a backup (bot stopped)")
    )
    restore.add_argument("file", help="a file written by `kentbot backup`")
    restore.add_argument(
        "--force", action="store_true", help="replace a database that already holds tables"
    )
    restore.set_defaults(func=cmd_backup)

    status = with_common(
        sub.add_parser("status", help="health check: exit 0 if the bot runs, else say why")
    )
    status.add_argument(
        "--this-host",
        action="store_true",
        help="whether a bot process of this host ($KENTBOT_INSTANCE or the host name) runs, "
        "leading or standing by (default: whether the deployment has a live leader)",
    )
    status.add_argument(
        "--stale-after",
        type=float,
        default=60.0,  # bot.health.STALE_AFTER
        metavar="SECONDS",
        help="a heartbeat older than this counts as a dead process (default 60; beats every 10)",
    )
    status.set_defaults(func=cmd_status)

    check = sub.add_parser("check", help="check config.toml's groups and admins against Telegram")
    check.add_argument(
        "--config",
        help=f"configuration file (default {DEFAULT_CONFIG_PATH.name} or $KENTBOT_CONFIG)",
    )
    check.add_argument(
        "--api-url", help="Bot API base URL (default $KENTBOT_API_URL or Telegram's)"
    )
    check.set_defaults(func=cmd_check)

    emulator = sub.add_parser("emulator", help="run the Bot API emulator on its own")
    add_emulator_arguments(emulator)
    emulator.set_defaults(func=cmd_emulator)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    setup_logging()
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
