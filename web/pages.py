"""HTML pages from Jinja2 templates, in the reader's language.

Templates call `_("…")` for texts (extracted into locales/ like the bot's, see
babel.cfg) and `t.number(…)`, `t.percent(…)`, `t.date(…)` for Babel's formats, so a
page shows `148.748` and `%13,4` in Turkish and `148,748`, `13.4%` in English.
Autoescaping is on for every template: nothing a citizen typed is ever markup.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from common.i18n import Translator, translator

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language_of_path(path: str) -> str:
    """Public pages: Turkish at /…, English at /en/…."""
    return "en" if path == "/en" or path.startswith("/en/") else "tr"


def render(
    request: Request,
    template: str,
    t: Translator,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    site = request.app.state.site
    page = (
        environment()
        .get_template(template)
        .render(
            request=request,
            t=t,
            _=t._,
            ngettext=t.ngettext,
            lang=t.language,
            municipality=site.config.municipality,
            **context,
        )
    )
    return HTMLResponse(page, status_code=status_code, headers=headers)


def error_page(request: Request, status_code: int, message: str, language: str) -> HTMLResponse:
    """A page that says what went wrong in the reader's language (message untranslated)."""
    t = translator(language)
    return render(
        request, "error.html", t, status_code=status_code, message=t._(message), code=status_code
    )
