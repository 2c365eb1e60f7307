"""Loading and validating config.toml, and reading deployment values from the environment.

A municipality's IT staff edit config.toml by hand, so every mistake is reported
with the file, the line and the dotted key that is wrong.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

TELEGRAM_API_URL = "https://api.telegram.org/bot"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = REPO_ROOT / "config.toml"
DEFAULT_DATA_DIR = REPO_ROOT / "data"
SUPPORTED_LANGUAGES = ("tr", "en")
CODE_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"


class ConfigError(Exception):
    """config.toml is missing, unreadable or wrong; the message names the key and line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(_Strict):
    """A text in each supported language; Turkish is required, others fall back to it."""

    tr: str = Field(min_length=1)
    en: str | None = None

    def get(self, language: str) -> str:
        value = getattr(self, language, None)
        return value if isinstance(value, str) and value else self.tr


class Municipality(_Strict):
    name: str = Field(min_length=1)
    short_name: str = ""
    timezone: str = "Europe/Istanbul"
    default_language: str = "tr"
    phone: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value


class BotSettings(_Strict):
    admins: list[int] = Field(default_factory=list)
    supervisors_chat_id: int | None = None


class Web(_Strict):
    """The web application (web/): dashboard, Open311, staff desk."""

    # Where it listens; behind nginx with TLS in production (docs/operations.md).
    listen: str = "127.0.0.1:8080"
    # The address people reach it at, for the staff's sign-in links (e.g.
    # "https://kentbot.example.bel.tr"). Empty: http://<listen>.
    public_url: str = ""
    enabled: bool = True

    @field_validator("listen")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) < 65536:
            raise ValueError(f"{value!r} must look like 127.0.0.1:8080")
        return value

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.listen}").rstrip("/")


def _calendar_date(value: Any) -> date:
    """A day written as "2026-05-25" (or a bare TOML date); nothing else passes as a date."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f'{value!r} is not a date; write days like "2026-05-25"')


CalendarDate = Annotated[date, BeforeValidator(_calendar_date)]


class WorkingTime(_Strict):
    days: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5], min_length=1)
    start: time = time(8, 30)
    end: time = time(17, 30)
    # The lunch break does not count either: 08:30-17:30 less 12:30-13:30 is 8 hours.
    lunch_start: time | None = time(12, 30)
    lunch_end: time | None = time(13, 30)
    # Public holidays and the afternoons of the half-day eves (arife, 28 Ekim) do not count.
    public_holidays: bool = True
    # Further days off, such as the administrative leave declared around the bayrams.
    closed_days: list[CalendarDate] = Field(default_factory=list)

    @field_validator("days")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(day < 1 or day > 7 for day in value):
            raise ValueError("days are 1 (Monday) to 7 (Sunday)")
        return sorted(set(value))

    @model_validator(mode="after")
    def _start_before_end(self) -> WorkingTime:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValueError("give both lunch_start and lunch_end, or neither")
        if (
            self.lunch_start
            and self.lunch_end
            and not (self.start <= self.lunch_start < self.lunch_end <= self.end)
        ):
            raise ValueError("the lunch break must lie inside the working day")
        return self


class Kvkk(_Strict):
    retention_days: int = Field(default=730, ge=30)
    data_controller: str = ""


class Limits(_Strict):
    requests_per_hour: int = Field(default=5, ge=1)
    messages_per_minute: int = Field(default=30, ge=1)


class Schedule(_Strict):
    daily_digest: time = time(8, 30)
    weekly_digest_day: str = "monday"
    weekly_digest: time = time(8, 45)
    indicator_snapshot: time = time(2, 0)
    job_alerts: time = time(9, 0)  # job seekers' daily summary of new vacancies

    @field_validator("weekly_digest_day")
    @classmethod
    def _weekday_name(cls, value: str) -> str:
        names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        if value.lower() not in names:
            raise ValueError(f"must be one of {', '.join(names)}")
        return value.lower()


class Employment(_Strict):
    """The employment centre's follow-ups (core.employment.followups)."""

    # A follow-up question unanswered for this many working days: the centre's group is
    # reminded, once.
    reminder_working_days: int = Field(default=3, ge=1, le=30)
    # A referral still open (referred, interested, interview) with no change for this
    # many days expires: the vacancy has long been filled or forgotten.
    referral_expiry_days: int = Field(default=60, ge=7, le=365)


class Digests(_Strict):
    """Who gets the daily and weekly digests: staff groups or managers' user ids."""

    recipients: list[int] = Field(default_factory=list)


