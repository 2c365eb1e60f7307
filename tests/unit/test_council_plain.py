"""The City Council on a channel with less than Telegram (WhatsApp's limits: no edits,
three buttons or a list of ten rows to a message, short titles): flows/ and core/ alone
take a citizen from the list of assemblies to membership (with the KVKK notice, a birth
date, and a child registered by their guardian) and to an event's seat, and every message
fits the channel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.config import Config
from common.i18n import Translator, translator
from core import citizens, conversation, council, staff
from core.refusals import Refused
from db.engine import transaction
from db.models import Citizen, ConversationState, CouncilEvent, Membership, Registration
from db.types import utcnow
from flows.actions import Action, parse
from flows.council import actions as a
from flows.council import coordination, events, membership
from flows.council.screens import consent, refused, unreadable
from flows.council.state import CouncilState, CouncilStep
from flows.plain import Message
from flows.screen import MediaKind, Screen
from tests.plain import fitted

COUNCIL_ACTIONS = [
    kind
    for kind in vars(a).values()
    if isinstance(kind, type) and issubclass(kind, Action) and kind is not Action
]
AYSE = 6201
COORDINATOR = 6202

# What a press does, as handlers.council does it in Telegram: (session, config, citizen,
# translator, action, now) -> the next screen.
Press = Callable[[Session, Config, Citizen, Translator, Any, datetime], Screen]


def _join_consented(
    s: Session, c: Config, who: Citizen, t: Translator, act: a.JoinConsented, now: datetime
) -> Screen:
    consent(s, who, "Ayşe", "Yılmaz", now)
    return membership.start_join(s, c, who, t, act.code, now)


PRESSES: dict[type[Action], Press] = {
    a.Assemblies: lambda s, c, who, t, act, now: membership.assemblies_screen(s, c, who, t),
    a.AssemblyScreen: lambda s, c, who, t, act, now: membership.assembly_screen(
        s, c, who, t, act.code
    ),
    a.Join: lambda s, c, who, t, act, now: membership.start_join(s, c, who, t, act.code, now),
    a.JoinConsented: _join_consented,
    a.ConfirmGuardian: lambda s, c, who, t, act, now: membership.confirm_guardian(
        s, who, t, act.membership_id, now
    ),
    a.Events: lambda s, c, who, t, act, now: events.events_screen(s, t, now, None),
    a.EventsOf: lambda s, c, who, t, act, now: events.events_screen(s, t, now, act.code),
    a.EventScreen: lambda s, c, who, t, act, now: events.event_screen(s, who, t, act.event_id, now),
    a.Register: lambda s, c, who, t, act, now: events.register(s, c, who, t, act.event_id, now)[0],
}
STEPS = {
    CouncilStep.BIRTH: membership.birth_date,
    CouncilStep.CHILD_NAME: membership.child_name,
    CouncilStep.CHILD_BIRTH: membership.child_birth_date,
}


@dataclass
class PlainChat:
    """One citizen's chat on the plain channel: every screen is new messages (nothing is
    ever edited), and a person can only press what the last messages offer."""

    engine: Engine
    config: Config
    citizen_id: int
    seen: list[Message] = field(default_factory=list)
    last: list[Message] = field(default_factory=list)

    def show(self, screen: Screen) -> None:
        messages = fitted(screen)
        self.seen += messages
        self.last = messages

    @property
    def text(self) -> str:
        return self.last[0].text

    @property
    def labels(self) -> list[str]:
        return [c.label for m in self.last for c in (*m.buttons, *m.rows)]

    def _with_citizen(self, work: Callable[[Session, Citizen, Translator], Screen]) -> None:
        with transaction(self.engine) as session:
            citizen = session.get(Citizen, self.citizen_id)
            assert citizen is not None
            screen = work(session, citizen, translator(citizen.language or "tr"))
        self.show(screen)

    def open_council(self) -> None:
        """The channel's way to /meclis."""
        self._with_citizen(lambda s, who, t: membership.assemblies_screen(s, self.config, who, t))

    def press(self, label_starts: str) -> Action:
        """Presses the button or list row of the last messages whose title starts so."""
        offered = [c for m in self.last for c in (*m.buttons, *m.rows)]
        found = [c for c in offered if c.label.startswith(label_starts)]
        assert found, f"{label_starts!r} not among {[c.label for c in offered]}"
        action = parse(found[0].data, COUNCIL_ACTIONS)
        assert action is not None, found[0].data
        act = PRESSES[type(action)]
        self._with_citizen(lambda s, who, t: act(s, self.config, who, t, action, utcnow()))
        return action

    def send(self, text: str) -> None:
        """Types an answer to the step the conversation is at."""

        def answer(session: Session, citizen: Citizen, t: Translator) -> Screen:
            draft = session.get(ConversationState, citizen.id)
            assert draft is not None
            step = STEPS[CouncilStep(draft.step)]
            state = conversation.state_of(draft, CouncilState)
            return step(session, self.config, citizen, t, state, text, utcnow())

        self._with_citizen(answer)


