"""The tables: citizens, requests and their audit trail, staff, call-centre days, the council.

Times are aware UTC datetimes (see db.types.UTCDateTime); codes are ASCII.
Indexes follow what the indicators filter and group by: time, channel, type,
department, status.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Text, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from db.types import TelegramId, UTCDateTime, utcnow


def _time(*, index: bool = False, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime, index=index, nullable=nullable))


def _created(*, index: bool = True) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=index))


def _tg_id(*, unique: bool = False, index: bool = False, nullable: bool = True) -> Any:
    return Field(
        default=None,
        sa_column=Column(TelegramId, unique=unique, index=index, nullable=nullable),
    )


class Citizen(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = _tg_id(unique=True)
    first_name: str | None = Field(default=None, max_length=128)
    last_name: str | None = Field(default=None, max_length=128)
    username: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    language: str | None = Field(default=None, max_length=8)
    telegram_language: str | None = Field(default=None, max_length=16)
    birth_date: date | None = None
    consent_at: datetime | None = _time()
    blocked_at: datetime | None = _time()
    deleted_at: datetime | None = _time()
    created_at: datetime = _created()


class Department(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name_tr: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    chat_id: int | None = _tg_id(index=True)
    active: bool = True


class Category(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    department_code: str = Field(foreign_key="department.code", max_length=32, index=True)
    sla_hours: int
    name_tr: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    # About the city's streets, parks and public order (config.toml `civic`).
    civic: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class StaffMember(SQLModel, table=True):
    __tablename__ = "staff_member"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = _tg_id(unique=True, nullable=False)
    name: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=16, index=True)  # admin, supervisor, staff, coordinator
    department_code: str | None = Field(default=None, foreign_key="department.code", max_length=32)
    active: bool = True
    created_at: datetime = _created()


class RequestCounter(SQLModel, table=True):
    """The last public number given each year; numbers are never reused."""

    __tablename__ = "request_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class Request(SQLModel, table=True):
    __table_args__ = (
        # Both cover what an indicator aggregate reads, so a year of requests is counted
        # from the index alone instead of one table lookup per row (bench/README.md, 4).
        Index("ix_request_channel_created_type", "channel", "created_at", "type"),
        Index("ix_request_created_first_response", "created_at", "first_response_at"),
        Index("ix_request_department_status", "department_code", "status"),
        # The SLA sweep, the digests and the desk look for due times of unanswered requests
        # only; answered ones (most of them, and most imported rows) stay out of it.
        Index(
            "ix_request_due_unanswered",
            "due_at",
            sqlite_where=text("first_response_at IS NULL"),
            postgresql_where=text("first_response_at IS NULL"),
        ),
        # An import matches a file's rows against the imported requests received within
        # the file's span (core.imports._ids_by_key): these, and not the chat's requests
        # of those days, nor every imported key of every year (migration 0028).
        Index(
            "ix_request_imported_created",
            "created_at",
            sqlite_where=text("import_key IS NOT NULL"),
            postgresql_where=text("import_key IS NOT NULL"),
        ),
        # One request per id of another system's row, per channel: a corrected row
        # re-exported by the call centre finds its request (core.imports). Partial, so the
        # many requests without one (the chat's) are not in it and NULLs never collide,
        # the same way on SQLite and PostgreSQL.
        Index(
            "ux_request_channel_source_id",
            "channel",
            "source_id",
            unique=True,
            sqlite_where=text("source_id IS NOT NULL"),
            postgresql_where=text("source_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=16, unique=True)
    # Not indexed alone: ix_request_channel_created_type begins with the channel, and
    # nothing reads by type alone (migration 0027).
    channel: str = Field(max_length=16)
    type: str = Field(max_length=16)
    category_code: str = Field(foreign_key="category.code", max_length=32)
    department_code: str = Field(foreign_key="department.code", max_length=32)
    citizen_id: int | None = Field(default=None, foreign_key="citizen.id", index=True)
    text: str
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = Field(default=None, max_length=500)
    contact_phone: str | None = Field(default=None, max_length=32)
    status: str = Field(max_length=16, index=True, default="new")
    created_at: datetime = _created(index=False)  # ix_request_created_first_response
    first_response_at: datetime | None = _time()  # read with created_at (the index above)
    resolved_at: datetime | None = _time(index=True)
    due_at: datetime | None = _time()  # read only while unanswered (the partial index above)
    assignee_id: int | None = Field(default=None, foreign_key="staff_member.id")
    card_chat_id: int | None = _tg_id()
    card_message_id: int | None = None
    # When the card was marked overdue and the supervisors were told (once).
    overdue_marked_at: datetime | None = _time()
    # When staff were reminded that 80 % of the working-time target is used (once).
    sla_reminded_at: datetime | None = _time()
    # The satisfaction survey: asked once on resolution, asked again once after 3 days.
    survey_asked_at: datetime | None = _time()
    survey_reminded_at: datetime | None = _time()
    # A hash of an imported row, so importing the same file twice adds nothing.
    import_key: str | None = Field(default=None, max_length=64, unique=True)
    # The other system's own id of an imported row (the CSV's `source_id`), if it gave one.
    source_id: str | None = Field(default=None, max_length=64)
    updated_at: datetime = _created(index=False)
    # The requester agreed that the description may be shown publicly (Open311's GET,
    # the dashboard). Nobody agreed by default; the chat does not ask.
    publish_consent: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class ApiKey(SQLModel, table=True):
    """A key that lets an application post requests through Open311 (`kentbot api-key`).

    Only the key's SHA-256 is kept: the key itself is shown once, when it is created, so a
    copy of the database lets nobody post. A revoked key stays, so its name is not reused
    for a different application and the requests it posted still say where they came from."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    key_hash: str = Field(max_length=64, unique=True)
    # Where the requests it posts are counted (core.codes.CHANNELS).
    channel: str = Field(max_length=16)
    rate_per_minute: int = 60
    created_at: datetime = _created()
    revoked_at: datetime | None = _time()
    last_used_at: datetime | None = _time()


