"""The performance report in the programme's own layout, as xlsx, Markdown or CSV.

The layout is the seed's (performance programme 2025, goal 7.1.1): a
"PERFORMANS GÖSTERGELERİ" table of six numbered indicators with a HEDEFLENEN
(target) column, then "İZLEME GÖSTERGELERİ", the monitoring rows, with an
ÖNGÖRÜLEN (forecast) column; labels and units follow the seed, with its slips
corrected (şikâyet, "Engelliler Meclisi", people counted in [kişi], funeral meals
included, one spelling of "Çağrı Merkezine", "şikâyet-talep", "müracaatı sayısı" and
WhatsApp), so the table can be pasted into next year's programme. A third table,
clearly marked as not part of the programme, monitors the council's check-ins
(attendance and no-show rates).
GERÇEKLEŞEN is the year up to `until`, and never beyond today: what has not happened
yet is not counted, so `/rapor` and `kentbot report` give the same figures for the
same period, and the title names that period.

Markdown and CSV carry Turkish-formatted strings (Babel: 148.748, %13,4); the
xlsx carries real numbers with Excel number formats, so the figures stay
numbers a civil servant can sum, and Excel shows them in the reader's locale.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from babel.dates import format_datetime
from sqlmodel import Session

from common.config import Config
from common.i18n import Translator, translator
from core import codes
from core.employment import events as employment_events
from core.employment import indicators as employment
from core.employment.indicators import EmploymentIndicators
from core.indicators import GENERAL_ASSEMBLY, Indicators, compute
from core.periods import Period, between

PERFORMANCE = "PERFORMANS GÖSTERGELERİ"
MONITORING = "İZLEME GÖSTERGELERİ"
ACTUAL = "GERÇEKLEŞEN"
TARGET = "HEDEFLENEN"
FORECAST = "ÖNGÖRÜLEN"
UNIT = "Birim"
EMPTY = "-"
ATTENDANCE = "EK İZLEME: KENT KONSEYİ KATILIMI (performans programının göstergesi değildir)"
GOAL = (
    "PERFORMANS HEDEFİ 7.1.1. Paydaş ilişkilerini teknolojik ve yüz yüze iletişim "
    "kanalları ile güçlendirmek, vatandaşların ve kurumların kent kararlarına "
    "katılımlarını sağlamak."
)
EMPLOYMENT_GOAL = (
    "PERFORMANS HEDEFİ 4.3.1. İstihdam Merkezi uygulamasıyla iş arayanları iş verenlerle "
    "buluşturmak."
)
# The seed's footnotes to goal 4.3.1, with ³ worded as the seed's numbers compute it
# (467 ÷ 6.062 = %7,7), ² saying where this bot's figures come from, and ⁴ how trainings
# and the job fair are recorded (events of the bot, core.employment.events).
EMPLOYMENT_NOTES = (
    "¹ İşe yönlendirilen kişiler, iş görüşmesine gittikten sonra işi tercih etmez ya da kurum "
    "tarafından kabul edilmez ise başka işlere yönlendirilmektedir. Dolayısıyla bir kişi "
    "birden fazla işe yönlendirilebilmektedir.",
    "² İş bulunan ve işe başlayan kişiler, İstihdam Merkezinin yönlendirmelerinden (Kent Bot "
    "ve portal içe aktarımı) hesaplanmıştır; her kişi dönem içinde bir kez sayılır. İŞKUR "
    "verileri dâhil değildir.",
    "³ İşe başlayan kişi sayısının iş bulunan kişi sayısına bölünmesiyle elde edilmiştir.",
    "⁴ Eğitim hedefi, her ay bir eğitim olmak üzere hesaplanmıştır. Eğitimler, Kent Bot'ta "
    "kaydedilip dönem içinde yapılan (iptal edilmemiş ve bitmiş) kariyer ve meslek "
    "eğitimleridir; fuar rakamları, personelin kaydettiği katılan firmalar ve bu firmaların "
    "fuarda işe aldığı kişilerdir. Kent Bot'tan önceki dönemler için kayıt yoktur.",
)
MISSED_CALLS_NOTE = (
    "*Kaçan çağrı oranı, kaçan çağrı sayısının toplam çağrı sayısına oranı ile belirlenmiştir."
)
REQUESTS_NOTE = (
    "**Gelen talep ve şikâyet sayısı; Telefonla, Şahsen, İnternet, Açık Kapı, Bilgi Edinme, "
    "İBB, CİMER, sosyal medya ve Kent Bot (Telegram) başvuruları dâhil toplam sayıdır."
)
# WhatsApp requests are counted from this day on: the seed's "***" footnote explains the
# empty cells of the years before it, and has nothing to say about a later year.
WHATSAPP_SINCE = date(2024, 5, 29)
WHATSAPP_NOTE = "***29/05/2024 tarihinden itibaren"
# Where each figure comes from, as the code computes it.
SOURCES = (
    "Kaynaklar: Kent Bot (Telegram) talepleri, memnuniyet anketi yanıtları, Kent Konseyi "
    "etkinlikleri, kayıtları ve kapı girişleri Kent Bot'tan; diğer kanallardan gelen talepler "
    "talep içe aktarımından (kentbot import requests); çağrı merkezi rakamları çağrı merkezi "
    "içe aktarımından (kentbot import calls).",
    "Yeni proje sayısı (2. gösterge), taziye ziyaretleri ve cenaze yemekleri, personelin "
    "personel masasında (/masa/rakamlar) her ay için girdiği rakamların dönem içindeki "
    "aylarının toplamıdır; hiçbir ayı girilmemiş rakamın GERÇEKLEŞEN hücresi boştur (-).",
    "İstihdam Merkezi rakamları (hedef 4.3.1) CV, firma ve yönlendirme kayıtlarından: Kent "
    "Bot'tan ve portal içe aktarımından (kentbot import jobseekers, employers, referrals).",
    "Bir Kent Konseyi etkinliği iptal edilmemişse, dönem içinde başlamışsa ve dönem sona "
    "ermeden, rapor oluşturulmadan önce bitmişse gerçekleşmiş sayılır.",
    "Katılım oranı: gerçekleşen etkinliklerde kapıda girişi yapılan kişilerin yer ayırtan "
    "(kayıtlı) kişilere oranı; kalanlar kayıtlı olup gelmeyenlerdir. Bu oranlar izleme "
    "amaçlıdır, performans programının göstergesi değildir.",
)

# The seed's row labels, per channel and per assembly, in the seed's order.
CHANNEL_LABELS: dict[str, str] = {
    "in_person": "Çözüm Merkezine şahsen gelen şikâyet-talep sayısı",
    "phone": "Çağrı Merkezine gelen şikâyet-talep sayısı",
    "web": "Çağrı Merkezine internet yoluyla gelen şikâyet-talep sayısı",
    "bilgi_edinme": "Bilgi Edinme müracaatı sayısı",
    "cimer": "CİMER müracaatı sayısı",
    "ibb": "İBB müracaatı sayısı",
    "acik_kapi": "Açık Kapı müracaatı sayısı",
    "facebook": "Sosyal Medya - Facebook müracaatı sayısı",
    "twitter": "Sosyal Medya - Twitter müracaatı sayısı",
    "instagram": "Sosyal Medya - Instagram müracaatı sayısı",
    "whatsapp": "Sosyal Medya - WhatsApp müracaatı sayısı",
    # Not in the seed: this bot is the new channel, and the total must stay complete.
    "telegram": "Kent Bot (Telegram) müracaatı sayısı",
}
EVENT_LABELS: dict[str, str] = {
    "genel_kurul": "Kent Konseyi Genel Kurul toplantı sayısı",
    "kidemli": "Kıdemli Hemşehri Meclisi etkinlik sayısı",
    "kadin": "Kadınlar Meclisi etkinlik sayısı",
    "genclik": "Gençlik Meclisi etkinlik sayısı",
    "cocuk": "Çocuk Meclisi etkinlik sayısı",
    "engelli": "Engelliler Meclisi etkinlik sayısı",
}
MEMBER_LABELS: dict[str, str] = {
    "kidemli": "Kıdemli Hemşehri Meclisi üye sayısı",
    "kadin": "Kadınlar Meclisi üye sayısı",
    "genclik": "Gençlik Meclisi üye sayısı",
    "cocuk": "Çocuk Meclisi üye sayısı",
    "engelli": "Engelliler Meclisi üye sayısı",
}
GENERAL_ASSEMBLY_PARTICIPANTS = "Kent Konseyi Genel Kurul katılımcı sayısı"
# The seed's "(SOSYAL)" monitoring rows, entered by staff per month (core/monthly_figures.py).
CONDOLENCE_VISITS = "(SOSYAL) - Taziye ziyareti için gidilen aile sayısı"
FUNERAL_MEALS = "(SOSYAL) - Cenaze yemeği ikram edilen kişi sayısı"

Value = float | int | None


@dataclass(frozen=True)
class Row:
    """One line of the table. `kind` is count, percent (values are ratios) or days;
    `number` ("1.") marks the seed's numbered rows, the others sit beneath them."""

    label: str
    unit: str
    kind: str
    actual: Value
    target: Value
    number: str | None = None
    key: str = ""

    @property
    def text(self) -> str:
        return f"{self.number} {self.label}" if self.number else self.label