def _event(session: Session, title: str, details: str, days: int, seats: int) -> CouncilEvent:
    """The youth assembly's event `days` from now, two hours at the culture centre, created
    by the coordinator."""
    staff.upsert(session, COORDINATOR, "coordinator", "kent_konseyi")
    starts = utcnow() + timedelta(days=days)
    return council.create_event(
        session,
        staff.active_member(session, COORDINATOR),
        "genclik",
        title,
        details,
        starts,
        starts + timedelta(hours=2),
        "Kültür Merkezi",
        seats,
        None,
        False,
    )


def test_a_citizen_joins_assemblies_and_registers_for_an_event_on_a_plain_channel(
    db: Engine, config: Config
) -> None:
    with transaction(db) as session:
        citizen = citizens.get_or_create(session, AYSE, "tr")
        assert citizen.id is not None and citizen.consent_at is None
        chat = PlainChat(db, config, citizen.id)
        event = _event(session, "Gençlik buluşması", "Kent için fikirler", 7, 30)
        event_id = event.id
    # The assemblies (six, and the events): one list of at most ten rows.
    chat.open_council()
    assert chat.text.startswith("🏛 Kent Konseyi meclisleri")
    assert "Kent Konseyinin tüm meclislerinin katıldığı genel toplantısı." in chat.text
    assert len(chat.last) == 1 and len(chat.last[0].rows) == len(config.assemblies) + 1
    # An assembly with an age rule: three buttons.
    chat.press("Gençlik Meclisi")
    assert chat.text.startswith("🏛 Gençlik Meclisi")
    assert chat.labels == ["✅ Üye ol", "📅 Etkinlikleri", "⬅️ Geri"]
    # Joining asks for the KVKK consent first, then the date of birth.
    chat.press("✅ Üye ol")
    assert "KVKK" in chat.text
    assert chat.labels == ["✅ Kabul ediyorum", "✖️ Kabul etmiyorum"]
    chat.press("✅ Kabul")
    assert "doğum tarih" in chat.text.lower() and chat.labels == []
    chat.send("12.03.2001")
    assert "Gençlik Meclisi" in chat.text and chat.labels == []
    # Back to the list: the membership is marked; then a child, through their guardian.
    chat.open_council()
    assert "Gençlik Meclisi ✅" in chat.labels
    chat.press("Çocuk Meclisi")
    chat.press("👧 Çocuğumu kaydet")
    assert chat.labels == []  # consent already given: the child's name is asked
    chat.send("Deniz Yılmaz")
    chat.send("05.04.2016")
    assert "Deniz" in chat.text and len(chat.labels) == 1
    chat.press("✅ Veli")
    assert "Deniz" in chat.text and "Çocuk Meclisi" in chat.text
    with transaction(db) as session:
        joined = session.exec(select(Membership)).all()
        assert {m.assembly_code for m in joined} == {"genclik", "cocuk"}
        assert session.exec(select(ConversationState)).all() == []
    # The events, then the event: a seat and the check-in code.
    chat.open_council()
    chat.press("📅 Etkinlikler")
    assert "Gençlik buluşması" in chat.text
    chat.press("Gençlik buluşması")
    assert chat.labels == ["✅ Kayıt ol", "⬅️ Tüm etkinlikler"]
    chat.press("✅ Kayıt ol")
    with transaction(db) as session:
        registration = session.exec(select(Registration)).one()
        assert (registration.event_id, registration.status) == (event_id, "registered")
        code = registration.code
    assert code in chat.text and chat.labels == ["↩️ Geri çek", "⬅️ Tüm etkinlikler"]
    # Nothing was edited: every screen came as new messages, and none broke a limit.
    assert len(chat.seen) >= 14