class RequestEvent(SQLModel, table=True):
    """Every change of a request: the audit trail response times are computed from."""

    __tablename__ = "request_event"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id", index=True)
    # Events are read by their request only: `at` and `kind` need no index (0027).
    at: datetime = _created(index=False)
    kind: str = Field(max_length=24)
    actor: str = Field(max_length=16)  # citizen, staff, system
    actor_telegram_id: int | None = _tg_id()
    text: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Attachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id", index=True)
    kind: str = Field(max_length=16, default="photo")
    telegram_file_id: str | None = Field(default=None, max_length=256)
    file_unique_id: str | None = Field(default=None, max_length=128)
    created_at: datetime = _created()
    deleted_at: datetime | None = _time()


class SatisfactionAnswer(SQLModel, table=True):
    """One citizen's rating of how their request was handled (1-5); 4 and 5 count as
    satisfied in the municipality's indicator. Imported answers have no request."""

    __tablename__ = "satisfaction_answer"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="ck_satisfaction_score"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, foreign_key="request.id", unique=True)
    score: int = Field(ge=1, le=5)
    comment: str | None = None
    answered_at: datetime = _created()


class CallCentreDay(SQLModel, table=True):
    __tablename__ = "call_centre_day"

    day: date = Field(primary_key=True)
    total: int
    information: int
    application: int
    missed: int


