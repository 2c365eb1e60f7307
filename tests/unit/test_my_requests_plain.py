"""A citizen's own requests (/taleplerim) on a channel with less than Telegram (WhatsApp's
limits: no edits, three buttons or a list of ten rows to a message, short titles):
flows/ lists them page by page, shows one with its history, takes a note, a withdrawal and
an answer, and every message it takes fits the channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from common.i18n import translator
from core import workflow
from core.refusals import Refused
from core.workflow import NotFound
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Request
from db.types import utcnow
from flows.actions import Action, parse
from flows.filing.actions import FileRequest
from flows.my_requests import actions, screens, steps
from flows.plain import Message
from flows.screen import Choice, Screen
from tests.builders import citizen_of, file_request, make_citizen
from tests.plain import fitted

MY_ACTIONS = [
    kind
    for kind in vars(actions).values()
    if isinstance(kind, type) and issubclass(kind, Action) and "prefix" in vars(kind)
]
AYSE, MEHMET = 6201, 6202
# What the main menu would offer under an empty list (the channel's own menu).
MENU = ((FileRequest().choice("📝 Talep"), actions.MyRequests().choice("📋 Taleplerim")),)


@dataclass
class PlainChat:
    """One citizen's chat on the plain channel: every screen is new messages (nothing is
    ever edited), and a person can only press what the last messages offer. A press does
    what handlers/my_requests.py does with it, through flows/ and core/ only."""

    engine: Engine
    citizen_id: int
    seen: list[Message] = field(default_factory=list)
    last: list[Message] = field(default_factory=list)

    def show(self, screen: Screen) -> None:
        messages = fitted(screen)
        self.seen += messages
        self.last = messages

    def offered(self) -> list[Choice]:
        return [c for m in self.last for c in (*m.buttons, *m.rows)]

    def open_list(self) -> None:
        """/taleplerim."""
        with transaction(self.engine) as session:
            citizen = citizen_of(session, self.citizen_id)
            self.show(screens.list_screen(session, citizen, translator("tr"), 0, MENU))

    def press(self, label_starts: str) -> Action:
        """Presses the button or list row of the last messages whose title starts so."""
        found = [c for c in self.offered() if c.label.startswith(label_starts)]
        assert found, f"{label_starts!r} not among {[c.label for c in self.offered()]}"
        action = parse(found[0].data, MY_ACTIONS)
        assert action is not None, found[0].data
        self.show(self.act(action))
        return action

    def act(self, action: Action) -> Screen:
        """What the press shows; raises NotFound and Refused as the handlers expect."""
        t = translator("tr")
        with transaction(self.engine) as session:
            citizen = citizen_of(session, self.citizen_id)
            if isinstance(action, actions.Page | actions.MyRequests):
                page = action.page if isinstance(action, actions.Page) else 0
                return screens.list_screen(session, citizen, t, page, MENU)
            assert isinstance(action, actions.OnRequest)
            request = workflow.citizen_request(session, citizen, action.request_id)
            if isinstance(action, actions.View):
                return screens.detail_screen(session, t, request)
            if isinstance(action, actions.AddNote | actions.AnswerQuestion):
                step = (
                    steps.NoteStep.NOTE
                    if isinstance(action, actions.AddNote)
                    else steps.NoteStep.REPLY
                )
                steps.expect_message(session, citizen, request, step)
                return screens.prompt(t, request, step)
            if isinstance(action, actions.Withdraw):
                steps.must_be_open(request)
                return screens.withdraw_question(t, request)
            assert isinstance(action, actions.WithdrawConfirmed)
            return screens.detail_screen(
                session, t, steps.withdraw(session, citizen, action.request_id)
            )

    def send(self, text: str) -> None:
        """A message: it goes to the request the last press pointed it to."""
        with transaction(self.engine) as session:
            citizen = citizen_of(session, self.citizen_id)
            target = steps.pending(session, citizen)
            assert target is not None, "no request is waiting for a message"
            change = steps.take(session, citizen, *target, text)
            self.show(screens.added(translator("tr"), change.request))


def _file(db: Engine, calendar: WorkingCalendar, citizen_id: int, count: int) -> list[Request]:
    """`count` requests, filed a day apart, the last one two days ago."""
    start = utcnow() - timedelta(days=count + 1)
    return [
        file_request(
            db, calendar, citizen_id, text=f"Şikayet {n + 1}", now=start + timedelta(days=n)
        )
        for n in range(count)
    ]


def test_a_citizen_follows_notes_and_withdraws_their_requests_on_a_plain_channel(
    db: Engine, calendar: WorkingCalendar
) -> None:
    ayse = make_citizen(db, AYSE)
    filed = _file(db, calendar, ayse, 11)
    newest_first = [r.number for r in reversed(filed)]
    chat = PlainChat(db, ayse)

    # The list: five requests and "Older", six choices, so one list of rows.
    chat.open_list()
    [first] = chat.last
    lines = first.text.split("\n")
    assert lines[0] == "📋 Talepleriniz (1/3)" and lines[1] == ""
    assert [line.split(" · ") for line in lines[2:7]] == [
        [number, "Çöp toplama", "Alındı", f"{days} gün"]
        for number, days in zip(newest_first[:5], range(2, 7), strict=True)
    ]
    assert lines[7:] == ["", "Geçmişini görmek için bir numaraya dokunun."]
    assert [r.label for r in first.rows] == [*newest_first[:5], "Daha eski ➡️"]
    assert first.buttons == ()

    # The middle page: five requests, "Newer" and "Older", a list of seven rows.
    chat.press("Daha eski")
    [second] = chat.last
    assert second.text.startswith("📋 Talepleriniz (2/3)\n\n" + newest_first[5] + " · ")
    assert [r.label for r in second.rows] == [*newest_first[5:10], "⬅️ Daha yeni", "Daha eski ➡️"]

    # The last page: one request and "Newer", two buttons.
    chat.press("Daha eski")
    [third] = chat.last
    assert third.text.startswith("📋 Talepleriniz (3/3)\n")
    assert [b.label for b in third.buttons] == [newest_first[10], "⬅️ Daha yeni"]

    # One request: its topic, department, status, description and history.
    oldest = filed[0]
    chat.press(oldest.number)
    [detail] = chat.last
    lines = detail.text.split("\n")
    assert lines[0] == f"{oldest.number} · Çöp toplama"
    assert lines[1].startswith("🏢 ") and lines[1] != "🏢 —"
    assert lines[2:7] == ["📌 Durum: Alındı", "", "Şikayet 1", "", "Geçmiş"]
    assert len(lines) == 8 and lines[7].startswith("• ") and lines[7].endswith(" — alındı")
    # Three buttons, each title cut to the channel's 20 characters.
    assert [b.label for b in detail.buttons] == [
        "📝 Not veya fotoğraf…",
        "↩️ Geri çek",
        "⬅️ Taleplerim",
    ]

    # A note: the prompt, then the message goes to the request.
    chat.press("📝 Not")
    assert [m.text for m in chat.last] == [
        f"{oldest.number} numaralı talebinize eklemek istediğiniz notu ya da fotoğrafı gönderin."
    ]
    assert chat.last[0].buttons == ()
    chat.send("Konteyner hâlâ dolu & kokuyor.")
    assert [m.text for m in chat.last] == [
        f"✅ {oldest.number} numaralı talebinize eklendi ve ilgili birime iletildi."
    ]
    with transaction(db) as session:
        assert steps.pending(session, citizen_of(session, ayse)) is None
    chat.show(chat.act(actions.View(oldest.id or 0)))
    assert chat.last[0].text.endswith(": Konteyner hâlâ dolu & kokuyor.")
    assert "vatandaşın notu" in chat.last[0].text.split("\n")[-1]

    # Withdrawal: the question, two buttons; yes closes it, and the request can only be
    # left.
    chat.press("↩️ Geri çek")
    [question] = chat.last
    assert question.text == (
        f"{oldest.number} numaralı talebinizi geri çekmek istediğinize emin misiniz?"
    )
    assert [b.label for b in question.buttons] == ["Evet, geri çek", "Hayır"]
    chat.press("Evet")
    [withdrawn] = chat.last
    assert "📌 Durum: Geri çekildi" in withdrawn.text.split("\n")
    assert withdrawn.text.split("\n")[-1].endswith(" — vatandaş tarafından geri çekildi")
    assert [b.label for b in withdrawn.buttons] == ["⬅️ Taleplerim"]
    with pytest.raises(Refused):
        chat.act(actions.Withdraw(oldest.id or 0))
    with pytest.raises(Refused):
        chat.act(actions.AddNote(oldest.id or 0))

    # Back to the list, whose second page shows it withdrawn.
    chat.press("⬅️ Taleplerim")
    assert chat.last[0].text.startswith("📋 Talepleriniz (1/3)\n")
    chat.press("Daha eski")
    chat.press("Daha eski")
    assert f"{oldest.number} · Çöp toplama · Geri çekildi · " in chat.last[0].text

    # An answer to a staff question, on another request: its own prompt, its own label.
    newest = filed[-1]
    chat.show(chat.act(actions.AnswerQuestion(newest.id or 0)))
    assert [m.text for m in chat.last] == [
        f"{newest.number} numaralı talebinizle ilgili yanıtınızı yazın."
    ]
    chat.send("Konteyner Atatürk Caddesi 12'nin önünde.")
    assert chat.last[0].text.startswith(f"✅ {newest.number} numaralı talebinize eklendi")
    chat.show(chat.act(actions.View(newest.id or 0)))
    assert (
        chat.last[0]
        .text.split("\n")[-1]
        .endswith(" — vatandaşın yanıtı: Konteyner Atatürk Caddesi 12'nin önünde.")
    )

    # Nothing was edited: every screen came as new messages, and none broke a limit.
    assert len(chat.seen) == 15


def test_another_citizens_request_is_not_found_and_an_empty_list_offers_the_menu(
    db: Engine, calendar: WorkingCalendar
) -> None:
    ayse, mehmet = make_citizen(db, AYSE), make_citizen(db, MEHMET)
    [request] = _file(db, calendar, ayse, 1)
    chat = PlainChat(db, mehmet)
    chat.open_list()
    assert [m.text for m in chat.last] == ["Henüz bir talebiniz yok. Göndermek için /talep yazın."]
    assert [b.label for b in chat.last[0].buttons] == ["📝 Talep", "📋 Taleplerim"]
    for action in (actions.View, actions.AddNote, actions.Withdraw, actions.WithdrawConfirmed):
        with pytest.raises(NotFound):
            chat.act(action(request.id or 0))
    assert screens.no_such_number(translator("tr"), request.number).text == (
        f"{request.number} numaralı bir talebiniz bulunmuyor."
    )
