"""`python -m bot.emulator --port 8081 --token 123:ABC [--flood] [--fault-rate 0.1]`"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from bot.emulator.server import serve


async def main_async(args: argparse.Namespace) -> None:
    serving = await serve(
        args.host, args.port, token=args.token, username=args.username,
        flood=args.flood, fault_rate=args.fault_rate, fault_seed=args.fault_seed,
    )
    print(f"Telegram Bot API emulator on {serving.base_url}", flush=True)
    print(f"  bot API:  {serving.base_url}/bot<token>/<method>", flush=True)
    print(f"  control:  {serving.base_url}/_emu/", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await serving.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", help="create this bot at start, e.g. 123:ABC")
    parser.add_argument("--username", default="kentbot_test")
    parser.add_argument("--flood", action="store_true", help="enforce Telegram's flood limits")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=None)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
