"""The bot under measurement, in a process of its own so its CPU time is its own.

    python -m bench.botproc --kind kent --api-url URL --token T --database-url URL \
        --wiring '{"groups": {...}, "supervisors": -100...}' [--rate-limit]
    python -m bench.botproc --kind echo|echo-aiohttp --api-url URL --token T

`kent` is Kent Bot as `kentbot run` builds it (build_application, then the production
poller of bot.service), with the emulated staff groups wired in; `echo` is the bare
python-telegram-bot floor: one MessageHandler that replies with the text, polled by
python-telegram-bot's own Updater; `echo-aiohttp` is the same echo bot on Kent Bot's
HTTP client (bot/transport.py), the like-for-like floor. All stop on SIGTERM and print
one JSON line.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter

from sqlalchemy import Engine, event
from sqlalchemy.pool import Pool
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


def run_kent(args: argparse.Namespace) -> dict[str, object]:
    from bot import service
    from bot.app import build_application
    from common.config import load_config
    from core.reference_data import sync_reference_data
    from db.engine import make_engine, transaction
    from tests.wiring import with_staff_groups

    wiring = json.loads(args.wiring)
    config = with_staff_groups(load_config(), wiring["groups"], wiring["supervisors"])
    engine = make_engine(args.database_url)
    with transaction(engine) as session:
        sync_reference_data(session, config)
    # What the database work per update is made of: statements, and pool checkouts.
    statements: Counter[str] = Counter()
    checkouts = [0]
    # Every engine and pool: on PostgreSQL the updates run on the engine's non-blocking twin.
    event.listen(
        Engine,
        "before_cursor_execute",
        lambda _c, _cur, sql, *_rest: statements.update([" ".join(sql.split())[:90]]),
    )
    event.listen(Pool, "checkout", lambda *_: checkouts.__setitem__(0, checkouts[0] + 1))
    app = build_application(
        config, engine, args.token, args.api_url, rate_limit=args.rate_limit, collect_errors=True
    )
    service.run(app)
    errors = app.bot_data["deps"].errors or []
    return {
        "errors": len(errors),
        "first_errors": [repr(e)[:300] for e in errors[:3]],
        "statements": sum(statements.values()),
        "checkouts": checkouts[0],
        "top_statements": statements.most_common(8),
    }


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def run_echo(args: argparse.Namespace) -> dict[str, object]:
    builder = Application.builder().token(args.token).base_url(args.api_url.rstrip("/"))
    if args.kind == "echo-aiohttp":
        from bot.transport import AiohttpRequest

        builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(1))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES)
    return {"errors": 0}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--kind", choices=("kent", "echo", "echo-aiohttp"), required=True)
    p.add_argument("--api-url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--database-url")
    p.add_argument("--wiring", default='{"groups": {}, "supervisors": 0}')
    p.add_argument("--rate-limit", action="store_true")
    args = p.parse_args()
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    result = run_kent(args) if args.kind == "kent" else run_echo(args)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
