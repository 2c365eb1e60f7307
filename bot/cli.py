"""The `kentbot` command: run, demo, db upgrade, emulator."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from telegram import Update

from bot.config import (
    DEFAULT_CONFIG_PATH,
    Config,
    ConfigError,
    default_api_url,
    default_database_url,
    load_config,
)

log = logging.getLogger("kentbot")


def setup_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("KENTBOT_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _config(path: str | None) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"kentbot: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import build_application, prepare_database
    from db.engine import make_engine

    config = _config(args.config)
    token = os.environ.get("KENTBOT_TOKEN", "")
    if not token:
        print(
            "kentbot: KENTBOT_TOKEN is not set. Put the token BotFather gave you in the "
            "environment (export KENTBOT_TOKEN=...), or try the bot offline with `make demo`.",
            file=sys.stderr,
        )
        return 2
    engine = make_engine(args.database_url or default_database_url())
    prepare_database(engine, config)
    api_url = args.api_url or default_api_url()
    app = build_application(config, engine, token, api_url)
    log.info("Kent Bot starts polling %s", api_url.split("/bot")[0])
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from core.reference_data import sync_reference_data
    from db.engine import make_engine, transaction
    from db.migrate import upgrade

    config = _config(args.config)
    engine = make_engine(args.database_url or default_database_url())
    upgrade(engine)
    with transaction(engine) as session:
        sync_reference_data(session, config)
    print("database schema is up to date")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(_config(args.config), staff=args.staff, database_url=args.database_url)


def cmd_emulator(args: argparse.Namespace) -> int:
    from bot.emulator.__main__ import main as emulator_main

    sys.argv = ["kentbot emulator", *args.rest]
    emulator_main()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kentbot", description="Kent Bot: the municipality's Telegram assistant."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def with_common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--config", help=f"configuration file (default {DEFAULT_CONFIG_PATH.name}"
                       " or $KENTBOT_CONFIG)")
        p.add_argument("--database-url", help="database URL (default $KENTBOT_DATABASE_URL or "
                       "a SQLite file in data/)")
        return p

    run = with_common(sub.add_parser("run", help="run the bot (long polling)"))
    run.add_argument("--api-url", help="Bot API base URL, e.g. http://127.0.0.1:8081/bot "
                     "(default $KENTBOT_API_URL or Telegram's)")
    run.set_defaults(func=cmd_run)

    demo = with_common(sub.add_parser("demo", help="chat with the bot offline, in the terminal"))
    demo.add_argument("--staff", action="store_true",
                      help="also join a department's staff group to act as staff")
    demo.set_defaults(func=cmd_demo)

    db = with_common(sub.add_parser("db", help="database schema"))
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(func=cmd_db)

    emulator = sub.add_parser("emulator", help="run the Bot API emulator on its own")
    emulator.add_argument("rest", nargs=argparse.REMAINDER,
                          help="options of the emulator (--port, --token, --flood, ...)")
    emulator.set_defaults(func=cmd_emulator)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    setup_logging()
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
