"""Every page of the staff desk; a new page module adds its `routes` here."""

from __future__ import annotations

from starlette.routing import BaseRoute

from web.desk import auth, entry, figures, queue, request_page

routes: list[BaseRoute] = [
    *auth.routes,
    *queue.routes,
    *request_page.routes,
    *entry.routes,
    *figures.routes,
]
