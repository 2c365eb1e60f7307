"""Copying departments, categories, assemblies and admins from config.toml into the database.

Rows are never deleted: old requests keep pointing at them. What config no
longer lists is marked inactive.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import Session, select

from common.config import Config
from db import reference
from db.models import Assembly, Category, Department, StaffMember


def sync_reference_data(session: Session, config: Config) -> None:
    # The process keeps departments and categories in memory (db.reference): forgotten
    # once the new ones are committed, so no one reads the old ones again meanwhile.
    engine = session.get_bind().engine
    event.listen(session, "after_commit", lambda _session: reference.forget(engine), once=True)
    departments = {d.code: d for d in session.exec(select(Department)).all()}
    for dept in config.departments:
        row = departments.pop(dept.code, None) or Department(code=dept.code, name_tr="")
        row.name_tr, row.name_en = dept.name.tr, dept.name.en
        row.chat_id, row.active = dept.chat_id, True
        session.add(row)
    for stale in departments.values():
        stale.active = False
    session.flush()

    categories = {c.code: c for c in session.exec(select(Category)).all()}
    for cat in config.categories:
        row_c = categories.pop(cat.code, None) or Category(
            code=cat.code, department_code=cat.department, sla_hours=cat.sla_hours, name_tr=""
        )
        row_c.department_code, row_c.sla_hours = cat.department, cat.sla_hours
        row_c.name_tr, row_c.name_en = cat.name.tr, cat.name.en
        row_c.keywords, row_c.active, row_c.civic = list(cat.keywords), True, cat.civic
        session.add(row_c)
    for stale_category in categories.values():
        stale_category.active = False

    assemblies = {a.code: a for a in session.exec(select(Assembly)).all()}
    for asm in config.assemblies:
        row_a = assemblies.pop(asm.code, None) or Assembly(code=asm.code, name_tr="")
        row_a.name_tr, row_a.name_en, row_a.active = asm.name.tr, asm.name.en, True
        session.add(row_a)
    for stale_assembly in assemblies.values():
        stale_assembly.active = False

    existing = {s.telegram_id: s for s in session.exec(select(StaffMember)).all()}
    for admin_id in config.bot.admins:
        member = existing.get(admin_id)
        if member is None:
            session.add(StaffMember(telegram_id=admin_id, role="admin"))
        elif member.role != "admin" or not member.active:
            member.role, member.active = "admin", True