@dataclass(frozen=True)
class Section:
    title: str
    target_heading: str
    rows: tuple[Row, ...]
    # The council's attendance is monitored without a target or forecast.
    has_target: bool = True
    # A goal's heading printed above its first table ("PERFORMANS HEDEFİ 4.3.1. ...").
    goal: str = ""


@dataclass(frozen=True)
class Report:
    municipality: str
    year: int
    first: date
    last: date  # the last day GERÇEKLEŞEN covers: the year's end, `until` or today
    generated_at: datetime  # in the municipality's time zone
    period: Period
    indicators: Indicators
    sections: tuple[Section, ...]
    footnotes: tuple[str, ...] = ()
    employment: EmploymentIndicators | None = None

    @property
    def partial(self) -> bool:
        return self.last != date(self.year, 12, 31)

    @property
    def period_text(self) -> str:
        """The period GERÇEKLEŞEN covers, e.g. "1 Ocak – 6 Aralık 2026"."""
        return _tr().interval(self.first, self.last)

    @property
    def title(self) -> str:
        return (
            f"{self.municipality} — {self.year} Yılı Performans Göstergeleri ({self.period_text})"
        )

    @property
    def generated(self) -> str:
        """ "Oluşturulma: 6 Aralık 2026 15:40" """
        when = format_datetime(self.generated_at, "d MMMM y HH:mm", locale=_tr().locale)
        return f"Oluşturulma: {when}"

    @property
    def actual_heading(self) -> str:
        """The year under GERÇEKLEŞEN, like the seed's "2024 (6 Aylık)"."""
        if not self.partial:
            return str(self.year)
        return f"{self.year} ({_tr().date(self.last, 'short')} tarihine kadar)"

    @property
    def target_year(self) -> str:
        return str(self.year)


