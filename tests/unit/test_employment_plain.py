"""A job seeker's CV on a channel with less than Telegram (WhatsApp's limits: no edits,
three buttons or a list of ten rows to a message, short titles): flows/ and core/ alone
take a citizen from the employment menu through the KVKK notice and every question of
the CV to a stored CV, and every message fits the channel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.config import Config
from common.i18n import Translator, translator
from core import citizens, conversation
from core.employment import registry
from core.refusals import Refused
from db.engine import transaction
from db.models import Citizen, ConversationState, JobSeeker
from db.types import utcnow
from flows.actions import Action, parse
from flows.employment import actions as a
from flows.employment import seeker
from flows.employment.state import EmploymentState
from flows.plain import Message
from flows.screen import Ask, Screen
from tests.plain import fitted

ACTIONS = [
    kind
    for kind in vars(a).values()
    if isinstance(kind, type) and issubclass(kind, Action) and kind is not Action
]
SELIN = 6301

Press = Callable[[Session, Citizen, Translator, Any, datetime], Screen]
PRESSES: dict[type[Action], Press] = {
    a.Menu: lambda s, who, t, act, now: seeker.menu(s, who, t),
    a.Seek: lambda s, who, t, act, now: seeker.seek(s, who, t, "Kent Belediyesi", 730),
    a.Consented: lambda s, who, t, act, now: seeker.consented(s, who, t),
    a.Back: lambda s, who, t, act, now: seeker.back(s, who, t),
    a.Cancel: lambda s, who, t, act, now: seeker.cancel(s, who, t),
    a.Skip: lambda s, who, t, act, now: seeker.skip(s, who, t),
    a.Pick: lambda s, who, t, act, now: seeker.pick(s, who, t, act.value),
    a.Occupation: lambda s, who, t, act, now: seeker.occupation(s, who, t, act.code),
    a.Summary: lambda s, who, t, act, now: seeker.summary(s, who, t),
    a.EditMenu: lambda s, who, t, act, now: seeker.edit_menu(s, who, t),
    a.Edit: lambda s, who, t, act, now: seeker.edit(s, who, t, act.field),
    a.Save: lambda s, who, t, act, now: seeker.save(s, who, t, now),
    a.MyCV: lambda s, who, t, act, now: seeker.my_cv(s, who, t),
    a.Pause: lambda s, who, t, act, now: seeker.pause(s, who, t, act.answer == "y", now),
    a.Delete: lambda s, who, t, act, now: seeker.delete(s, who, t),
    a.DeleteConfirmed: lambda s, who, t, act, now: seeker.delete_confirmed(s, who, t, now)[0],
    a.EditCV: lambda s, who, t, act, now: seeker.edit_cv(s, who, t),
    a.Licence: lambda s, who, t, act, now: seeker.licence(s, who, t, act.code),
    a.RemoveFile: lambda s, who, t, act, now: seeker.remove_file(s, who, t),
    a.DisabilityConsent: lambda s, who, t, act, now: seeker.disability_consent(s, who, t, now),
    a.WithdrawDisability: lambda s, who, t, act, now: seeker.withdraw_disability(s, who, t, now),
}


@dataclass
class PlainChat:
    """One citizen's chat on the plain channel: every screen is new messages, and a
    person can only press what the last messages offer."""

    engine: Engine
    citizen_id: int
    seen: list[Message] = field(default_factory=list)
    last: list[Message] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.last)

    @property
    def labels(self) -> list[str]:
        return [c.label for m in self.last for c in (*m.buttons, *m.rows)]

    def _with_citizen(self, work: Callable[[Session, Citizen, Translator], Screen]) -> None:
        with transaction(self.engine) as session:
            citizen = session.get(Citizen, self.citizen_id)
            assert citizen is not None
            screen = work(session, citizen, translator(citizen.language or "tr"))
        # The phone question's "share my number" asks for the contact where it can.
        messages = fitted(screen, asks=(None, Ask.CONTACT))
        self.seen += messages
        self.last = messages

    def open(self) -> None:
        self._with_citizen(lambda s, who, t: seeker.menu(s, who, t))

    def press(self, label_starts: str) -> None:
        offered = [c for m in self.last for c in (*m.buttons, *m.rows)]
        found = [c for c in offered if c.label.startswith(label_starts)]
        assert found, f"{label_starts!r} not among {[c.label for c in offered]}"
        action = parse(found[0].data, ACTIONS)
        assert action is not None, found[0].data
        act = PRESSES[type(action)]
        self._with_citizen(lambda s, who, t: act(s, who, t, action, utcnow()))

    def send(self, text: str) -> None:
        def answer(session: Session, citizen: Citizen, t: Translator) -> Screen:
            draft = session.get(ConversationState, citizen.id)
            assert draft is not None and draft.step == "e_cv"
            state = conversation.state_of(draft, EmploymentState)
            return seeker.answer(session, citizen, t, state, text, utcnow())

        self._with_citizen(answer)

    def draft(self) -> EmploymentState:
        with transaction(self.engine) as session:
            draft = session.get(ConversationState, self.citizen_id)
            assert draft is not None
            return conversation.state_of(draft, EmploymentState)


def test_a_citizen_writes_a_cv_on_a_plain_channel(db: Engine, config: Config) -> None:
    with transaction(db) as session:
        citizen = citizens.get_or_create(session, SELIN, "tr")
        assert citizen.id is not None
        chat = PlainChat(db, citizen.id)
    chat.open()
    assert "İş ve kariyer" in chat.text and chat.labels == [
        "🔎 İş arıyorum",
        "🏢 İşverenim",
        "🎓 Eğitim ve iş fuarı",
    ]
    chat.press("🔎 İş arıyorum")
    assert "KVKK" in chat.text and "yalnızca" in chat.text
    assert chat.labels == ["✅ Kabul ediyorum", "✖️ Kabul etmiyorum"]
    chat.press("✅ Kabul")
    assert "Adınız ve soyadınız" in chat.text and chat.labels == ["⬅️ Geri", "✖️ İptal"]
    chat.send("   ")
    assert "boş bırakılamaz" in chat.text
    chat.send("Selin Kaya")
    chat.send("1890")
    assert "doğum yılı doğru olamaz" in chat.text.lower()
    assert chat.draft().name == "Selin Kaya"  # nothing entered is lost
    chat.send("1995")
    chat.send("Merkez")
    chat.press("⏭ Atla")  # no neighbourhood
    chat.send("12")
    assert "telefon numarası doğru olamaz" in chat.text
    chat.send("0532 111 22 33")
    # Nine education levels and Back, Cancel: a list, over two pages.
    assert "Lise" in chat.labels and len(chat.last) == 2
    chat.press("Lise")
    chat.send("zzzzqqq")
    assert "meslek bulamadım" in chat.text
    chat.send("garson")
    chat.press("Garsonlar")
    assert "✅ Garsonlar" in chat.text and "✅ Bitti" in chat.labels
    chat.press("✅ Bitti")
    chat.send("Garson, Deniz Restoran, 2")
    chat.press("✅ Bitti")
    chat.press("⏭ Atla")  # no languages
    # Licence classes: ticked and unticked until Done.
    chat.press("B (otomobil)")
    chat.press("G (iş makinesi)")
    chat.press("✅ G")  # untick
    assert chat.draft().licences == ["B"]
    chat.press("✅ Bitti")
    chat.press("Hemen")
    # Back from working time: the question before, its answer kept.
    chat.press("⬅️ Geri")
    assert "Ne zaman işe başlayabilirsiniz" in chat.text
    chat.press("İki hafta")
    chat.press("Yarı zamanlı")
    assert "PDF" in chat.text
    chat.send("özgeçmişim yok")  # text at the file question: asked again
    assert "PDF belgesi olarak gönderin" in chat.text
    chat.press("⏭ Atla")  # no file
    assert "Engellilik durumu" in chat.text and "KVKK madde 6" in chat.text
    chat.press("⏭ Atla")  # not shared
    assert "Özgeçmişiniz" in chat.text and "Garsonlar" in chat.text
    assert chat.labels == ["✅ Kaydet", "✏️ Düzenle", "⬅️ Geri", "✖️ İptal"]
    chat.press("✏️ Düzenle")
    chat.press("İlçe")
    chat.send("Yenişehir")
    assert "Yenişehir" in chat.text
    chat.press("✅ Kaydet")
    assert "kaydedildi" in chat.text
    with transaction(db) as session:
        stored = session.exec(select(JobSeeker)).one()
        assert (stored.name, stored.birth_year, stored.district) == (
            "Selin Kaya",
            1995,
            "Yenişehir",
        )
        assert (stored.availability, stored.work_time, stored.education) == (
            "two_weeks",
            "part",
            "high_school",
        )
        assert registry.occupations_of(session, stored) == ["5131"]
        assert stored.consent_at is not None
        assert (stored.driving_licence, stored.cv_file_id, stored.disability) == ("B", None, None)
        assert session.exec(select(ConversationState)).all() == []
    chat.press("📄 Özgeçmişim")
    assert "Garsonlar" in chat.text
    chat.press("⏸ Şimdilik")
    assert "Durduruldu" in chat.text and "▶️ Tekrar arıyorum" in chat.labels
    chat.press("▶️ Tekrar arıyorum")
    assert "Etkin" in chat.text, chat.text
    chat.press("🗑 Özgeçmişimi sil")
    chat.press("🗑 Evet, sil")
    assert "silindi" in chat.text and chat.labels == [
        "🔎 İş arıyorum",
        "🏢 İşverenim",
        "🎓 Eğitim ve iş fuarı",
    ]
    with transaction(db) as session:
        erased = session.exec(select(JobSeeker)).one()
        assert erased.name is None and erased.erased_at is not None
    assert len(chat.seen) >= 30


def test_stale_presses_are_refused_and_back_leaves_from_the_first_question(
    db: Engine, config: Config
) -> None:
    with transaction(db) as session:
        citizen = citizens.get_or_create(session, SELIN + 1, "tr")
        assert citizen.id is not None
        chat = PlainChat(db, citizen.id)
    t = translator("tr")
    with transaction(db) as session:
        who = session.get(Citizen, chat.citizen_id)
        assert who is not None
        # No draft: a button of an old message is refused, nothing is stored.
        with pytest.raises(Refused, match="not_found"):
            seeker.pick(session, who, t, "high_school")
        with pytest.raises(Refused, match="no_cv"):
            seeker.my_cv(session, who, t)
        seeker.consented(session, who, t)
    # At the name question, an education button (of an old message) is no answer.
    with transaction(db) as session:
        who = session.get(Citizen, chat.citizen_id)
        assert who is not None
        with pytest.raises(Refused):
            seeker.pick(session, who, t, "high_school")
        with pytest.raises(Refused):
            seeker.occupation(session, who, t, "8344")
    chat.send("Selin Kaya")
    chat.press("⬅️ Geri")
    assert "Adınız ve soyadınız" in chat.text
    chat.press("⬅️ Geri")  # before the first question: the menu, the draft dropped
    assert chat.labels == ["🔎 İş arıyorum", "🏢 İşverenim", "🎓 Eğitim ve iş fuarı"]
    with transaction(db) as session:
        assert session.exec(select(ConversationState)).all() == []
