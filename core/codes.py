"""The codes stored in the database (ASCII) and their labels, translated where shown."""

from __future__ import annotations

from common.i18n import N_

REQUEST_TYPES: dict[str, str] = {
    "talep": N_("Request"),
    "sikayet": N_("Complaint"),
    "bilgi": N_("Question"),
    "oneri": N_("Suggestion"),
    "tesekkur": N_("Thanks"),
}

CHANNELS: dict[str, str] = {
    "telegram": N_("Telegram"),
    "phone": N_("Call centre"),
    "in_person": N_("In person (Solution Centre)"),
    "web": N_("Call centre via internet"),
    "bilgi_edinme": N_("Freedom of information"),
    "cimer": N_("CİMER"),
    "ibb": N_("İBB"),
    "acik_kapi": N_("Açık Kapı"),
    "facebook": N_("Facebook"),
    "twitter": N_("Twitter"),
    "instagram": N_("Instagram"),
    "whatsapp": N_("WhatsApp"),
}

STATUSES: dict[str, str] = {
    "new": N_("Received"),
    "assigned": N_("Being handled"),
    "answered": N_("Answered"),
    "resolved": N_("Resolved"),
    "rejected": N_("Rejected"),
    "cancelled": N_("Withdrawn"),
    "reopened": N_("Reopened"),
}

OPEN_STATUSES = frozenset({"new", "assigned", "answered", "reopened"})

STAFF_ROLES: dict[str, str] = {
    "admin": N_("Administrator"),
    "supervisor": N_("Supervisor"),
    "staff": N_("Staff"),
    "coordinator": N_("Council coordinator"),
}
