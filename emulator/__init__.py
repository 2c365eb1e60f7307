"""A Telegram Bot API emulator for tests, the offline demo and benchmarks (see
docs/developer-guide.md, "The Bot API emulator").

It knows nothing of Kent Bot: any bot that takes a `base_url` can be pointed at it.

- Server: `emulator.server` (`start_in_thread()`, `serve()`), or `python -m emulator`.
- Client: `emulator.client` (`EmulatorClient` with `SimUser` and `SimGroup`).
- Terminal chat: `emulator.terminal.chat_in_terminal`.
"""
