"""The employer's side on a channel with less than Telegram (WhatsApp's limits: no edits,
three buttons or a list of ten rows to a message, short titles): flows/ and core/ alone
take a citizen from the employment menu to a registered firm, a vacancy sent for
approval and a hire recorded for the candidate referred to it, and every message fits
the channel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.i18n import Translator, translator
from core import citizens, staff
from core.employment import codes, referrals, registry
from core.employment.registry import CV, Experience
from db.engine import transaction
from db.models import Citizen, ConversationState, Employer, Referral, Vacancy
from db.types import utcnow
from flows.actions import Action, parse
from flows.employment import actions as a
from flows.employment import employer, employer_vacancies, employer_wizard, seeker
from flows.employment import employer_actions as j
from flows.plain import Message
from flows.screen import Screen
from tests.plain import fitted

TZ = ZoneInfo("Europe/Istanbul")
ACTIONS: list[type[Action]] = [
    kind
    for kind in vars(j).values()
    if isinstance(kind, type)
    and issubclass(kind, Action)
    and kind is not Action
    # The CV's PDF is a file the channel sends (handlers.render.send_file), not a screen.
    and kind is not j.CVFile
] + [a.Menu]

Press = Callable[[Session, Citizen, Translator, Any, datetime], Screen]
PRESSES: dict[type[Action], Press] = {
    a.Menu: lambda s, who, t, act, now: seeker.menu(s, who, t),
    j.Home: lambda s, who, t, act, now: employer.home(s, who, t),
    j.Register: lambda s, who, t, act, now: employer_wizard.register(s, who, t, "Kent Belediyesi"),
    j.Consented: lambda s, who, t, act, now: employer_wizard.consented(s, who, t),
    j.Back: lambda s, who, t, act, now: employer_wizard.back(s, who, t),
    j.Cancel: lambda s, who, t, act, now: employer_wizard.cancel(s, who, t),
    j.Skip: lambda s, who, t, act, now: employer_wizard.skip(s, who, t),
    j.Pick: lambda s, who, t, act, now: employer_wizard.pick(s, who, t, act.value),
    j.Occupation: lambda s, who, t, act, now: employer_wizard.occupation(s, who, t, act.code),
    j.Until: lambda s, who, t, act, now: employer_wizard.until(s, who, t, act.months, now, TZ),
    j.Summary: lambda s, who, t, act, now: employer_wizard.summary(s, who, t),
    j.EditMenu: lambda s, who, t, act, now: employer_wizard.edit_menu(s, who, t),
    j.Edit: lambda s, who, t, act, now: employer_wizard.edit(s, who, t, act.field),
    j.Save: lambda s, who, t, act, now: employer_wizard.save(s, who, t, now),
    j.Firm: lambda s, who, t, act, now: employer.firm(s, who, t, act.employer_id),
    j.NewVacancy: lambda s, who, t, act, now: employer_wizard.new_vacancy(
        s, who, t, act.employer_id
    ),
    j.Vacancies: lambda s, who, t, act, now: employer_vacancies.vacancies(
        s, who, t, act.employer_id
    ),
    j.Vacancy: lambda s, who, t, act, now: employer_vacancies.vacancy(s, who, t, act.vacancy_id),
    j.CorrectFirm: lambda s, who, t, act, now: employer_wizard.correct_firm(
        s, who, t, act.employer_id
    ),
    j.CorrectVacancy: lambda s, who, t, act, now: employer_wizard.correct_vacancy(
        s, who, t, act.vacancy_id
    ),
    j.Candidate: lambda s, who, t, act, now: employer_vacancies.candidate(
        s, who, t, act.referral_id, TZ
    ),
    j.Outcome: lambda s, who, t, act, now: employer_vacancies.outcome(
        s, who, t, act.referral_id, act.to, now, TZ
    ),
    j.Reason: lambda s, who, t, act, now: employer_vacancies.reason(
        s, who, t, act.referral_id, act.reason, now, TZ
    ),
    j.Day: lambda s, who, t, act, now: employer_vacancies.day(s, who, t, act.offset, now, TZ),
    j.Undecided: lambda s, who, t, act, now: employer_vacancies.undecided(
        s, who, t, act.referral_id, TZ
    ),
    j.Close: lambda s, who, t, act, now: employer_vacancies.close(s, who, t, act.vacancy_id),
    j.CloseConfirmed: lambda s, who, t, act, now: employer_vacancies.close_confirmed(
        s, who, t, act.vacancy_id, now
    ),
}


def test_every_action_has_a_press() -> None:
    assert set(PRESSES) == set(ACTIONS)


@dataclass
class PlainChat:
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
        messages = fitted(screen)
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
            assert draft is not None
            if draft.step == "e_out":
                return employer_vacancies.outcome_answer(session, citizen, t, text, utcnow(), TZ)
            assert draft.step in ("e_firm", "e_vac")
            return employer_wizard.answer(session, citizen, t, text, utcnow(), TZ)

        self._with_citizen(answer)


def test_a_firm_posts_a_vacancy_and_records_a_hire_on_a_plain_channel(db: Engine) -> None:
    with transaction(db) as session:
        citizen = citizens.get_or_create(session, 6401, "tr")
        assert citizen.id is not None
        chat = PlainChat(db, citizen.id)
    chat.open()
    chat.press("🏢 İşverenim")
    assert "İşverenler" in chat.text and chat.labels == ["➕ Firma kaydet", "⬅️ Geri"]
    chat.press("➕ Firma kaydet")
    assert "KVKK" in chat.text
    chat.press("✅ Devam")
    chat.send("Lezzet Lokantası")
    chat.send("1111111111")
    assert "son hanesi" in chat.text and "VKN, 10 hane" in chat.text
    chat.send("4540536920")
    chat.press("⏭ Atla")
    chat.send("Ümraniye")
    chat.send("Ahmet Demir")
    chat.send("0216 111 22 33")
    assert "Firmanız" in chat.text
    # Back from the summary: the last question, its answer kept; then the summary again.
    chat.press("⬅️ Geri")
    assert "telefon numarası" in chat.text
    chat.send("0216 111 22 34")
    assert "0216 111 22 34" in chat.text
    chat.press("✅ Firmayı kaydet")
    assert "kaydedildi" in chat.text
    with transaction(db) as session:
        centre = staff.upsert(session, 9101, "staff", codes.DEPARTMENT)
        firm = session.exec(select(Employer)).one()
        registry.verify_employer(session, centre, firm, utcnow())
    chat.press("🏢 Firmalarım")
    chat.press("Lezzet Lokantası")
    chat.press("📝 İş ilanı ver")
    chat.send("Garson")
    chat.send("garson")
    chat.press("Garsonlar")
    chat.send("0")
    assert "1 ile 1000" in chat.text
    chat.send("3")
    chat.send("Ümraniye")
    chat.press("Yarı zamanlı")
    # The disability quota: one yes/no question, answered by a button only.
    assert "yasal engelli çalışan kontenjanı" in chat.text
    chat.send("evet")
    assert "Lütfen aşağıdaki düğmeleri kullanın." in chat.text
    chat.press("Evet")
    chat.press("⏭ Atla")
    chat.press("6 ay sonra")
    assert "İlanınız" in chat.text and "Yarı zamanlı" in chat.text
    assert "Engelli kontenjanı: Evet" in chat.text
    # Cancel on a second thought would drop it; edit one field instead.
    chat.press("✏️ Düzenle")
    chat.press("Kişi sayısı")
    chat.send("4")
    assert "İlanınız" in chat.text
    chat.press("📨 Onaya gönder")
    assert "gönderildi" in chat.text
    with transaction(db) as session:
        vacancy = session.exec(select(Vacancy)).one()
        assert (vacancy.positions, vacancy.work_time, vacancy.status) == (4, "part", "pending")
        assert vacancy.quota is True
        assert vacancy.valid_until is not None
        assert vacancy.valid_until > utcnow().date() + timedelta(days=170)
        registry.approve_vacancy(session, centre, vacancy, utcnow())
        who = citizens.get_or_create(session, 6402, "tr")
        cv = registry.save_cv(
            session,
            who,
            CV(
                name="Selin Kaya",
                birth_year=1994,
                district="Ümraniye",
                phone="+905321112233",
                occupations=["5131"],
                experience=[Experience("Garson", "Deniz Restoran", 2)],
            ),
            utcnow(),
        )
        referral = referrals.refer(session, centre, vacancy, cv, utcnow(), utcnow().date())
        referrals.seeker_change(session, who, referral, codes.INTERESTED, utcnow())
    chat.press("📂 İlanlarım")
    chat.press("Garson")
    assert "Selin Kaya" in chat.text
    chat.press("Selin Kaya")
    assert "+905321112233" in chat.text
    chat.press("✅ İşe alındı")
    chat.send("31 şubat")
    assert "biçiminde" in chat.text
    chat.press("Yarın")
    assert "olarak kaydedildi" in chat.text and "işe başlama" in chat.text
    with transaction(db) as session:
        hired = session.exec(select(Referral)).one()
        assert hired.status == "job_found" and hired.start_date is not None
        assert session.exec(select(ConversationState)).all() == []
    assert len(chat.seen) >= 30
