"""A Telegram Bot API emulator for tests and the offline demo (see DESIGN.md).

Server: `start_in_thread()` / `serve()` / `python -m bot.emulator`.
Client: `EmulatorClient` with `SimUser` / `SimGroup`; terminal UI: `chat_in_terminal`.
"""

from bot.emulator.client import Alert, BotMessage, EmulatorClient, EmulatorError, SimGroup, SimUser
from bot.emulator.server import RunningEmulator, ServingEmulator, serve, start_in_thread
from bot.emulator.terminal import chat_in_terminal

__all__ = [
    "Alert",
    "BotMessage",
    "EmulatorClient",
    "EmulatorError",
    "RunningEmulator",
    "ServingEmulator",
    "SimGroup",
    "SimUser",
    "chat_in_terminal",
    "serve",
    "start_in_thread",
]