def _tr() -> Translator:
    return translator("tr")


def _percent(value: float | None) -> float | None:
    return None if value is None else value / 100


def _assembly_name(config: Config, code: str) -> str:
    found = next((a for a in config.assemblies if a.code == code), None)
    return found.name.tr if found else code


def _performance_rows(figures: Indicators) -> tuple[Row, ...]:
    target = figures.target
    return (
        Row(
            "Halkla ilişkiler hizmetleri vatandaş memnuniyeti",
            "[%]",
            "percent",
            _percent(figures.satisfaction_percent),
            _percent(_float(target("satisfaction_percent"))),
            "1.",
            "satisfaction_percent",
        ),
        Row(
            "Halkla ilişkiler alanında hazırlanan yeni proje sayısı",
            "[adet]",
            "count",
            figures.new_projects,
            target("new_projects"),
            "2.",
            "new_projects",
        ),
        Row(
            "Kaçan çağrı oranı*",
            "[%]",
            "percent",
            figures.missed_call_rate,
            target("missed_call_rate"),
            "3.",
            "missed_call_rate",
        ),
        Row(
            "Talep ve şikâyet ile ilgili ortalama geri dönüş süresi",
            "[gün]",
            "days",
            figures.average_response_days,
            target("average_response_days"),
            "4.",
            "average_response_days",
        ),
        Row(
            "Kent Konseyi toplam etkinlik sayısı",
            "[adet]",
            "count",
            figures.council_events_total,
            target("council_events_total"),
            "5.",
            "council_events_total",
        ),
        Row(
            "Kent Konseyi toplam katılımcı sayısı",
            "[kişi]",
            "count",
            figures.council_participants_total,
            target("council_participants_total"),
            "6.",
            "council_participants_total",
        ),
    )


def _float(value: Value) -> float | None:
    return None if value is None else float(value)


