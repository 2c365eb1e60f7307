"""Names as a reader sees them: a topic's, a department's, an assembly's in the reader's
language (English where one is given, else Turkish), and any value made safe for the
screens' HTML."""

from __future__ import annotations

import html

from common.i18n import N_, Translator
from db.models import Assembly, Category, Department


def esc(value: str | None) -> str:
    return html.escape(value or "")


def category_name(category: Category, t: Translator) -> str:
    return category.name_en if t.language == "en" and category.name_en else category.name_tr


def department_name(department: Department | None, t: Translator) -> str:
    if department is None:
        return "—"
    return department.name_en if t.language == "en" and department.name_en else department.name_tr


def assembly_name(assembly: Assembly, t: Translator) -> str:
    return assembly.name_en if t.language == "en" and assembly.name_en else assembly.name_tr


# The employment centre's events (core.employment.events.KINDS), as people read them.
EVENT_KINDS = {
    "career_training": N_("🎓 Career training"),
    "vocational_training": N_("🛠 Vocational training"),
    "job_fair": N_("🤝 Job fair"),
}


def event_kind_name(kind: str, t: Translator) -> str:
    return t._(EVENT_KINDS[kind]) if kind in EVENT_KINDS else kind
