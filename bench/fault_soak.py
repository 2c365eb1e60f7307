"""Issue 6.3 at full size: N citizens file complaints at once while the emulator answers
10 % of sends with HTTP 500 and enforces Telegram's flood limits (429 + retry_after).
Prints how many requests were stored and receipts delivered, the faults seen, and time.

    .venv/bin/python -m bench.fault_soak --n 500 [--db sqlite|postgresql] [--fault-rate 0.1]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, text
from sqlmodel import select

from bot.app import build_application, prepare_database
from bot.runner import BotThread
from common.config import load_config
from db.engine import make_engine, transaction
from db.models import FailedDelivery, Request
from emulator.client import EmulatorClient, SimUser
from emulator.server import start_in_thread

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
WAIT = 600.0


def complaint(citizen: SimUser, n: int) -> str:
    citizen.send("/talep")
    citizen.press("✅ Kabul ediyorum", timeout=WAIT)
    citizen.press("Çöp toplama", timeout=WAIT)  # the type "Şikayet" comes preselected
    citizen.wait_message(contains="Lütfen konuyu", timeout=WAIT)
    citizen.send(f"Sokağımızdaki çöpler toplanmadı ({n}).")
    for expect in ("Nerede?", "Gerekirse personel"):
        citizen.wait_message(contains=expect, timeout=WAIT)
        citizen.send("⏭ Atla")
    citizen.press("📨 Gönder", timeout=WAIT)
    receipt = citizen.wait_message(contains="Talebiniz alındı", timeout=WAIT)
    match = re.search(r"\d{4}-\d{6}", receipt.text)
    return match.group(0) if match else ""


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--n", type=int, default=500)
    args.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args.add_argument("--fault-rate", type=float, default=0.1)
    opts = args.parse_args()
    config = load_config()
    folder = Path(tempfile.mkdtemp(prefix="kentbot-soak-"))
    schema = f"soak_{uuid.uuid4().hex[:8]}"
    if opts.db == "sqlite":
        engine = make_engine(f"sqlite:///{folder / 'soak.sqlite'}")
    else:
        admin = make_engine(PG_URL)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(
            PG_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=20
        )
    server = start_in_thread()
    emu = EmulatorClient(server.base_url)
    token = "424242:SOAK"
    emu.create_bot(token=token)
    group = emu.create_group("Personel")
    wired = config.model_copy(
        update={
            "departments": [d.model_copy(update={"chat_id": group.id}) for d in config.departments],
            "limits": config.limits.model_copy(update={"messages_per_minute": 1000}),
        }
    )
    prepare_database(engine, wired)
    bot = BotThread(build_application(wired, engine, token, server.api_url)).start()
    emu.set_fault_rate(opts.fault_rate, seed=1)
    emu.set_flood(True)
    citizens = [emu.create_user(first_name=f"Vatandaş{n}") for n in range(opts.n)]
    started = time.monotonic()
    numbers: list[str] = []
    failures: list[str] = []

    def run(pair: tuple[int, SimUser]) -> None:
        n, citizen = pair
        client = EmulatorClient(server.base_url)  # one HTTP client per worker thread
        citizen.client = client
        try:
            numbers.append(complaint(citizen, n))
        except Exception as exc:
            failures.append(f"{citizen.id}: {type(exc).__name__}: {str(exc)[:120]}")
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=min(opts.n, 64)) as pool:
        list(pool.map(run, enumerate(citizens)))
    elapsed = time.monotonic() - started
    stats = emu.stats()
    with transaction(engine) as session:
        stored = session.exec(select(func.count()).select_from(Request)).one()
        distinct = session.exec(select(func.count(func.distinct(Request.number)))).one()
        failed = session.exec(select(func.count()).select_from(FailedDelivery)).one()
    bot.stop()
    server.stop()
    print(
        f"== fault soak: {opts.n} citizens, {opts.db}, fault rate {opts.fault_rate:.0%}, "
        "flood limits on"
    )
    print(f"   requests stored:     {stored} ({distinct} distinct numbers)")
    print(f"   receipts delivered:  {sum(1 for n in numbers if n)}")
    print(f"   citizens who failed: {len(failures)}")
    for line in failures[:5]:
        print(f"     {line}")
    print(f"   HTTP 500 answered:   {stats['500']}")
    print(f"   HTTP 429 answered:   {stats['429']}")
    print(f"   failed deliveries:   {failed}")
    print(f"   wall time:           {elapsed:.0f} s ({opts.n / elapsed:.1f} complaints/s)")
    if opts.db == "postgresql":
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