def _monitoring_rows(config: Config, figures: Indicators, whatsapp_note: bool) -> tuple[Row, ...]:
    target = figures.target
    rows = [
        Row(
            "Toplam gelen talep ve şikâyet sayısı**",
            "[adet]",
            "count",
            figures.requests_total,
            target("requests_total"),
            "1.",
            "requests_total",
        )
    ]
    channels = [c for c in CHANNEL_LABELS if c in figures.requests_by_channel]
    channels += [c for c in figures.requests_by_channel if c not in channels]
    for channel in channels:
        label = CHANNEL_LABELS.get(channel) or f"{codes.CHANNELS.get(channel, channel)} sayısı"
        if channel == "whatsapp" and whatsapp_note:
            label += "***"
        key = f"requests_by_channel.{channel}"
        rows.append(
            Row(
                label, "[adet]", "count", figures.requests_by_channel[channel], target(key), key=key
            )
        )
    rows += [
        Row(
            'Çağrı Merkezine gelen "toplam çağrı" sayısı',
            "[adet]",
            "count",
            figures.calls_total,
            target("calls_total"),
            "2.",
            "calls_total",
        ),
        Row(
            '"Bilgi amaçlı çağrı" sayısı',
            "[adet]",
            "count",
            figures.calls_information,
            target("calls_information"),
            key="calls_information",
        ),
        Row(
            '"Başvuru amaçlı çağrı" sayısı (gelen şikâyet talep sayısı)',
            "[adet]",
            "count",
            figures.calls_application,
            target("calls_application"),
            key="calls_application",
        ),
        Row(
            "Kaçan çağrı sayısı",
            "[adet]",
            "count",
            figures.calls_missed,
            target("calls_missed"),
            key="calls_missed",
        ),
        Row(
            "Tamamlanan çağrı sayısı",
            "[adet]",
            "count",
            figures.calls_completed,
            target("calls_completed"),
            key="calls_completed",
        ),
        Row(
            "Kent Konseyi toplantı/etkinlik sayısı",
            "[adet]",
            "count",
            figures.council_events_total,
            target("council_events_total"),
            "3.",
            "council_events_total",
        ),
    ]
    for code, count in figures.council_events.items():
        label = EVENT_LABELS.get(code) or f"{_assembly_name(config, code)} etkinlik sayısı"
        key = f"council_events.{code}"
        rows.append(Row(label, "[adet]", "count", count, target(key), key=key))
    rows.append(
        Row(
            "Kent Konseyi toplantı/etkinlik katılımcı sayısı",
            "[kişi]",
            "count",
            figures.council_participants_total,
            target("council_participants_total"),
            "4.",
            "council_participants_total",
        )
    )
    key = f"council_participants.{GENERAL_ASSEMBLY}"
    rows.append(
        Row(
            GENERAL_ASSEMBLY_PARTICIPANTS,
            "[kişi]",
            "count",
            figures.council_participants.get(GENERAL_ASSEMBLY, 0),
            target(key),
            key=key,
        )
    )
    for code, count in figures.council_members.items():
        if code == GENERAL_ASSEMBLY:
            continue
        label = MEMBER_LABELS.get(code) or f"{_assembly_name(config, code)} üye sayısı"
        key = f"council_members.{code}"
        rows.append(Row(label, "[kişi]", "count", count, target(key), key=key))
    rows += [
        Row(
            CONDOLENCE_VISITS,
            "[aile]",
            "count",
            figures.condolence_visits,
            target("condolence_visits"),
            "5.",
            "condolence_visits",
        ),
        # The seed writes [aile]; the row counts the people served, so [kişi].
        Row(
            FUNERAL_MEALS,
            "[kişi]",
            "count",
            figures.funeral_meals,
            target("funeral_meals"),
            "6.",
            "funeral_meals",
        ),
    ]
    return tuple(rows)


