"""`python -m emulator --port 8081 --token 123:ABC [--flood] [--fault-rate 0.1]`"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Sequence

from emulator.options import add_arguments
from emulator.server import serve


async def main_async(args: argparse.Namespace) -> None:
    serving = await serve(
        args.host,
        args.port,
        token=args.token,
        username=args.username,
        flood=args.flood,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
    )
    print(f"Telegram Bot API emulator on {serving.base_url}", flush=True)
    print(f"  bot API:  {serving.base_url}/bot<token>/<method>", flush=True)
    print(f"  control:  {serving.base_url}/_emu/", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await serving.close()


def run(args: argparse.Namespace) -> None:
    """Serves until interrupted (Ctrl-C ends it quietly)."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main_async(args))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    add_arguments(parser)
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
