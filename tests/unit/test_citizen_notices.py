"""What a citizen reads when staff act on a request (flows.my_requests.notices): the
closing thanks fits the request, a department's name is never followed by a suffixed
"birimine" ("Fen İşleri Müdürlüğü birimine"), and every notice fits a plain channel."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from common.i18n import Translator, po_path, translator
from db.models import Category, Department, Request, RequestEvent
from flows.my_requests.actions import AnswerQuestion
from flows.my_requests.notices import citizen_notice
from flows.plain import Message
from tests.plain import fitted

FEN = Department(code="fen", name_tr="Fen İşleri Müdürlüğü", name_en="Directorate of Public Works")
SOSYAL = Department(
    code="sosyal",
    name_tr="Sosyal Destek Hizmetleri Müdürlüğü",
    name_en="Directorate of Social Support",
)


def request(category: str, department: str, type_: str) -> Request:
    return Request(
        id=1,
        number="2026-000042",
        channel="telegram",
        type=type_,
        category_code=category,
        department_code=department,
        text="…",
    )


# As config.toml marks them: street lighting and roads are civic topics, social aid is not.
LIGHTING = Category(code="aydinlatma", department_code="fen", sla_hours=16, name_tr="", civic=True)
ROADS = Category(code="yol", department_code="fen", sla_hours=16, name_tr="", civic=True)
AID = Category(code="sosyal_yardim", department_code="sosyal", sla_hours=16, name_tr="")


def resolved(text: str | None = None) -> RequestEvent:
    return RequestEvent(request_id=1, kind="resolved", actor="staff", text=text)


def notice_text(
    t: Translator,
    request: Request,
    event: RequestEvent,
    department: Department | None,
    category: Category | None = None,
) -> str | None:
    notice = citizen_notice(t, request, event, department, category)
    return notice.text if notice is not None else None


def test_a_street_lighting_complaint_is_thanked_for_improving_the_city() -> None:
    lamp = request("aydinlatma", "fen", "sikayet")
    notice = notice_text(translator("tr"), lamp, resolved("Lamba değiştirildi."), FEN, LIGHTING)
    assert notice == (
        "✅ <b>2026-000042 numaralı talebiniz çözüldü.</b>\n\n"
        "Lamba değiştirildi.\n\n"
        "Kentimizi daha yaşanabilir kılmamıza katkıda bulunduğunuz için teşekkür ederiz."
    )
    english = notice_text(translator("en"), lamp, resolved(), FEN, LIGHTING)
    assert english is not None
    assert english.endswith("Thank you for helping us improve our city.")


def test_a_social_aid_request_gets_a_neutral_thanks() -> None:
    aid = request("sosyal_yardim", "sosyal", "talep")
    notice = notice_text(translator("tr"), aid, resolved(), SOSYAL, AID)
    assert notice == (
        "✅ <b>2026-000042 numaralı talebiniz çözüldü.</b>\n\n"
        "Bize ulaştığınız için teşekkür ederiz."
    )
    assert "Kentimizi" not in notice
    english = notice_text(translator("en"), aid, resolved(), SOSYAL, AID)
    assert english is not None and english.endswith("Thank you for getting in touch with us.")


def test_a_question_about_a_city_topic_is_not_thanked_for_improving_the_city() -> None:
    question = request("yol", "fen", "bilgi")
    notice = notice_text(translator("tr"), question, resolved(), FEN, ROADS)
    assert notice is not None and notice.endswith("Bize ulaştığınız için teşekkür ederiz.")


def test_a_municipality_marks_its_own_civic_topics_in_config() -> None:
    """The thanks follows config.toml's `civic`, not a list of the example's codes."""
    kaldirim = Category(code="kaldirim_x", department_code="fen", sla_hours=8, name_tr="")
    own = request("kaldirim_x", "fen", "sikayet")
    assert notice_text(translator("tr"), own, resolved(), FEN, kaldirim) is not None
    neutral = notice_text(translator("tr"), own, resolved(), FEN, kaldirim)
    assert neutral is not None and neutral.endswith("Bize ulaştığınız için teşekkür ederiz.")
    kaldirim.civic = True
    civic = notice_text(translator("tr"), own, resolved(), FEN, kaldirim)
    assert civic is not None and civic.endswith("katkıda bulunduğunuz için teşekkür ederiz.")


def test_the_department_name_keeps_its_own_form() -> None:
    t = translator("tr")
    lamp = request("aydinlatma", "fen", "sikayet")
    passed = RequestEvent(request_id=1, kind="redirected", actor="staff")
    assert notice_text(t, lamp, passed, FEN) == (
        "↪️ 2026-000042 numaralı talebiniz, konudan sorumlu birime iletildi: Fen İşleri Müdürlüğü."
    )
    taken = RequestEvent(request_id=1, kind="assigned", actor="staff")
    assert notice_text(t, lamp, taken, FEN) == (
        "🙋 2026-000042 numaralı talebiniz Fen İşleri Müdürlüğü tarafından işleme alındı."
    )


def test_no_turkish_text_suffixes_a_department_name() -> None:
    """Names end in "Müdürlüğü", "Merkezi", "Konseyi": "{department} birimine" (or any
    suffix glued to the placeholder) cannot be right for all of them."""
    with po_path("tr").open("rb") as handle:
        catalog = read_po(handle, locale="tr")
    for message in catalog:
        text = str(message.string)
        assert "{department} birim" not in text, message.id
        assert not re.search(r"\{department\}'?[a-zçğıöşü]", text), message.id


def plain(kind: str, text: str | None = None) -> list[Message]:
    """The notice of a staff action of `kind` on a street lighting complaint, as the plain
    channel (WhatsApp's limits) shows it."""
    lamp = request("aydinlatma", "fen", "sikayet")
    event = RequestEvent(request_id=1, kind=kind, actor="staff", text=text)
    notice = citizen_notice(translator("tr"), lamp, event, FEN, LIGHTING)
    assert notice is not None
    return fitted(notice)


def test_every_notice_fits_a_plain_channel_and_only_the_question_has_a_button() -> None:
    assigned = plain("assigned")
    assert [m.text for m in assigned] == [
        "🙋 2026-000042 numaralı talebiniz Fen İşleri Müdürlüğü tarafından işleme alındı."
    ]
    answered = plain("answered", "Ekip yarın gelecek <saat 10>.")
    assert [m.text for m in answered] == [
        "💬 2026-000042 numaralı talebinize yanıt (Fen İşleri Müdürlüğü):\n\n"
        "Ekip yarın gelecek <saat 10>."
    ]
    resolved_ = plain("resolved", "Lamba değiştirildi.")
    assert resolved_[0].text.startswith("✅ 2026-000042 numaralı talebiniz çözüldü.\n\n")
    rejected = plain("rejected", "Özel mülk.")
    assert rejected[0].text.endswith("Özel mülk.")
    redirected = plain("redirected")
    assert "Fen İşleri Müdürlüğü" in redirected[0].text
    for messages in (assigned, answered, resolved_, rejected, redirected):
        assert len(messages) == 1 and messages[0].buttons == () and messages[0].rows == ()
    # The question: the staff's words, and the button that answers it, with the data the
    # Telegram button has always sent.
    question = plain("question", "Direk numarası nedir?")
    assert len(question) == 1 and "Direk numarası nedir?" in question[0].text
    [answer] = question[0].buttons
    assert (answer.label, answer.data) == ("✍️ Yanıtla", "my:r:1")
    assert AnswerQuestion.unpack(answer.data) == AnswerQuestion(1)