def test_the_ticket_comes_as_a_qr_image_and_a_calendar_file_each_in_a_message_of_its_own(
    db: Engine, config: Config
) -> None:
    """One seat: the first registrant gets the ticket (WhatsApp carries one file to a
    message), the second their place in line, and the ticket when the seat frees."""
    t = translator("tr")
    with transaction(db) as session:
        first = citizens.get_or_create(session, AYSE, "tr")
        second = citizens.get_or_create(session, AYSE + 10, "tr")
        consent(session, first, "Ayşe", "Yılmaz", utcnow())
        consent(session, second, "Deniz", "Kaya", utcnow())
        event = _event(session, "Gençlik & Kent", "", 7, 1)
        assert event.id is not None
        seat = council.register(session, first, event.id, utcnow())
        line = council.register(session, second, event.id, utcnow())
        code = seat.registration.code
        when = t.datetime(event.starts_at)
        ticket = events.ticket(session, config.tz, t, event.id, code, seat.status, None)
        waiting = events.ticket(
            session, config.tz, t, event.id, line.registration.code, line.status, line.position
        )
        freed = council.withdraw(session, first, event.id, utcnow())
        assert freed is not None
        promoted = events.ticket(
            session, config.tz, t, event.id, freed.code, freed.status, None, promoted=True
        )
    assert ticket is not None and waiting is not None and promoted is not None
    photo, calendar = fitted(ticket)
    assert photo.media is not None and photo.media.kind is MediaKind.PHOTO
    assert photo.media.filename == f"{code}.png" and photo.media.content[:4] == b"\x89PNG"
    # A caption is plain text: the title as written, not escaped.
    assert photo.text == (
        f"✅ Gençlik & Kent ({when}) etkinliğine kaydınız yapıldı.\n"
        f"Giriş kodunuz: {code}\nGirişte bu kodu ya da karekodu gösterin."
    )
    assert calendar.media is not None and calendar.media.kind is MediaKind.DOCUMENT
    assert calendar.media.filename == f"etkinlik-{event.id}.ics"
    assert calendar.text == "📆 Takviminize ekleyin."
    assert isinstance(calendar.media.content, bytes) and code in calendar.media.content.decode()
    [line_message] = fitted(waiting)
    assert line_message.media is None
    assert line_message.text.startswith(
        "⏳ Etkinlik dolu; Gençlik & Kent için bekleme listesinde 1."
    )
    head, _ = fitted(promoted)
    assert head.text.startswith("🎉 Sizin için bir yer açıldı!\n✅ Gençlik & Kent")