def _attendance_rows(config: Config, figures: Indicators) -> tuple[Row, ...]:
    """Check-ins at held events: monitoring only, no target (not a programme indicator)."""
    seats = figures.council_seats
    rows = [
        Row(
            "Gerçekleşen Kent Konseyi etkinliklerine kayıtlı kişi sayısı",
            "[kişi]",
            "count",
            sum(seats.values()),
            None,
            "1.",
            "council_seats",
        ),
        Row(
            "Kapıda girişi yapılan kişi sayısı",
            "[kişi]",
            "count",
            sum(figures.council_participants.get(code, 0) for code in seats),
            None,
            "2.",
            "council_checked_in",
        ),
        Row(
            "Katılım oranı (girişi yapılan / kayıtlı)",
            "[%]",
            "percent",
            figures.attendance_rate(),
            None,
            "3.",
            "attendance_rate",
        ),
    ]
    rows += [
        Row(
            f"{_assembly_name(config, code)} katılım oranı",
            "[%]",
            "percent",
            figures.attendance_rate(code),
            None,
            key=f"attendance_rate.{code}",
        )
        for code in seats
    ]
    rows.append(
        Row(
            "Kayıtlı olup gelmeyenlerin oranı",
            "[%]",
            "percent",
            figures.no_show_rate(),
            None,
            "4.",
            "no_show_rate",
        )
    )
    rows += [
        Row(
            f"{_assembly_name(config, code)} kayıtlı olup gelmeyenlerin oranı",
            "[%]",
            "percent",
            figures.no_show_rate(code),
            None,
            key=f"no_show_rate.{code}",
        )
        for code in seats
    ]
    return tuple(rows)


def _employment_rows(figures: EmploymentIndicators) -> tuple[Section, Section]:
    """Goal 4.3.1 in the seed's two tables. Trainings and the job fair come from the bot's
    events (footnote ⁴); without an events source (None) their cells read "-"."""
    target = figures.target

    def row(label: str, unit: str, key: str, number: str = "", kind: str = "count") -> Row:
        return Row(label, unit, kind, getattr(figures, key), target(key), number or None, key)

    performance = (
        row("İşe başlayanların oranı ³", "[%]", "starter_rate", "1.", "percent"),
        row(
            "İstihdam Merkezi aracılığıyla işe başlayan kişi sayısı",
            "[kişi]",
            "people_started",
            "2.",
        ),
        row("İş bulunan kişi sayısı ²", "[kişi]", "people_job_found", "3."),
        # The seed writes [kişi]; a person may be referred many times, so referrals are [adet].
        row("İşe yönlendirme sayısı ¹", "[adet]", "referrals", "4."),
        row("Kariyer ve meslek eğitimlerinin sayısı ⁴", "[adet]", "trainings", "5."),
    )
    monitoring = (
        row("İstihdam Merkezine kayıtlı toplam CV sayısı", "[kişi]", "registered_cvs", "1."),
        row("İstihdam Merkezine yeni kayıt CV sayısı", "[kişi]", "new_cvs", "2."),
        row("İstihdam Merkezine kayıtlı toplam firma sayısı", "[adet]", "registered_firms", "3."),
        row("İstihdam Merkezine yeni kayıt firma sayısı", "[adet]", "new_firms", "4."),
        row("Kariyer ve meslek eğitimlerinin sayısı", "[adet]", "trainings", "5."),
        row("İstihdam fuarına katılan firma sayısı ⁴", "[adet]", "job_fair_firms", "6."),
        row("İstihdam fuarında iş bulunan kişi sayısı ⁴", "[kişi]", "job_fair_hires", "7."),
    )
    return (
        Section(PERFORMANCE, TARGET, performance, goal=EMPLOYMENT_GOAL),
        Section(MONITORING, FORECAST, monitoring),
    )


def build_report(
    session: Session, config: Config, year: int, until: date | None, now: datetime
) -> Report:
    """The year's report as of `now`: GERÇEKLEŞEN covers 1 January to `until` (default the
    year's end), and never beyond today, since what has not happened is not counted.

    A year that has not started is refused (ValueError), as is an `until` before it.
    """
    today = now.astimezone(config.tz).date()
    first, last = date(year, 1, 1), date(year, 12, 31)
    if until is not None:
        if until < first:
            raise ValueError(f"{until} is before the year {year} starts")
        last = min(until, last)
    if first > today:
        raise ValueError(f"the year {year} has not started yet")
    last = min(last, today)
    span = between(first, last, config.tz)
    if last == date(year, 12, 31):
        span = Period(span.start, span.end, "year", str(year))
    figures = compute(session, config, span, now)
    jobs = employment.compute(session, config, span, now, employment_events.RECORDED)
    return Report(
        config.municipality.name,
        year,
        first,
        last,
        now.astimezone(config.tz),
        span,
        figures,
        sections(config, figures, jobs, first),
        footnotes(first),
        jobs,
    )


