"""The emulator's command-line options, shared by `python -m emulator` and `kentbot emulator`
(kept apart from the server so that building kentbot's parser imports nothing heavy)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The emulator's options; `kentbot emulator` offers the same ones."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", help="create this bot at start, e.g. 123:ABC")
    parser.add_argument("--username", default="kentbot_test")
    parser.add_argument("--flood", action="store_true", help="enforce Telegram's flood limits")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=None)