class Department(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    name: Texts
    chat_id: int | None = None


class Category(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    department: str
    sla_hours: int = Field(ge=1, le=2000)
    name: Texts
    keywords: list[str] = Field(default_factory=list)
    # The catch-all topic ("Other / general"): listed last, after the topics in use.
    other: bool = False
    # About the city's streets, parks and public order: a complaint, request or suggestion
    # on it is thanked, once resolved, for helping improve the city (others: a neutral
    # thanks, which fits social aid or a question too).
    civic: bool = False


class AssemblyTarget(_Strict):
    events: int | None = Field(default=None, ge=0)
    participants: int | None = Field(default=None, ge=0)
    members: int | None = Field(default=None, ge=0)


class Assembly(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    name: Texts
    description: Texts
    min_age: int | None = Field(default=None, ge=0, le=120)
    max_age: int | None = Field(default=None, ge=0, le=120)
    guardian_required: bool = False
    targets: dict[int, AssemblyTarget] = Field(default_factory=dict)


class EmploymentTargets(_Strict):
    """Goal 4.3.1, the employment centre (HEDEFLENEN / ÖNGÖRÜLEN of one year)."""

    starter_rate_percent: float | None = Field(default=None, ge=0, le=100)
    people_started: int | None = Field(default=None, ge=0)
    people_job_found: int | None = Field(default=None, ge=0)
    referrals: int | None = Field(default=None, ge=0)
    trainings: int | None = Field(default=None, ge=0)
    registered_cvs: int | None = Field(default=None, ge=0)
    new_cvs: int | None = Field(default=None, ge=0)
    registered_firms: int | None = Field(default=None, ge=0)
    new_firms: int | None = Field(default=None, ge=0)
    job_fair_firms: int | None = Field(default=None, ge=0)
    job_fair_hires: int | None = Field(default=None, ge=0)


class YearTargets(_Strict):
    satisfaction_percent: float | None = Field(default=None, ge=0, le=100)
    new_projects: int | None = Field(default=None, ge=0)
    missed_call_rate_percent: float | None = Field(default=None, ge=0, le=100)
    average_response_days: float | None = Field(default=None, ge=0)
    council_events: int | None = Field(default=None, ge=0)
    council_participants: int | None = Field(default=None, ge=0)
    total_requests: int | None = Field(default=None, ge=0)
    total_calls: int | None = Field(default=None, ge=0)
    information_calls: int | None = Field(default=None, ge=0)
    application_calls: int | None = Field(default=None, ge=0)
    missed_calls: int | None = Field(default=None, ge=0)
    completed_calls: int | None = Field(default=None, ge=0)
    # Monitoring forecasts (ÖNGÖRÜLEN) of two figures staff enter per month.
    condolence_visits: int | None = Field(default=None, ge=0)
    funeral_meals: int | None = Field(default=None, ge=0)
    # Forecast requests per channel code (ÖNGÖRÜLEN); channels not listed have none.
    channels: dict[str, int] = Field(default_factory=dict)
    # Goal 4.3.1 ([targets.YEAR.employment]).
    employment: EmploymentTargets = Field(default_factory=EmploymentTargets)

    @field_validator("channels")
    @classmethod
    def _channel_forecasts(cls, value: dict[str, int]) -> dict[str, int]:
        # The channel codes live in core.codes, which imports this module; the pattern
        # at least catches a Turkish label typed where the code belongs.
        for code, count in value.items():
            if not re.match(CODE_PATTERN, code):
                raise ValueError(f"{code!r} is not a channel code such as phone or in_person")
            if count < 0:
                raise ValueError(f"{code}: a forecast cannot be negative")
        return value


class Config(_Strict):
    municipality: Municipality
    bot: BotSettings = BotSettings()
    working_time: WorkingTime = WorkingTime()
    kvkk: Kvkk = Kvkk()
    limits: Limits = Limits()
    schedule: Schedule = Schedule()
    digests: Digests = Digests()
    employment: Employment = Employment()
    web: Web = Web()
    departments: list[Department] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    assemblies: list[Assembly] = Field(default_factory=list)
    targets: dict[int, YearTargets] = Field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.municipality.timezone)

    def department(self, code: str) -> Department:
        return next(d for d in self.departments if d.code == code)

    def category(self, code: str) -> Category:
        return next(c for c in self.categories if c.code == code)


def _items(raw: dict[str, Any], table: str) -> list[tuple[int, dict[str, Any]]]:
    """The entries of an array of tables that are tables, with their indexes."""
    entries = raw.get(table)
    if not isinstance(entries, list):
        return []
    return [(index, item) for index, item in enumerate(entries) if isinstance(item, dict)]


def _cross_check(raw: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Rules that span several tables; each problem comes with the path of the bad key.

    They run on the raw TOML, next to the type checks rather than after them, so a file
    with a wrong type and an unknown reference gets both reported in one run. Values of
    the wrong type are left to the type checks.
    """
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for table in ("departments", "categories", "assemblies"):
        seen: set[str] = set()
        for index, item in _items(raw, table):
            code = item.get("code")
            if not isinstance(code, str):
                continue
            if code in seen:
                problems.append(((table, index, "code"), f"duplicate code {code!r}"))
            seen.add(code)
    # Every department written down counts as known, even one whose code breaks the
    # pattern: that code is reported once, where it is defined. Without a list of
    # departments (a type error already), every category would be "unknown": say nothing.
    departments = {
        item["code"] for _, item in _items(raw, "departments") if isinstance(item.get("code"), str)
    }
    references = _items(raw, "categories") if isinstance(raw.get("departments"), list) else []
    for index, category in references:
        department = category.get("department")
        if isinstance(department, str) and department not in departments:
            problems.append(
                (
                    ("categories", index, "department"),
                    f"unknown department {department!r}; "
                    f"known: {', '.join(sorted(departments)) or '(none)'}",
                )
            )
    for index, assembly in _items(raw, "assemblies"):
        low, high = assembly.get("min_age"), assembly.get("max_age")
        if type(low) is int and type(high) is int and low > high:
            problems.append((("assemblies", index, "max_age"), "max_age is below min_age"))
    return problems


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"]+)\s*=")


def locate(text: str, path: tuple[str | int, ...]) -> int | None:
    """Best-effort line number (1-based) of a dotted key path in a TOML text.

    tomllib keeps no positions, so we walk the table headers, counting
    array-of-tables entries, until the path's table is found, then its key.
    """
    wanted_table = list(path)
    counters: dict[str, int] = {}
    current: list[str | int] = []
    best: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(2).replace('"', "")
            parts: list[str | int] = list(name.split("."))
            if header.group(1) == "[[":
                counters[name] = counters.get(name, -1) + 1
                parts.append(counters[name])
            current = [int(p) if isinstance(p, str) and p.isdigit() else p for p in parts]
            if wanted_table[: len(current)] == current:
                best = number
            continue
        match = _KEY.match(line)
        if not match:
            continue
        key = match.group(1).replace('"', "")
        full = [*current, int(key) if key.isdigit() else key]
        if wanted_table[: len(full)] == full:
            best = number
    return best


def _format_path(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def parse_config(text: str, source: str = "config.toml") -> Config:
    """Parse and validate a config text; raise ConfigError naming every bad key with its line."""
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    problems: list[tuple[tuple[str | int, ...], str]] = []
    config: Config | None = None
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if isinstance(p, str | int))
            problems.append((loc, error["msg"]))
    problems.extend(_cross_check(raw))
    if problems:
        located = [(locate(text, loc), loc, message) for loc, message in problems]
        # In the order of the file, so fixing them is one pass from top to bottom.
        located.sort(key=lambda item: item[0] if item[0] is not None else 0)
        lines = []
        for line, loc, message in located:
            where = f"{source}:{line}" if line else source
            lines.append(f"{where}: {_format_path(loc) or '(top level)'}: {message}")
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines))
    assert config is not None  # validation raised otherwise, and that is a problem above
    return config


def load_config(path: Path | str | None = None) -> Config:
    config_path = Path(path or os.environ.get("KENTBOT_CONFIG") or DEFAULT_CONFIG_PATH)
    try:
        text = config_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read configuration file {config_path}: {exc.strerror}") from exc
    return parse_config(text, source=str(config_path))


def default_database_url() -> str:
    default = f"sqlite:///{DEFAULT_DATA_DIR / 'kentbot.sqlite'}"
    return os.environ.get("KENTBOT_DATABASE_URL") or default


def read_database_url() -> str | None:
    """A streaming replica for heavy reads (db/replica.py), if the deployment has one."""
    return os.environ.get("KENTBOT_READ_DATABASE_URL") or None


def default_api_url() -> str:
    return os.environ.get("KENTBOT_API_URL") or TELEGRAM_API_URL


def file_url_for(api_url: str) -> str:
    """Telegram serves files from /file/bot<token>/...; a self-hosted server does the same."""
    base = api_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("/bot")] + "/file/bot"
    return base + "/file/bot"