def sections(
    config: Config, figures: Indicators, jobs: EmploymentIndicators | None, first: date
) -> tuple[Section, ...]:
    """The report's tables from figures already computed: a fresh `compute` (the report)
    or a stored snapshot (the public dashboard), so the two can never differ. `first` is
    the period's first day (it decides WhatsApp's footnote); without goal 4.3.1's
    figures (a snapshot stored before it) its tables are left out."""
    whatsapp_note = first < WHATSAPP_SINCE
    tables: tuple[Section, ...] = (
        Section(PERFORMANCE, TARGET, _performance_rows(figures)),
        Section(MONITORING, FORECAST, _monitoring_rows(config, figures, whatsapp_note)),
        Section(ATTENDANCE, "", _attendance_rows(config, figures), has_target=False),
    )
    if jobs is not None:
        tables += _employment_rows(jobs)
    return tables


def footnotes(first: date) -> tuple[str, ...]:
    """The report's footnotes for a period starting on `first`."""
    notes: tuple[str, ...] = (MISSED_CALLS_NOTE, REQUESTS_NOTE)
    if first < WHATSAPP_SINCE:
        notes += (WHATSAPP_NOTE,)
    return notes + EMPLOYMENT_NOTES + SOURCES


# --- Turkish strings (Markdown, CSV) -------------------------------------------------------


def half_up(value: float, digits: int) -> float:
    """Rounded as Excel and a civil servant round (0,9425 -> 0,943), not to even as
    Babel and round() do, so the Markdown/CSV figures match the xlsx ones."""
    step = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def _days(value: float) -> float | int:
    """Whole days without decimals ("2"), others with one ("2,3")."""
    rounded = half_up(value, 1)
    return int(rounded) if rounded == int(rounded) else rounded


def format_value(kind: str, value: Value, tr: Translator | None = None) -> str:
    """A cell as a Turkish civil servant writes it: 148.748, %13,4, 2 (days), "-" if none."""
    if value is None:
        return EMPTY
    tr = tr or _tr()
    if kind == "percent":
        return tr.percent(half_up(float(value), 3), 1)
    if kind == "days":
        return tr.number(_days(float(value)))
    return tr.number(int(value))


def rounded(kind: str, value: Value) -> Value:
    """A cell's number exactly as `format_value` prints it, for open data: a percent in
    percent (13.4 for %13,4, rounded the same way), days with at most one decimal, counts
    whole; None stays None."""
    if value is None:
        return None
    if kind == "percent":
        return float(Decimal(repr(half_up(float(value), 3))).scaleb(2))
    if kind == "days":
        return _days(float(value))
    return int(value)


def _headings(report: Report, section: Section) -> list[list[str]]:
    target_year = report.target_year if section.has_target else ""
    return [
        [section.title, UNIT, ACTUAL, section.target_heading],
        ["", "", report.actual_heading, target_year],
    ]


def _table(report: Report, section: Section) -> list[list[str]]:
    """The section as the seed prints it: two heading lines, then one line per row."""
    lines = _headings(report, section)
    lines += [
        [row.text, row.unit, format_value(row.kind, row.actual), format_value(row.kind, row.target)]
        for row in section.rows
    ]
    return lines


def write_markdown(report: Report) -> str:
    def cell(text: str) -> str:
        # Labels carry the seed's footnote asterisks, which Markdown would read as emphasis.
        return text.replace("|", "\\|").replace("*", "\\*")

    out = [f"# {report.title}", "", report.generated, "", f"**{GOAL}**", ""]
    for section in report.sections:
        if section.goal:
            out += [f"**{section.goal}**", ""]
        heading, years, *rows = _table(report, section)
        out.append(
            f"| {heading[0]} | {heading[1]} | {heading[2]} {years[2]} | {heading[3]} {years[3]} |"
        )
        out.append("|---|:-:|--:|--:|")
        for row, values in zip(section.rows, rows, strict=True):
            label = cell(values[0])
            if row.number:
                label = f"**{label}**"
            out.append(f"| {label} | {values[1]} | {values[2]} | {values[3]} |")
        out.append("")
    out += [cell(note) + "  " for note in report.footnotes]
    return "\n".join(out) + "\n"


