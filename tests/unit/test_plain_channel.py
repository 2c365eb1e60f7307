"""The filing flow on a channel with less than Telegram (WhatsApp's limits: no edits,
three buttons or a list of ten rows to a message, short titles, no contact button):
flows/ drives the whole flow, and every message it takes fits the channel."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import select

from common.config import Config
from common.i18n import translator
from core import citizens, intake
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Citizen, ConversationState, Request
from flows.actions import Action, parse
from flows.filing import actions, steps
from flows.filing.screens import receipt, screen_of
from flows.plain import Message
from flows.screen import Ask, Screen
from tests.plain import fitted

FLOW_ACTIONS = [
    kind
    for kind in vars(actions).values()
    if isinstance(kind, type) and issubclass(kind, Action) and kind is not Action
]
AYSE = 6101


@dataclass
class PlainChat:
    """One citizen's chat on the plain channel: every screen is new messages (nothing
    is ever edited), and a person can only press what the last messages offer."""

    engine: Engine
    config: Config
    calendar: WorkingCalendar
    citizen_id: int
    seen: list[Message] = field(default_factory=list)
    last: list[Message] = field(default_factory=list)

    def show(self, screen: Screen) -> None:
        messages = fitted(screen, asks=(None, Ask.LOCATION))
        self.seen += messages
        self.last = messages

    def _step(self) -> Screen:
        with transaction(self.engine) as session:
            citizen = session.get(Citizen, self.citizen_id)
            draft = session.get(ConversationState, self.citizen_id)
            assert citizen is not None and draft is not None
            t = translator(citizen.language or "tr")
            return screen_of(session, intake.upgrade(draft), t, self.config)

    def start(self) -> None:
        with transaction(self.engine) as session:
            citizen = session.get(Citizen, self.citizen_id)
            assert citizen is not None
            intake.start(session, citizen)
        self.show(self._step())

    def press(self, label_starts: str) -> Action:
        """Presses the button or list row of the last messages whose title starts so."""
        offered = [c for m in self.last for c in (*m.buttons, *m.rows)]
        found = [c for c in offered if c.label.startswith(label_starts)]
        assert found, f"{label_starts!r} not among {[c.label for c in offered]}"
        action = parse(found[0].data, FLOW_ACTIONS)
        assert action is not None, found[0].data
        if isinstance(action, actions.Send):
            return action
        with transaction(self.engine) as session:
            citizen = session.get(Citizen, self.citizen_id)
            draft = intake.draft_of(session, citizen) if citizen else None
            assert citizen is not None and draft is not None
            pressed = steps.Press(
                translator(citizen.language or "tr"), steps.Person("Ayşe", "Yılmaz"), draft.step
            )
            shows_next = steps.press(session, citizen, draft, action, pressed)
        if pressed.choices is not None:  # new buttons come as a new message, not an edit
            self.show(Screen("…", pressed.choices))
        elif shows_next and not pressed.unchanged:
            self.show(self._step())
        return action

    def send(self, sent: steps.Input) -> None:
        with transaction(self.engine) as session:
            draft = session.get(ConversationState, self.citizen_id)
            assert draft is not None
            steps.take(session, intake.upgrade(draft), sent, AYSE)
        self.show(self._step())

    def answer(self, label_starts: str) -> None:
        """Taps a ready answer: the channel sends its text back, as if typed."""
        offered = [b for m in self.last for b in m.buttons]
        found = [b for b in offered if b.label.startswith(label_starts)]
        assert found, f"{label_starts!r} not among {[b.label for b in offered]}"
        self.send(steps.Input(text=found[0].data))

    def file(self) -> Request:
        """Files the draft, as Send does, and shows its receipt."""
        with transaction(self.engine) as session:
            citizen = session.get(Citizen, self.citizen_id)
            draft = intake.draft_of(session, citizen) if citizen else None
            assert citizen is not None and draft is not None
            request = intake.submit(session, citizen, draft, self.calendar).request
            t = translator(citizen.language or "tr")
            self.show(receipt(session, t, request, recorded=False))
            session.expunge(request)
            return request


def test_a_whole_complaint_is_filed_through_a_channel_without_edits_or_long_keyboards(
    db: Engine, config: Config, calendar: WorkingCalendar
) -> None:
    with transaction(db) as session:
        citizen = citizens.get_or_create(session, AYSE, "tr")
        assert citizen.id is not None
        chat = PlainChat(db, config, calendar, citizen.id)
    chat.start()
    # A first request: the KVKK notice, two buttons.
    assert "KVKK" in chat.last[0].text and "<b>" not in chat.last[0].text
    chat.press("✅ Kabul")
    # The topics: four type toggles, the first six topics (no request yet, so in Turkish
    # alphabetical order), the next page and the cancel button, as lists of at most ten
    # rows (Telegram shows them as one keyboard of 9 rows).
    topics = [row.label for message in chat.last for row in message.rows]
    assert len(chat.last) == 2 and len(topics) == 4 + 6 + 1 + 1
    assert topics[4:7] == ["Ağaç budama ve kesim", "Çöp toplama", "İmar ve ruhsat"]
    chat.press("📂 Başka konular")
    second = [row.label for message in chat.last for row in message.rows]
    assert second[4] == "Sokak aydınlatması" and "⬅️ Önceki konular" in second
    chat.press("⬅️ Önceki konular")
    chat.press("Talep")  # the type: a toggle; the topics come again, as new messages
    chat.press("Çöp toplama")
    assert "Adım 2" in chat.last[0].text
    chat.send(steps.Input(text="Sokağımızdaki konteyner üç gündür boşaltılmadı."))
    # The location step: the location button in a message of its own, then the ready
    # answers (Continue, Back, Cancel) as three buttons.
    assert chat.last[0].asks is Ask.LOCATION
    assert [b.label for b in chat.last[1].buttons] == ["✅ Devam", "⬅️ Geri", "✖️ İptal"]
    chat.send(steps.Input(location=(41.0151, 28.9795)))
    chat.send(steps.Input(photo=("photo-file-1", "photo-unique-1")))
    chat.answer("✅ Devam")
    # The phone step: the channel cannot ask for the contact; it says to type the number.
    assert all(m.asks is None for m in chat.last)
    assert "Numaranızı 0555 123 45 67 biçiminde yazarak da gönderebilirsiniz." in chat.last[0].text
    assert [b.label for b in chat.last[0].buttons] == ["⏭ Atla", "⬅️ Geri", "✖️ İptal"]
    chat.send(steps.Input(text="0555 123 45 67"))
    # The summary; Edit → Description brings the text step back, then the summary again.
    summary = chat.last[0].text
    assert "Lütfen talebinizi kontrol edin" in summary and "Fotoğraf: 1" in summary
    chat.press("✏️ Düzenle")
    chat.press("Açıklama")
    chat.send(steps.Input(text="Sokağımızdaki çöp konteyneri üç gündür boşaltılmadı."))
    assert "çöp konteyneri" in chat.last[0].text
    assert isinstance(chat.press("📨 Gönder"), actions.Send)
    request = chat.file()
    rubbish = next(c.code for c in config.categories if c.name.tr == "Çöp toplama")
    assert (request.type, request.category_code) == ("talep", rubbish)
    assert request.text == "Sokağımızdaki çöp konteyneri üç gündür boşaltılmadı."
    assert (request.latitude, request.longitude) == (41.0151, 28.9795)
    assert request.contact_phone == "05551234567"
    # The walk ends with the receipt: one message, the tracking number and the department
    # in plain words, no button.
    assert request.due_at is not None
    [shown] = chat.last
    assert shown.text.startswith(
        f"✅ Talebiniz alındı.\n\nTakip numarası: {request.number}\n"
        "İlgili birim: Temizlik İşleri Müdürlüğü\n"
        f"En geç {translator('tr').datetime(request.due_at)} tarihine kadar"
    )
    assert shown.buttons == () and shown.rows == () and shown.asks is None
    with transaction(db) as session:
        assert session.exec(select(ConversationState)).all() == []
    # Nothing was edited: every screen came as new messages, and none broke a limit.
    assert len(chat.seen) >= 12
