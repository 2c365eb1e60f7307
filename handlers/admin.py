"""/personel: admins manage staff members from Telegram."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ParseMode

from core import staff
from core.codes import STAFF_ROLES
from core.refusals import Refused
from db.engine import transaction
from handlers.common import MAX_TELEGRAM_ID, KentContext, as_id
from handlers.feature import Command, Feature

# Turkish words admins may type for the roles.
ROLE_ALIASES = {
    "yonetici": "admin",
    "yönetici": "admin",
    "amir": "supervisor",
    "personel": "staff",
    "koordinator": "coordinator",
    "koordinatör": "coordinator",
}


def parse_role(word: str) -> str:
    role = ROLE_ALIASES.get(word.lower(), word.lower())
    if role not in STAFF_ROLES:
        raise Refused("unknown_role")
    return role


async def staff_command(update: Update, context: KentContext) -> None:
    """/personel [ekle ID ROL [BIRIM] | sil ID]; without arguments, the list."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = context.texts()
    engine = context.engine
    with transaction(engine) as session:
        allowed = staff.is_admin(context.staff_member(session))
    if not allowed:
        await message.reply_text(t._("This command is for administrators."))
        return
    args = context.args or []
    usage = t._(
        "Usage:\n/personel — list staff\n/personel ekle TELEGRAM_ID ROLE [DEPARTMENT]\n"
        "/personel sil TELEGRAM_ID\nRoles: admin, supervisor, staff, coordinator."
    )
    try:
        with transaction(engine) as session:
            if not args:
                members = staff.listing(session)
                lines = [t._("👥 <b>Staff</b>")]
                for m in members:
                    lines.append(
                        f"• <code>{m.telegram_id}</code> {html.escape(m.name or '')} — "
                        f"{html.escape(t._(STAFF_ROLES[m.role]))}"
                        + (f" · {m.department_code}" if m.department_code else "")
                    )
                reply = "\n".join(lines) + "\n\n" + usage
            elif (
                args[0] in ("ekle", "add", "rol", "set")
                and len(args) in (3, 4)
                and (target := as_id(args[1], MAX_TELEGRAM_ID)) is not None
            ):
                member = staff.appoint(
                    session,
                    context.staff_member(session),
                    target,
                    parse_role(args[2]),
                    args[3] if len(args) == 4 else None,
                )
                reply = t._("✅ {id} is now {role}{department}.").format(
                    id=member.telegram_id,
                    role=t._(STAFF_ROLES[member.role]),
                    department=f" ({member.department_code})" if member.department_code else "",
                )
            elif (
                args[0] in ("sil", "remove")
                and len(args) == 2
                and (target := as_id(args[1], MAX_TELEGRAM_ID)) is not None
            ):
                removed = staff.dismiss(session, context.staff_member(session), target)
                reply = (
                    t._("✅ {id} is no longer staff.") if removed else t._("{id} is not staff.")
                ).format(id=args[1])
            else:
                reply = usage
    except Refused as exc:
        reply = {
            "unknown_role": t._("Unknown role. Roles: admin, supervisor, staff, coordinator."),
            "unknown_department": t._("Unknown department. Departments: {codes}.").format(
                codes=", ".join(d.code for d in context.config.departments)
            ),
            "department_required": t._("Staff and coordinators need a department."),
            "self": t._("You cannot remove yourself."),
            "not_allowed": t._("This command is for administrators."),
        }[exc.reason]
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


FEATURE = Feature(name="admin", commands=(Command(("personel",), staff_command),))
