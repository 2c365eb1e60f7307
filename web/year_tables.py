"""A year's dashboard figures as labelled tables in the reader's language.

The page, its CSV and its JSON are all made from these tables, so the open data always
holds exactly what the page shows. The indicators are the report's own rows
(core.reports.sections over the year's snapshot): in Turkish with the seed's wording,
in English with a translation per row key. Only aggregates are here: no row of this
module can name a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from common.config import Config
from common.i18n import N_, Translator
from core import codes, reports
from core.breakdowns import month_start
from core.dashboard import YearFigures
from core.indicators import GENERAL_ASSEMBLY

# The report's sections in order, by a code open data can key on.
SECTION_CODES = (
    "7.1.1-performance",
    "7.1.1-monitoring",
    "7.1.1-council-attendance",
    "4.3.1-performance",
    "4.3.1-monitoring",
)
_SECTION_TITLES = {
    "7.1.1-performance": N_("Goal 7.1.1 — performance indicators"),
    "7.1.1-monitoring": N_("Goal 7.1.1 — monitoring indicators"),
    "7.1.1-council-attendance": N_(
        "Kent Konseyi attendance (monitored; not an indicator of the programme)"
    ),
    "4.3.1-performance": N_("Goal 4.3.1 — Employment Centre, performance indicators"),
    "4.3.1-monitoring": N_("Goal 4.3.1 — Employment Centre, monitoring indicators"),
}
_UNITS = {
    "[%]": N_("%"),
    "[adet]": N_("count"),
    "[gün]": N_("days"),
    "[kişi]": N_("people"),
}
# English wording of each row of the report, by its key; the Turkish page keeps the
# seed's own wording from core.reports.
_LABELS = {
    "satisfaction_percent": N_("Citizen satisfaction with public relations services"),
    "new_projects": N_("New public relations projects"),
    "missed_call_rate": N_("Missed-call rate"),
    "average_response_days": N_("Average time to answer a request or complaint"),
    "council_events_total": N_("Kent Konseyi events in total"),
    "council_participants_total": N_("Kent Konseyi participants in total"),
    "requests_total": N_("Requests and complaints received in total"),
    "calls_total": N_("Calls to the call centre in total"),
    "calls_information": N_("Calls for information"),
    "calls_application": N_("Calls to file a request or complaint"),
    "calls_missed": N_("Missed calls"),
    "calls_completed": N_("Completed calls"),
    "council_seats": N_("People registered for the Kent Konseyi events held"),
    "council_checked_in": N_("People checked in at the door"),
    "attendance_rate": N_("Attendance rate (checked in / registered)"),
    "no_show_rate": N_("Share of registered people who did not come"),
    "starter_rate": N_("Share of people with a job found who started work"),
    "people_started": N_("People who started work through the Employment Centre"),
    "people_job_found": N_("People for whom a job was found"),
    "referrals": N_("Referrals to jobs"),
    "trainings": N_("Career and vocational trainings"),
    "registered_cvs": N_("CVs registered with the Employment Centre in total"),
    "new_cvs": N_("New CVs registered"),
    "registered_firms": N_("Firms registered with the Employment Centre in total"),
    "new_firms": N_("New firms registered"),
    "job_fair_firms": N_("Firms at the job fair"),
    "job_fair_hires": N_("People hired at the job fair"),
}
_PER_KEY = {
    "requests_by_channel": N_("Requests and complaints by {name}"),
    "council_events": N_("{name}: events"),
    "council_participants": N_("{name}: participants"),
    "council_members": N_("{name}: members"),
    "attendance_rate": N_("{name}: attendance rate"),
    "no_show_rate": N_("{name}: share who did not come"),
}
# The report's footnote marks (*, **, ¹ … ⁴): the page has no footnotes to point to.
_MARKS = re.compile(r"[\s]*[*¹²³⁴]+$")


@dataclass(frozen=True)
class Line:
    key: str
    number: str  # "1." for the seed's numbered rows, "" beneath them
    label: str
    unit: str
    kind: str  # count, percent or days
    actual: float | int | None  # as published: a percent in percent, days rounded
    target: float | int | None
    actual_text: str
    target_text: str


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    has_target: bool
    target_heading: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Month:
    code: str  # "2023-01"
    name: str  # "Ocak 2023"
    short: str  # "Oca"
    counts: dict[str, int]  # channel -> requests
    total: int
    answers: int
    satisfied: int
    satisfaction: float | int | None  # in percent, as published


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    responded: int
    average_days: float | int | None


@dataclass(frozen=True)
class Assembly:
    code: str
    name: str
    events: int
    events_target: int | None
    # As the programme counts participants: the General Assembly's by who attended it,
    # every other assembly's by its members ("400 Genel Kurul + 5 × 960").
    participants: int
    participants_target: int | None
    checked_in: int  # people checked in at its held events


@dataclass(frozen=True)
class YearTables:
    year: int
    tables: tuple[Table, ...]
    channels: dict[str, str]  # code -> label, those with any request in the year
    months: tuple[Month, ...]
    channel_totals: dict[str, int]
    channel_forecasts: dict[str, int | None]
    departments: tuple[Department, ...]
    response_target: float | int | None
    satisfaction_target: float | int | None
    assemblies: tuple[Assembly, ...]


def _label(t: Translator, config: Config, row: reports.Row) -> str:
    if t.language == "tr":
        return _MARKS.sub("", row.label)
    if row.key in _LABELS:
        return t._(_LABELS[row.key])
    family, _, code = row.key.partition(".")
    if family == "requests_by_channel":
        name = t._(codes.CHANNELS.get(code, code))
    else:
        found = next((a for a in config.assemblies if a.code == code), None)
        name = found.name.get(t.language) if found else code
    return t._(_PER_KEY.get(family, "{name}")).format(name=name)


def _line(t: Translator, config: Config, row: reports.Row) -> Line:
    return Line(
        key=row.key,
        number=row.number or "",
        label=_label(t, config, row),
        unit=t._(_UNITS.get(row.unit, row.unit)),
        kind=row.kind,
        actual=reports.rounded(row.kind, row.actual),
        target=reports.rounded(row.kind, row.target),
        actual_text=value_text(t, row.kind, row.actual),
        target_text=value_text(t, row.kind, row.target),
    )


def value_text(t: Translator, kind: str, value: float | int | None) -> str:
    """A value as the report prints it, in the reader's formats (148.748 / 148,748)."""
    return reports.format_value(kind, value, t)


