"""The survey, KVKK's erase question and the home screens on a channel with less than
Telegram (WhatsApp's limits, flows.plain): each screen fits, and what a press sends back
is the action it stood for, which core then carries out."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from common.config import Config
from common.i18n import translator
from core import staff, survey, workflow
from core.refusals import Refused
from core.working_time import WorkingCalendar
from db.engine import transaction
from db.models import Request, SatisfactionAnswer
from db.types import utcnow
from flows import home, privacy
from flows import survey as ask
from flows.actions import Action, parse
from flows.my_requests.screens import detail_screen
from flows.plain import Message
from flows.screen import Choice
from tests.builders import citizen_of, file_request, make_citizen
from tests.plain import fitted

AYSE, STAFF = 6201, 8201


def offered(messages: list[Message]) -> list[Choice]:
    return [c for m in messages for c in (*m.buttons, *m.rows)]


def pressed(messages: list[Message], label: str, kinds: list[type[Action]]) -> Action:
    found = [c for c in offered(messages) if c.label == label]
    assert found, f"{label!r} not among {[c.label for c in offered(messages)]}"
    action = parse(found[0].data, kinds)
    assert action is not None
    return action


def test_a_citizen_rates_a_resolved_request_on_the_plain_channel(
    db: Engine, calendar: WorkingCalendar
) -> None:
    citizen_id = make_citizen(db, AYSE)
    request = file_request(db, calendar, citizen_id)
    assert request.id is not None
    with transaction(db) as session:
        staff.upsert(session, STAFF, "staff", "temizlik", name="Mehmet Kaya")
        member = staff.active_member(session, STAFF)
        workflow.staff_action(session, request.id, member, "resolve")
    t = translator("tr")

    question = fitted(ask.question(t, request.id, request.number, reminder=False))
    # Six answers do not fit three buttons: they come as one list, in order.
    assert [m.buttons for m in question] == [()]
    # The five scores in one style, the scale said in words a citizen would use.
    assert [c.label for c in offered(question)] == [
        "1 ⭐",
        "2 ⭐",
        "3 ⭐",
        "4 ⭐",
        "5 ⭐",
        "❌ Sorunum çözülmedi",
    ]
    assert question[0].text.startswith(
        f"⭐ {request.number} numaralı talebinizle ilgili yapılan işlemlerden ne kadar memnun "
        "kaldınız? (1: hiç memnun değilim, 5: çok memnunum)"
    )

    score = pressed(question, "4 ⭐", [ask.Score, ask.NotSolved])
    assert score == ask.Score(request.id, 4)
    with transaction(db) as session:
        survey.answer(session, citizen_of(session, citizen_id), score.request_id, 4, utcnow())
    thanks = fitted(ask.scored(t))
    assert offered(thanks) == [] and "/iptal" in thanks[0].text
    with transaction(db) as session:
        survey.add_comment(session, citizen_of(session, citizen_id), request.id, "Hızlıydı")
        answer = session.exec(
            select(SatisfactionAnswer).where(SatisfactionAnswer.request_id == request.id)
        ).one()
        assert (answer.score, answer.comment) == (4, "Hızlıydı")
        # The history says so in the citizen's language, as every event of it.
        row = session.get(Request, request.id)
        assert row is not None
        history = detail_screen(session, t, row)
        assert "vatandaş tarafından puanlandı" in history.text and "rated" not in history.text
        with pytest.raises(Refused) as again:
            survey.answer(session, citizen_of(session, citizen_id), request.id, 5, utcnow())
    assert ask.refusal(t, again.value) == "Bu anketi zaten yanıtladınız. Teşekkürler!"


def test_not_solved_on_the_plain_channel_reopens_the_request(
    db: Engine, calendar: WorkingCalendar
) -> None:
    citizen_id = make_citizen(db, AYSE)
    request = file_request(db, calendar, citizen_id)
    assert request.id is not None
    with transaction(db) as session:
        staff.upsert(session, STAFF, "staff", "temizlik", name="Mehmet Kaya")
        workflow.staff_action(session, request.id, staff.active_member(session, STAFF), "resolve")
    t = translator("tr")
    question = fitted(ask.question(t, request.id, request.number, reminder=True))
    assert question[0].text.startswith("🔔")
    action = pressed(question, "❌ Sorunum çözülmedi", [ask.Score, ask.NotSolved])
    assert isinstance(action, ask.NotSolved)
    with transaction(db) as session:
        reopened = survey.not_solved(
            session, citizen_of(session, citizen_id), action.request_id, utcnow()
        )
    assert fitted(ask.reopened(t, reopened.number))[0].text.startswith("🔁")
    with transaction(db) as session:
        row = session.get(Request, request.id)
        assert row is not None and row.status == "reopened" and row.status == reopened.status


def test_the_erase_question_and_the_home_screens_fit_the_plain_channel(config: Config) -> None:
    t = translator("tr")
    question = fitted(privacy.erase_question(t))
    # Two buttons (a title past WhatsApp's 20 characters is cut with "…"), no HTML left.
    assert [c.label for c in question[0].buttons] == ["🗑 Evet, verilerimi…", "✖️ Hayır, kalsın"]
    assert "<b>" not in question[0].text and "Kişisel verilerimi sil" in question[0].text
    assert pressed(question, "✖️ Hayır, kalsın", [privacy.Erase, privacy.Keep]) == privacy.Keep()

    languages = fitted(home.languages(t))
    chosen = pressed(languages, "🇬🇧 English", [home.ChooseLanguage])
    assert chosen == home.ChooseLanguage("en")
    english = translator("en")
    assert fitted(home.language_set(english, ()))[0].text == "Language set to English."

    menu = (
        (Choice("📝 Talep / şikâyet", "menu:request"),),
        (Choice("🌐 Dil", home.Languages().pack()), Choice("❓ Yardım", home.Help().pack())),
    )
    greeting = fitted(home.greeting(t, "Ayşe", config.municipality.name, menu))
    assert greeting[0].text.startswith("Merhaba Ayşe!")
    assert [c.label for c in greeting[0].buttons] == ["📝 Talep / şikâyet", "🌐 Dil", "❓ Yardım"]
    helped = fitted(home.help_screen(t, config.municipality.name, "153", menu))
    assert "153" in helped[0].text and "<b>" not in helped[0].text
