"""The web face: the public dashboard, Open311 GeoReport v2 and the staff desk.

Routes and templates only: every rule is a function of core/, called exactly as the
Telegram handlers call it. Served by uvicorn on the bot's own event loop (web/server.py).
"""