class Assembly(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name_tr: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    active: bool = True


class Membership(SQLModel, table=True):
    """A citizen's place in an assembly; leaving sets left_at, re-joining clears it.

    A child (Children's Assembly) is a Citizen row without a Telegram id, created by
    the guardian who uses the bot; guardian_id points at that guardian, and the
    membership counts only once the guardian has confirmed (guardian_confirmed_at).
    """

    __table_args__ = (UniqueConstraint("assembly_code", "citizen_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assembly_code: str = Field(foreign_key="assembly.code", max_length=32, index=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    guardian_id: int | None = Field(default=None, foreign_key="citizen.id", index=True)
    guardian_confirmed_at: datetime | None = _time()
    joined_at: datetime = _created()
    left_at: datetime | None = _time()


class CouncilEvent(SQLModel, table=True):
    """An assembly's event; `registered` counts taken seats and `last_seq` numbers arrivals.

    Both counters change only in a conditional UPDATE on this row, which is what
    keeps seats from being oversold; the CHECK constraint is the safety net.
    """

    __tablename__ = "council_event"
    __table_args__ = (
        CheckConstraint(
            "registered >= 0 AND registered <= capacity", name="ck_council_event_seats"
        ),
        CheckConstraint("capacity >= 1", name="ck_council_event_capacity"),
        # The employment centre's trainings and job fairs run on the same engine (seats,
        # waiting list, check-in codes, reminders) as a `kind` of event without an
        # assembly; a council event always has one.
        CheckConstraint(
            "kind IN ('council', 'career_training', 'vocational_training', 'job_fair')",
            name="ck_council_event_kind",
        ),
        CheckConstraint(
            "(kind = 'council') = (assembly_code IS NOT NULL)",
            name="ck_council_event_assembly",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(
        default="council", max_length=24, index=True, sa_column_kwargs={"server_default": "council"}
    )
    assembly_code: str | None = Field(
        default=None, foreign_key="assembly.code", max_length=32, index=True
    )
    title: str = Field(max_length=200)
    description: str = ""
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    place: str = Field(default="", max_length=300)
    capacity: int = Field(ge=1)
    registration_deadline: datetime | None = _time()
    members_only: bool = False
    registered: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Bumped by every edit and the cancellation: the calendar file's SEQUENCE, so
    # calendar apps replace the copy they have.
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    cancelled_at: datetime | None = _time()
    created_by: int | None = _tg_id()
    created_at: datetime = _created()


class Registration(SQLModel, table=True):
    """One citizen's registration for one event; withdrawing and registering again reuses it.

    status: registered, waitlisted, cancelled (withdrawn), attended, no_show.
    seq is the arrival number within the event: it orders the waiting list.
    """

    __table_args__ = (
        UniqueConstraint("event_id", "citizen_id"),
        UniqueConstraint("event_id", "seq", name="uq_registration_event_seq"),
        Index("ix_registration_event_status_seq", "event_id", "status", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="council_event.id", index=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    status: str = Field(max_length=16, index=True)  # registered, waitlisted, cancelled, ...
    seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    code: str = Field(max_length=16, unique=True)
    created_at: datetime = _created()
    updated_at: datetime | None = _time()
    checked_in_at: datetime | None = _time()
    reminded_24h_at: datetime | None = _time()
    reminded_2h_at: datetime | None = _time()


class ConversationState(SQLModel, table=True):
    """The one conversation a citizen is in: its step (a request being filed, a council
    question, a note, a survey comment; each feature owns its steps) and what it has
    collected, saved as they go, so a restart of the bot never loses a half-filled
    complaint. The step router reads it to know which feature a typed message is for."""

    __tablename__ = "conversation_state"

    citizen_id: int = Field(
        foreign_key="citizen.id", primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    step: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The bot message the flow edits in place, and the chat it is in.
    message_id: int | None = None
    updated_at: datetime = _created()


class MessageLink(SQLModel, table=True):
    """Which request a bot message in a chat belongs to, and what a reply to it means.

    Staff answer by replying to a request's card (or to a prompt under it), and
    citizens answer a question by replying to it; this table resolves the reply.
    """

    __tablename__ = "message_link"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = _tg_id(nullable=False)
    message_id: int
    request_id: int = Field(foreign_key="request.id", index=True)
    purpose: str = Field(max_length=16)  # card, answer, ask, reject, citizen, question, receipt
    created_at: datetime = _created()


class JobRun(SQLModel, table=True):
    """A scheduled job's unit of work that must happen once (e.g. the daily digest of
    2026-11-24): the unique key makes a second run, on this or another instance, a no-op."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=32)
    key: str = Field(max_length=64)
    done_at: datetime = _created()
    # The leadership epoch of the instance that claimed it (core.fencing); None before 0027.
    epoch: int | None = None


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids already handled: a webhook retry or a poller restart that
    delivers the same update again finds its id here and is ignored. Old ids are
    pruned, since Telegram restarts its numbering after a quiet week."""

    __tablename__ = "processed_update"

    update_id: int = Field(sa_column=Column(TelegramId, primary_key=True, autoincrement=False))
    processed_at: datetime = _created()


class FailedDelivery(SQLModel, table=True):
    """A message Telegram refused after every retry: recorded so nothing is lost silently.
    No message text is kept here (it may be personal); the chat and method say enough to
    find the request or registration it belonged to."""

    __tablename__ = "failed_delivery"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int | None = _tg_id(index=True)
    method: str = Field(max_length=48)
    error: str = Field(max_length=300)
    attempts: int
    failed_at: datetime = _created()


class IndicatorSnapshot(SQLModel, table=True):
    """The indicators of one period as computed at `computed_at` (Indicators.to_dict()).

    The nightly job stores the current and previous day, week, month, quarter,
    half and year, so history and digests read one row instead of re-aggregating;
    one row per (kind, period_start), replaced on each refresh.
    """

    __tablename__ = "indicator_snapshot"
    __table_args__ = (UniqueConstraint("kind", "period_start", name="uq_indicator_snapshot"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=8)
    # "start"/"end" are SQL keywords: prefixed to keep hand-written queries simple.
    period_start: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    period_end: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    label: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    computed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Announcement(SQLModel, table=True):
    """One batch of outbox messages: a /duyuru, or an event's change or cancellation notice.

    `finished_at` is set once, by the worker that finds no message of the batch left to
    send; that worker, and only it, tells the requester (if any) how many were delivered.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # announcement, event_change, event_cancel
    requester_chat_id: int | None = _tg_id()
    language: str | None = Field(default=None, max_length=8)  # the requester's
    created_at: datetime = _created()
    finished_at: datetime | None = _time(index=True)


class OutboxMessage(SQLModel, table=True):
    """One message to one chat, sent by the outbox worker through the bulk line.

    Status: pending (waiting), sending (claimed by a worker), then sent, blocked (403)
    or failed (gave up). `next_try_at` is set exactly while the row is open (pending or
    sending): when it is due, or, for a claimed row, when its claim runs out and another
    worker may take it. Done rows have NULL there, so the worker's "due now" query is
    one range over `ix_outbox_message_due`.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "next_try_at", "id"),
        # Batch counts and "is anything of this batch still open?" read only this index.
        Index("ix_outbox_message_announcement_status", "announcement_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id")
    chat_id: int = _tg_id(nullable=False)
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=8)
    attempts: int = 0
    next_try_at: datetime | None = _time()
    error: str | None = Field(default=None, max_length=200)  # the last one, for operators
    # Inline buttons under the text, [[[label, data], …], …] row by row (a job alert's
    # "Stop alerts"); None for a plain message.
    buttons: list[list[list[str]]] | None = Field(default=None, sa_column=Column(JSON))
    # The leadership epoch of the claim (core.fencing): only that leader may send or close it.
    epoch: int | None = None
    # Set (epoch-checked) just before each HTTP request of the current claim: from then on
    # Telegram may have the message, so the row is never sent again by anyone else.
    started_at: datetime | None = _time()


class LeadershipEpoch(SQLModel, table=True):
    """The fencing token of leadership (core.fencing): one row per leadership key, whose
    epoch grows by one each time an instance becomes leader. Work claimed and sends made
    under an older epoch are refused by the database."""

    __tablename__ = "leadership"

    key: str = Field(primary_key=True, max_length=128)
    epoch: int
    holder: str = Field(max_length=128)  # host:pid, as in heartbeat
    taken_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Heartbeat(SQLModel, table=True):
    """A running `kentbot run` process, as `kentbot status` sees it: the leader writes its
    row every few seconds from its job queue, a standby from its wait for the lock, and a
    process that stops deletes its own. A row not written for a while (bot.health.STALE_AFTER)
    is a process that died or hangs. No person is named here: a host name and a process id."""

    __tablename__ = "heartbeat"

    instance: str = Field(primary_key=True, max_length=128)  # host:pid
    host: str = Field(max_length=64, index=True)
    pid: int
    state: str = Field(max_length=16)  # polling, webhook, standing by
    started_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    beat_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


# --- The staff desk in the browser (web/desk) ---------------------------------------------
#
# Staff sign in without passwords: /panel in a private chat with the bot gives a one-time
# link. Only hashes of the link's and the session's secrets are stored, so a copy of the
# database signs nobody in.


class SignInLink(SQLModel, table=True):
    __tablename__ = "sign_in_link"

    token_hash: str = Field(primary_key=True, max_length=64)
    staff_member_id: int = Field(foreign_key="staff_member.id", index=True)
    created_at: datetime = _created()
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    used_at: datetime | None = _time()


class WebSession(SQLModel, table=True):
    __tablename__ = "web_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    staff_member_id: int = Field(foreign_key="staff_member.id", index=True)
    # Every form of the session carries it (CSRF); a page from elsewhere cannot know it.
    csrf: str = Field(max_length=64)
    created_at: datetime = _created()
    seen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))


# --- The employment centre (İstihdam Merkezi, goal 4.3.1) ---------------------------------
#
# Modelled on schema.org's JobPosting and France's "les emplois de l'inclusion": a job
# seeker's CV, employers (firms) verified by the centre's staff, their vacancies approved
# before publication, and referrals of a seeker to a vacancy (or, for the portal's history,
# to an employer) whose every status change is a ReferralEvent. Occupations are ISCO-08
# unit groups, stored as plain 4-digit strings. Imported rows carry the portal's
# `external_id` and no citizen.


class JobSeeker(SQLModel, table=True):
    """A CV. Erasure blanks what names the person and keeps the row, which the registered
    and new CV counts and the referral indicators (distinct people) are computed from."""

    __tablename__ = "job_seeker"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int | None = Field(default=None, foreign_key="citizen.id", unique=True)
    external_id: str | None = Field(default=None, max_length=64, unique=True)
    name: str | None = Field(default=None, max_length=200)
    birth_year: int | None = None
    district: str | None = Field(default=None, max_length=64, index=True)
    neighbourhood: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    education: str | None = Field(default=None, max_length=32)  # core.employment.EDUCATION
    # [{"title": ..., "employer": ..., "years": ...}], newest first.
    experience: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Classes held (core.employment.codes.DRIVING_LICENCES), e.g. "B,C"; all 17 fit.
    driving_licence: str | None = Field(default=None, max_length=64)
    availability: str | None = Field(default=None, max_length=16)  # core.employment.AVAILABILITY
    work_time: str | None = Field(default=None, max_length=8)  # full, part, any
    paused: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    consent_at: datetime | None = _time()
    # Special-category data (KVKK art. 6): kept only with its own explicit consent.
    disability: bool | None = None
    disability_consent_at: datetime | None = _time()
    # An existing CV sent as a PDF: the channel's file id (the file stays with Telegram;
    # it is never downloaded), its name and size in bytes.
    cv_file_id: str | None = Field(default=None, max_length=255)
    cv_file_name: str | None = Field(default=None, max_length=255)
    cv_file_size: int | None = None
    registered_at: datetime = _created()
    last_active_at: datetime | None = _time(index=True)
    # When the seeker was last asked whether the CV should stay (core.employment.renewal).
    renewal_asked_at: datetime | None = _time()
    erased_at: datetime | None = _time()
    # Vacancy alerts (core.employment.alerts): instant, daily or off.
    alerts: str = Field(
        default="instant", max_length=8, sa_column_kwargs={"server_default": "instant"}
    )


class JobSeekerOccupation(SQLModel, table=True):
    """An occupation a seeker looks for (ISCO-08 unit group): one row each, so ranking
    and alerts find the seekers of a code (or of its 3- or 2-digit group) by index."""

    __tablename__ = "job_seeker_occupation"
    __table_args__ = (
        UniqueConstraint("seeker_id", "code"),
        Index("ix_job_seeker_occupation_code_seeker", "code", "seeker_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    seeker_id: int = Field(foreign_key="job_seeker.id", index=True)
    code: str = Field(max_length=4)


class Employer(SQLModel, table=True):
    """A firm. It may publish vacancies once the centre's staff verified it."""

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=64, unique=True)
    tax_number: str | None = Field(default=None, max_length=10, index=True)  # VKN
    name: str = Field(max_length=200)
    sector: str | None = Field(default=None, max_length=100)
    district: str | None = Field(default=None, max_length=64)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=32)
    # The citizen who registered the firm through the bot (None for imported firms).
    citizen_id: int | None = Field(default=None, foreign_key="citizen.id", index=True)
    verified_at: datetime | None = _time()
    verified_by: int | None = Field(default=None, foreign_key="staff_member.id")
    registered_at: datetime = _created()
    # Turned down by the centre's staff (core.employment.desk.FIRM_REJECTIONS).
    rejected_at: datetime | None = _time()
    rejection_reason: str | None = Field(default=None, max_length=24)


class Vacancy(SQLModel, table=True):
    """A job posting (schema.org JobPosting): draft → pending (sent for approval) →
    published (approved by staff) → closed."""

    __table_args__ = (
        CheckConstraint("positions >= 1", name="ck_vacancy_positions"),
        Index("ix_vacancy_status_occupation", "status", "occupation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    title: str = Field(max_length=200)
    occupation: str = Field(max_length=4)
    positions: int = Field(default=1, ge=1)
    district: str | None = Field(default=None, max_length=64)
    work_time: str = Field(default="full", max_length=8)  # full, part
    # A position under the legal quota for disabled employees (engelli kontenjanı): only
    # then does ranking count a seeker's consented disability answer.
    quota: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    requirements: str = Field(default="", sa_column=Column(Text, nullable=False))
    valid_until: date | None = None
    status: str = Field(default="draft", max_length=16)
    created_at: datetime = _created()
    approved_at: datetime | None = _time()
    approved_by: int | None = Field(default=None, foreign_key="staff_member.id")
    closed_at: datetime | None = _time()


class Referral(SQLModel, table=True):
    """A seeker referred to a vacancy (or, in the portal's history, to an employer).

    The times of the milestones the indicators count are columns of their own:
    `job_found_at` (a job was found for the person) and `started_at` (they started work).
    """

    __table_args__ = (
        Index("ix_referral_job_found_seeker", "job_found_at", "seeker_id"),
        Index("ix_referral_started_seeker", "started_at", "seeker_id"),
        Index("ix_referral_vacancy_seeker", "vacancy_id", "seeker_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=64, unique=True)
    vacancy_id: int | None = Field(default=None, foreign_key="vacancy.id")
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    seeker_id: int = Field(foreign_key="job_seeker.id", index=True)
    occupation: str | None = Field(default=None, max_length=4)
    status: str = Field(default="referred", max_length=16, index=True)
    reason: str | None = Field(default=None, max_length=24)  # why not hired
    referred_at: datetime = _created()
    interview_at: datetime | None = _time()
    job_found_at: datetime | None = _time()
    start_date: date | None = None
    started_at: datetime | None = _time()
    closed_at: datetime | None = _time()
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # Follow-ups (core.employment.followups): when the seeker was asked whether the
    # interview happened and what they said; when seeker and employer were asked whether
    # the work started; when the centre's group was reminded of an unanswered question.
    interview_asked_at: datetime | None = _time()
    interview_answered_at: datetime | None = _time()
    interview_held: bool | None = None
    interview_reminded_at: datetime | None = _time()
    # When the firm was asked how the interview went (once, a day after it).
    interview_firm_asked_at: datetime | None = _time()
    start_asked_at: datetime | None = _time()
    start_reminded_at: datetime | None = _time()


class ReferralEvent(SQLModel, table=True):
    """Every status change of a referral, with its time and who made it."""

    __tablename__ = "referral_event"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    at: datetime = _created()
    from_status: str | None = Field(default=None, max_length=16)
    status: str = Field(max_length=16)
    actor_kind: str = Field(max_length=16)  # staff, seeker, employer, system
    actor_id: int | None = None  # staff_member.id, citizen.id; None for the system
    reason: str | None = Field(default=None, max_length=24)


class EmploymentGroupMessage(SQLModel, table=True):
    """A message the bot put in the employment centre's staff group that shows a job
    seeker's data (a referral's reminder with their name and phone, the PDF of their CV):
    kept so that erasing the seeker's data takes it out of the group too."""

    __tablename__ = "employment_group_message"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    seeker_id: int = Field(foreign_key="job_seeker.id", index=True)
    chat_id: int = _tg_id(nullable=False)
    message_id: int
    purpose: str = Field(max_length=24)  # referral_reminder, cv_file
    created_at: datetime = _created()


class EmploymentDeskScreen(SQLModel, table=True):
    """The employment desk's message in the centre's staff group, by each person whose
    data it shows now: a job seeker (a candidate list, a referral's card) or a firm's
    contact person (the firm's page, by the firm). It is edited in place as staff press
    its buttons, and recorded afresh at each press, so that erasing their data takes the
    message out of the group while it shows them. `sent_at`: when the message was sent
    (Telegram lets a bot delete it for 48 hours from then, not from its edit)."""

    __tablename__ = "employment_desk_screen"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id", "seeker_id", "employer_id"),
        CheckConstraint(
            "(seeker_id IS NULL) <> (employer_id IS NULL)",
            name="ck_employment_desk_screen_one_person",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    seeker_id: int | None = Field(default=None, foreign_key="job_seeker.id", index=True)
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    chat_id: int = _tg_id(nullable=False)
    message_id: int
    sent_at: datetime = _created(index=False)


class VacancyAlert(SQLModel, table=True):
    """A published vacancy matched a seeker (core.employment.alerts): one row per seeker
    and vacancy, so nobody is told of a vacancy twice. `status`: new (to be sent at once),
    daily (to go in the day's summary), sent (queued in the outbox), dropped (the seeker
    stopped alerts, paused or left, or the vacancy closed, before it went)."""

    __tablename__ = "vacancy_alert"
    __table_args__ = (
        UniqueConstraint("seeker_id", "vacancy_id", name="uq_vacancy_alert"),
        # The sweeps read the new ones; the export and erasure read a seeker's.
        Index("ix_vacancy_alert_status_seeker", "status", "seeker_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    seeker_id: int = Field(foreign_key="job_seeker.id")  # first in uq_vacancy_alert's index
    vacancy_id: int = Field(foreign_key="vacancy.id")
    status: str = Field(default="new", max_length=8)
    matched_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    sent_at: datetime | None = _time()


class JobFairFirm(SQLModel, table=True):
    """A firm that took part in a job fair (an event of kind job_fair), and how many people
    it hired there, as the centre's staff record it after the fair."""

    __tablename__ = "job_fair_firm"
    __table_args__ = (
        UniqueConstraint("event_id", "employer_id"),
        CheckConstraint("hired >= 0", name="ck_job_fair_firm_hired"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="council_event.id", index=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    hired: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    recorded_by: int | None = Field(default=None, foreign_key="staff_member.id")
    recorded_at: datetime = _created()


# --- Figures only staff know (goal 7.1.1) ---------------------------------------------------
#
# New public-relations projects, condolence visits and funeral meals: no chat data produces
# them, so staff enter one value per month and figure. `monthly_figure` holds the value the
# indicators sum (one row per month and code, so a period's sum is one aggregate);
# `monthly_figure_change` keeps every entry and correction, old and new value, for audit.


class MonthlyFigure(SQLModel, table=True):
    __tablename__ = "monthly_figure"
    __table_args__ = (
        UniqueConstraint("month", "code"),
        CheckConstraint("value >= 0", name="ck_monthly_figure_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    month: date = Field(index=True)  # the month's first day
    code: str = Field(max_length=24)  # new_projects, condolence_visits, funeral_meals
    value: int
    entered_by: int = Field(foreign_key="staff_member.id")
    entered_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class MonthlyFigureChange(SQLModel, table=True):
    """One entry or correction of a monthly figure: who changed what from what, and when."""

    __tablename__ = "monthly_figure_change"

    id: int | None = Field(default=None, primary_key=True)
    month: date = Field(index=True)
    code: str = Field(max_length=24)
    old_value: int | None = None  # None: the first entry of that month and figure
    new_value: int
    changed_by: int = Field(foreign_key="staff_member.id", index=True)
    changed_at: datetime = _created()
