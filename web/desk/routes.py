"""Every page of the staff desk; a new page module adds its `routes` here."""

from __future__ import annotations

from starlette.routing import BaseRoute

from web.desk import auth, figures, home

routes: list[BaseRoute] = [*auth.routes, *home.routes, *figures.routes]
