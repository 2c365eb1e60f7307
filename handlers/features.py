"""The bot's features, in order: the Application, Telegram's command list, the main menu,
the step router, the schedule and the KVKK code all loop over this list. Adding a feature
is one line here (docs/developer-guide.md, "Adding a feature")."""

from __future__ import annotations

from handlers import (
    admin,
    basics,
    council,
    digests,
    employer,
    employment,
    employment_alerts,
    employment_events,
    employment_staff,
    filing,
    guard,
    my_requests,
    outbox,
    privacy,
    setup,
    staff_desk,
    survey,
    web_panel,
)
from handlers.feature import Feature

FEATURES: tuple[Feature, ...] = (
    basics.FEATURE,
    filing.FEATURE,
    my_requests.FEATURE,
    staff_desk.FEATURE,
    council.FEATURE,
    employment.FEATURE,
    employer.FEATURE,
    employment_staff.FEATURE,
    employment_alerts.FEATURE,
    employment_events.FEATURE,
    survey.FEATURE,
    digests.FEATURE,
    privacy.FEATURE,
    admin.FEATURE,
    web_panel.FEATURE,
    setup.FEATURE,
    outbox.FEATURE,
    guard.FEATURE,
)
