"""The public dashboard: a year's indicators for anyone, in Turkish at / and English at
/en/, with the same figures as open data (CSV, JSON).

Pages read the year's snapshot (core.dashboard), never raw requests, so a view costs one
indexed row whatever the size of the database. A year in the future, before the
records, or not a number is a 404; a year with nothing recorded says so.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from common.i18n import Translator, translator
from core import dashboard
from core.dashboard import YearFigures
from db.types import utcnow
from web import charts, open_data
from web.pages import render
from web.site import Site, site_of
from web.year_tables import YearTables, build, value_text

# Figures change once a night: let browsers and proxies keep a page a few minutes.
_CACHE = {"Cache-Control": "public, max-age=300"}
_DATA = {"tr": "/veri", "en": "/en/data"}


def page_path(language: str, year: int | None) -> str:
    """/, /2023, /en/, /en/2023 (None: the current year)."""
    home = "/en/" if language == "en" else "/"
    return home if year is None else f"{home}{year}"


def data_path(language: str, year: int, extension: str) -> str:
    return f"{_DATA[language]}/{year}.{extension}"


def _year_of(request: Request, today: date) -> int:
    year = request.path_params.get("year")
    return today.year if year is None else int(year)


async def _figures(request: Request) -> tuple[Site, YearFigures, datetime]:
    site = site_of(request)
    now = utcnow()
    today = now.astimezone(site.config.tz).date()
    year = _year_of(request, today)
    if not dashboard.published(year, today):
        raise HTTPException(404)
    # Synchronous database code off the event loop the bot shares.
    figures = await run_in_threadpool(
        dashboard.year_figures, site.reader, site.engine, site.config, year, now
    )
    return site, figures, now


def _charts(t: Translator, tables: YearTables) -> dict[str, charts.Chart]:
    """The page's charts; each has its figures in the table beside it."""
    seen = t._("The figures are in the table beside the chart.")
    drawn = {
        "months": charts.vertical(
            "months",
            t._("Requests and complaints per month"),
            seen,
            [charts.Item(m.short, m.total, value_text(t, "count", m.total)) for m in tables.months],
        ),
        "channels": charts.horizontal(
            "channels",
            t._("Requests and complaints per channel"),
            seen,
            [
                charts.Item(name, total, t.number(total))
                for name, total in (
                    (name, tables.channel_totals[code]) for code, name in tables.channels.items()
                )
            ],
        ),
        "departments": charts.horizontal(
            "departments",
            t._("Average time to the first answer, per department (days)"),
            seen,
            [
                charts.Item(d.name, float(d.average_days or 0), _days(t, d.average_days))
                for d in tables.departments
            ],
            target=None if tables.response_target is None else float(tables.response_target),
            target_text=_target_days(t, tables.response_target),
        ),
        "satisfaction": charts.vertical(
            "satisfaction",
            t._("Satisfied answers per month (%)"),
            seen,
            [
                charts.Item(
                    m.short,
                    float(m.satisfaction or 0),
                    value_text(t, "percent", _ratio(m.satisfaction)),
                )
                for m in tables.months
            ],
            target=(
                None if tables.satisfaction_target is None else float(tables.satisfaction_target)
            ),
            target_text=t._("Target: {value}").format(
                value=value_text(t, "percent", _ratio(tables.satisfaction_target))
            ),
        ),
        "council": charts.horizontal(
            "council",
            t._("Kent Konseyi events held, per assembly"),
            seen,
            [charts.Item(a.name, a.events, t.number(a.events)) for a in tables.assemblies],
        ),
    }
    employment = next((table for table in tables.tables if table.code == "4.3.1-performance"), None)
    if employment is not None:
        lines = [
            line
            for line in employment.lines
            if line.key in ("referrals", "people_job_found", "people_started")
        ]
        drawn["employment"] = charts.horizontal(
            "employment",
            t._("Employment Centre: referrals, jobs found and people who started work"),
            seen,
            [charts.Item(line.label, float(line.actual or 0), line.actual_text) for line in lines],
        )
    return drawn


def _ratio(percent: float | int | None) -> float | None:
    return None if percent is None else float(percent) / 100


def _days(t: Translator, days: float | int | None) -> str:
    if days is None:
        return "-"
    text = t._("{count} day") if days == 1 else t._("{count} days")
    return text.format(count=t.number(days))


def _target_days(t: Translator, days: float | int | None) -> str:
    return t._("Target: {value}").format(value=_days(t, days))


async def page(request: Request) -> Response:
    site, figures, now = await _figures(request)
    language = "en" if request.url.path.startswith("/en") else "tr"
    t = translator(language)
    config = site.config
    tables = build(t, config, figures)
    year = figures.year
    today = now.astimezone(config.tz).date()
    shown_year = None if request.path_params.get("year") is None else year
    return render(
        request,
        "dashboard.html",
        t,
        headers=_CACHE,
        figures=figures,
        tables=tables,
        charts=_charts(t, tables),
        employment_table=next(
            (table for table in tables.tables if table.code == "4.3.1-performance"), None
        ),
        computed=t.datetime(figures.computed_at, config.tz),
        other_language=page_path("tr" if language == "en" else "en", shown_year),
        previous_year=page_path(language, year - 1) if dashboard.published(year - 1, today) else "",
        next_year=(
            page_path(language, None if year + 1 == today.year else year + 1)
            if dashboard.published(year + 1, today)
            else ""
        ),
        csv_path=data_path(language, year, "csv"),
        json_path=data_path(language, year, "json"),
        licence=open_data.licence(t, config.municipality.name),
        licence_url=open_data.LICENCE_URL,
        days=lambda value: _days(t, value),
    )


async def data_csv(request: Request) -> Response:
    site, figures, _ = await _figures(request)
    language = "en" if request.url.path.startswith("/en/") else "tr"
    t = translator(language)
    tables = build(t, site.config, figures)
    body = open_data.write_csv(t, site.config.municipality.name, figures, tables, site.config.tz)
    name = t._("indicators-{year}.csv").format(year=figures.year)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={**_CACHE, "Content-Disposition": f'attachment; filename="{name}"'},
    )


async def data_json(request: Request) -> Response:
    site, figures, _ = await _figures(request)
    language = "en" if request.url.path.startswith("/en/") else "tr"
    t = translator(language)
    tables = build(t, site.config, figures)
    body = open_data.as_json(t, site.config.municipality.name, figures, tables, site.config.tz)
    return Response(
        json.dumps(body, ensure_ascii=False, indent=1),
        media_type="application/json",
        headers=_CACHE,
    )


async def english_home(request: Request) -> Response:
    return RedirectResponse("/en/", status_code=308)


routes: list[BaseRoute] = [
    Route("/", page),
    Route("/{year:int}", page),
    Route("/en", english_home),
    Route("/en/", page),
    Route("/en/{year:int}", page),
    Route("/veri/{year:int}.csv", data_csv),
    Route("/veri/{year:int}.json", data_json),
    Route("/en/data/{year:int}.csv", data_csv),
    Route("/en/data/{year:int}.json", data_json),
]