def test_a_coordinator_types_a_new_event_and_checks_people_in_on_a_plain_channel(
    db: Engine, config: Config
) -> None:
    """The coordinators' typed steps are flows' too: a new event's fields one message after
    another, a time that cannot be read, and the codes typed at the door."""
    t = translator("tr")
    with transaction(db) as session:
        coordinator = citizens.get_or_create(session, COORDINATOR, "tr")
        staff.upsert(session, COORDINATOR, "coordinator", "kent_konseyi")
        conversation.set_step(
            session, coordinator, CouncilStep.EVENT, CouncilState(assembly="genclik", field="title")
        )
        coordinator_id = coordinator.id

    def typed(text: str) -> list[Message]:
        with transaction(db) as session:
            who = session.get(Citizen, coordinator_id)
            draft = session.get(ConversationState, coordinator_id)
            assert who is not None and draft is not None
            state = conversation.state_of(draft, CouncilState)
            try:
                screen = coordination.event_field(session, config, who, t, state, text, utcnow())
            except ValueError:
                screen = unreadable(t, CouncilStep.EVENT)
        return fitted(screen)

    typed("Gençlik buluşması")
    typed("-")
    assert typed("yarın öğlen")[0].text == (
        "Bu tarih ve saati okuyamadım. Lütfen 25.12.2026 14:00 biçiminde yazın."
    )
    for text in ("25.12.2030 14:00", "25.12.2030 16:00", "Kültür Merkezi", "30"):
        typed(text)
    [members_only] = typed("-")
    # Two buttons, their titles cut to the channel's 20 characters at a word.
    assert [b.label for b in members_only.buttons] == ["Evet, yalnızca…", "Hayır, herkese açık"]
    with transaction(db) as session:
        draft = session.get(ConversationState, coordinator_id)
        assert draft is not None
        state = conversation.state_of(draft, CouncilState)
    assert (state.title, state.description, state.capacity) == ("Gençlik buluşması", "", 30)
    assert state.starts_at is not None and state.starts_at.startswith("2030-12-25T14:00")

    # At the door: a registrant's code, typed in lower case, then a code nobody holds.
    with transaction(db) as session:
        actor = staff.active_member(session, COORDINATOR)
        ayse = citizens.get_or_create(session, AYSE, "tr")
        consent(session, ayse, "Ayşe", "Yılmaz", utcnow())
        starts = utcnow() + timedelta(hours=1)
        event = council.create_event(
            session,
            actor,
            "genclik",
            "Buluşma",
            "",
            starts,
            starts + timedelta(hours=2),
            "Kültür Merkezi",
            10,
            None,
            False,
        )
        assert event.id is not None
        code = council.register(session, ayse, event.id, utcnow()).registration.code
        door = CouncilState(event=event.id)
        [checked] = fitted(
            coordination.checkin_code(session, actor, t, door, code.lower(), utcnow())
        )
        try:
            coordination.checkin_code(session, actor, t, door, "ZZZZZZ", utcnow())
        except Refused as exc:
            [unknown] = fitted(refused(t, CouncilStep.CHECKIN, exc.reason))
    assert checked.text == (
        "✅ Giriş yapıldı: Ayşe Yılmaz. Sıradaki kodu yazın ya da bitirmek için /iptal yazın."
    )
    assert unknown.text.endswith(" Sıradaki kodu yazın ya da bitirmek için /iptal yazın.")


def test_the_event_reminders_carry_the_check_in_code_on_a_plain_channel(
    db: Engine, config: Config
) -> None:
    """The day's and the two hours' reminder, as the reminder sweep sends them: the
    event's title and place as written (a title with "&" or "<" comes through as it is)."""
    t = translator("tr")
    with transaction(db) as session:
        event = _event(session, "Gençlik & Kent <Buluşma>", "", 1, 10)
        when = t.datetime(event.starts_at)
        day = events.reminder(t, event, "24h", "Ayşe", "K7Q2")
        soon = events.reminder(t, event, "2h", "Ayşe", "K7Q2")
    [first] = fitted(day)
    assert first.text == (
        f"⏰ Yarın: Gençlik & Kent <Buluşma>, {when}, Kültür Merkezi.\nAyşe için giriş kodu: K7Q2"
    )
    [second] = fitted(soon)
    assert second.text.startswith(f"⏰ İki saat sonra: Gençlik & Kent <Buluşma>, {when}")
    # Telegram's HTML sees the title escaped, so "<Buluşma>" is not taken for a tag.
    assert "Gençlik &amp; Kent &lt;Buluşma&gt;" in day.text