def write_csv(report: Report) -> str:
    """Semicolon-separated, as Excel expects in a Turkish locale (the comma is the decimal
    sign there). Write it with encoding="utf-8-sig" so Excel reads the Turkish letters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([report.title])
    writer.writerow([report.generated])
    writer.writerow([GOAL])
    for section in report.sections:
        writer.writerow([])
        if section.goal:
            writer.writerow([section.goal])
        writer.writerows(_table(report, section))
    writer.writerow([])
    writer.writerows([note] for note in report.footnotes)
    return buffer.getvalue()


# --- xlsx ----------------------------------------------------------------------------------

COUNT_FORMAT = "#,##0"
# The sign first, as Turkish writes it (%13,4); a "%" anywhere in an Excel or LibreOffice
# format multiplies by 100, so the cell keeps the ratio (0.134) and sums like a number.
PERCENT_FORMAT = "%0.0"
DAYS_FORMAT = "0.0"
WHOLE_DAYS_FORMAT = "0"


def number_format(kind: str, value: float | int) -> str:
    if kind == "percent":
        return PERCENT_FORMAT
    if kind == "days":
        return WHOLE_DAYS_FORMAT if isinstance(_days(float(value)), int) else DAYS_FORMAT
    return COUNT_FORMAT


def write_xlsx(report: Report, path: Path | str) -> None:
    """The table as a worksheet: numbers stay numbers, with Excel number formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"Performans {report.year}"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    heading_fill = PatternFill("solid", fgColor="D9E1F2")
    bold = Font(bold=True)

    sheet.merge_cells("A1:D1")
    sheet["A1"] = report.title
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells("A2:D2")
    sheet["A2"] = report.generated
    sheet["A2"].font = Font(italic=True, size=9)
    sheet.merge_cells("A3:D3")
    sheet["A3"] = GOAL
    sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 32
    line = 5
    for section in report.sections:
        if section.goal:
            sheet.merge_cells(start_row=line, end_row=line, start_column=1, end_column=4)
            goal = sheet.cell(line, 1, section.goal)
            goal.font = bold
            goal.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[line].height = 32
            line += 2
        for values in _headings(report, section):
            for column, heading in enumerate(values, start=1):
                cell = sheet.cell(line, column, heading)
                cell.font, cell.fill, cell.border = bold, heading_fill, border
                cell.alignment = Alignment(
                    horizontal="left" if column == 1 else "center",
                    vertical="center",
                    wrap_text=True,
                )
            line += 1
        # As in the seed: the section title and the unit span both heading lines.
        sheet.merge_cells(start_row=line - 2, end_row=line - 1, start_column=1, end_column=1)
        sheet.merge_cells(start_row=line - 2, end_row=line - 1, start_column=2, end_column=2)
        if report.partial:
            # Spreadsheet programs do not grow a row for wrapped text written by a library.
            sheet.row_dimensions[line - 1].height = 30
        for row in section.rows:
            label = sheet.cell(line, 1, row.text)
            label.alignment = Alignment(indent=0 if row.number else 1, wrap_text=True)
            unit = sheet.cell(line, 2, row.unit)
            unit.alignment = Alignment(horizontal="center")
            for column, value in ((3, row.actual), (4, row.target)):
                cell = sheet.cell(line, column)
                if value is None:
                    cell.value = EMPTY
                    cell.alignment = Alignment(horizontal="right")
                else:
                    cell.value = value
                    cell.number_format = number_format(row.kind, value)
            for column in range(1, 5):
                sheet.cell(line, column).border = border
                if row.number:
                    sheet.cell(line, column).font = bold
            line += 1
        line += 1
    for note in report.footnotes:
        cell = sheet.cell(line, 1, note)
        cell.font = Font(italic=True, size=9)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=line, end_row=line, start_column=1, end_column=4)
        # Rows do not grow by themselves; about 120 small letters fit across the table.
        sheet.row_dimensions[line].height = 12 * (1 + len(note) // 120)
        line += 1
    for letter, width in (("A", 62), ("B", 9), ("C", 16), ("D", 16)):
        sheet.column_dimensions[letter].width = width
    # One page wide when printed or exported to PDF.
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:3"
    book.save(Path(path))


__all__ = [
    "Report",
    "Row",
    "Section",
    "build_report",
    "footnotes",
    "format_value",
    "rounded",
    "sections",
    "write_csv",
    "write_markdown",
    "write_xlsx",
]