def _months(t: Translator, figures: YearFigures) -> tuple[Month, ...]:
    breakdowns = figures.breakdowns
    months = []
    for code, counts in breakdowns.requests_by_month.items():
        first = month_start(code).date()
        answers, satisfied = breakdowns.satisfaction_by_month.get(code, [0, 0])
        ratio = satisfied / answers if answers else None
        months.append(
            Month(
                code=code,
                name=t.date(first, "LLLL y"),
                short=t.date(first, "LLL"),
                counts=dict(counts),
                total=sum(counts.values()),
                answers=answers,
                satisfied=satisfied,
                satisfaction=reports.rounded("percent", ratio),
            )
        )
    return tuple(months)


def build(t: Translator, config: Config, figures: YearFigures) -> YearTables:
    sections = figures.sections(config)
    tables = tuple(
        Table(
            code=code,
            title=t._(_SECTION_TITLES[code]),
            has_target=section.has_target,
            target_heading=t._("Target")
            if section.target_heading == reports.TARGET
            else t._("Forecast"),
            lines=tuple(_line(t, config, row) for row in section.rows),
        )
        for code, section in zip(SECTION_CODES, sections, strict=False)
    )
    months = _months(t, figures)
    used = {channel for month in months for channel, count in month.counts.items() if count}
    channels = {code: t._(label) for code, label in codes.CHANNELS.items() if code in used}
    channels.update({code: code for code in sorted(used) if code not in channels})
    totals = {code: sum(month.counts.get(code, 0) for month in months) for code in channels}
    indicators = figures.indicators
    forecasts = {code: _int(indicators.target(f"requests_by_channel.{code}")) for code in channels}
    names = {d.code: d.name.get(t.language) for d in config.departments}
    order = [d.code for d in config.departments]
    response = figures.breakdowns.response_by_department
    departments = tuple(
        Department(
            code=code,
            name=names.get(code, code),
            responded=int(response[code][0]),
            average_days=reports.rounded("days", response[code][1]),
        )
        for code in sorted(response, key=lambda c: (order.index(c) if c in order else 99, c))
    )
    assemblies = tuple(
        Assembly(
            code=assembly.code,
            name=assembly.name.get(t.language),
            events=indicators.council_events.get(assembly.code, 0),
            events_target=_int(indicators.target(f"council_events.{assembly.code}")),
            participants=(
                indicators.council_participants.get(assembly.code, 0)
                if assembly.code == GENERAL_ASSEMBLY
                else indicators.council_members.get(assembly.code, 0)
            ),
            participants_target=_int(
                indicators.target(
                    f"council_participants.{assembly.code}"
                    if assembly.code == GENERAL_ASSEMBLY
                    else f"council_members.{assembly.code}"
                )
            ),
            checked_in=indicators.council_participants.get(assembly.code, 0),
        )
        for assembly in config.assemblies
    )
    return YearTables(
        year=figures.year,
        tables=tables,
        channels=channels,
        months=months,
        channel_totals=totals,
        channel_forecasts=forecasts,
        departments=departments,
        response_target=reports.rounded("days", indicators.target("average_response_days")),
        satisfaction_target=reports.rounded(
            "percent", _ratio(indicators.target("satisfaction_percent"))
        ),
        assemblies=assemblies,
    )


def _int(value: float | int | None) -> int | None:
    return None if value is None else int(value)


def _ratio(percent: float | int | None) -> float | None:
    return None if percent is None else float(percent) / 100
