"""The employment centre's fixed lists; the channels translate them for people."""

from __future__ import annotations

import re

# The department whose staff run the employment centre (config.toml).
DEPARTMENT = "istihdam"

# ISCO-08 unit groups are 4 digits; the 3- and 2-digit prefixes are its minor and
# sub-major groups (core/occupations.py holds the titles).
OCCUPATION = re.compile(r"^\d{4}$")

EDUCATION: tuple[str, ...] = (
    "none",
    "primary",
    "middle",
    "high_school",
    "vocational",
    "associate",
    "bachelor",
    "master",
    "doctorate",
)
AVAILABILITY = ("now", "two_weeks", "month", "later")
WORK_TIMES = ("full", "part", "any")
VACANCY_WORK_TIMES = ("full", "part")

# Turkish driving licence classes (Karayolları Trafik Yönetmeliği), in the
# licence's own order; a CV stores the ones held as "B,C". The CV by chat offers the
# common ones as buttons (F: tractor, G: work machines).
DRIVING_LICENCES = (
    "M", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE", "F", "G",
)  # fmt: skip
COMMON_LICENCES = ("A", "B", "BE", "C", "CE", "D", "F", "G")

# Vacancies: drafted by the employer, sent for approval, published by staff, closed.
VACANCY_STATUSES = ("draft", "pending", "published", "closed")

# Referrals (les emplois de l'inclusion's "candidatures", on the seed's milestones).
REFERRED = "referred"
INTERESTED = "interested"
INTERVIEW = "interview"
JOB_FOUND = "job_found"
STARTED = "started"
DECLINED = "declined"
NOT_HIRED = "not_hired"
CANCELLED = "cancelled"
EXPIRED = "expired"
REFERRAL_STATUSES = (
    REFERRED,
    INTERESTED,
    INTERVIEW,
    JOB_FOUND,
    STARTED,
    DECLINED,
    NOT_HIRED,
    CANCELLED,
    EXPIRED,
)
CLOSED_STATUSES = frozenset({STARTED, DECLINED, NOT_HIRED, CANCELLED, EXPIRED})
NOT_HIRED_REASONS = ("did_not_come", "skills", "candidate_declined", "position_filled", "other")

# Who changed a referral.
STAFF = "staff"
SEEKER = "seeker"
EMPLOYER = "employer"
SYSTEM = "system"
ACTOR_KINDS = (STAFF, SEEKER, EMPLOYER, SYSTEM)
