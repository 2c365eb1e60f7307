"""KVKK in the staff groups (issue #19): after /verilerimi_sil, or once the retention period
has passed, no message the bot put in a group still shows the citizen's name, phone, text,
location or photos: the card, the photos under it, their answer and photo relayed under it,
and the card a redirection left in the first department's group.

Each test reads the groups as their members see them in the emulator, edits applied and
deleted messages gone."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlmodel import select

from core import citizens, privacy
from core.employment import codes, referrals, registry
from core.employment.registry import CV
from db.engine import transaction
from db.models import EmploymentDeskScreen, EmploymentGroupMessage, StaffMember
from db.types import utcnow
from emulator.client import BotMessage, SimGroup, SimUser
from flows.privacy import Erase
from handlers.delivery import placeholder_png
from handlers.employment_staff import referral_followups
from handlers.privacy import retention_job
from tests.employment_builders import forklift_vacancy, logistics_firm
from tests.harness import Kent
from tests.journeys import card_of, freeze, number_in, stored

COMPLAINT = "Sokağımızdaki çöpler üç gündür toplanmadı, konteyner taştı."
ANSWER = "Konteyner Lale Sokak 14 numaranın önünde."
NOTE = "Yan sokaktaki konteyner de dolu."
# What must not be left in a group: the name, the phone as shared and as shown, the texts,
# and the location (coordinates, in the card's map link).
SECRETS = (
    "Ayşe",
    "+905551112233",
    "555 111 22 33",
    "çöpler üç gündür",
    "Lale Sokak",
    "Yan sokaktaki",
    "41.0255",
    "29.102",
)
ERASE = Erase().pack()


def shown(message: BotMessage) -> str:
    """What a member of the group sees of a message: its text or caption, and the addresses
    its links open (the card's map link carries the coordinates)."""
    entities = message.raw.get("entities") or message.raw.get("caption_entities") or []
    links = [e.get("url", "") for e in entities]
    place = [str(message.raw[k]) for k in ("location", "venue") if k in message.raw]
    return " ".join([message.text, *links, *place])


def leaks(kent: Kent, group: SimGroup) -> list[str]:
    """Every piece of the citizen's data still visible in the group, and every photo that
    is not the placeholder."""
    found = []
    for message in group.transcript():
        found += [f"#{message.message_id}: {s}" for s in SECRETS if s in shown(message)]
        if message.photo is not None:
            data = kent.emu.download(message.photo[-1]["file_id"], token=kent.app.bot.token)
            if data != placeholder_png():
                found.append(f"#{message.message_id}: a photo")
    return found


def deleted_in(kent: Kent, group: SimGroup) -> set[int]:
    return {e["message_id"] for e in kent.emu.events(group.id, kinds="delete")}


def file_with_location_and_photos(citizen: SimUser) -> str:
    """A complaint with a location, two photos and a phone number; returns its number."""
    citizen.send("/talep")
    citizen.wait_message(contains="Kişisel Verilerin Korunması")
    citizen.press("✅ Kabul ediyorum")
    citizen.press("Çöp toplama")
    citizen.wait_message(contains="Lütfen konuyu bir mesajla anlatın")
    citizen.send(COMPLAINT)
    citizen.wait_message(contains="Nerede?")
    citizen.share_location(41.0255, 29.1020)
    citizen.send_photo()
    citizen.send_photo()
    citizen.send("✅ Devam")
    citizen.wait_message(contains="Gerekirse personelimiz sizi arayabilir mi?")
    citizen.share_contact("+90 555 111 22 33")
    citizen.press("📨 Gönder")
    return number_in(citizen.wait_message(contains="Talebiniz alındı"))


class Discussed:
    """A request that went round: filed, asked about, answered, added to, redirected."""

    def relayed(self, message: BotMessage) -> bool:
        """A new message under the card (not the card, re-rendered with its history)."""
        return not message.edited and message.reply_to_message_id == self.card.message_id

    def __init__(self, kent: Kent) -> None:
        self.ayse = ayse = kent.citizen("Ayşe", "tr")
        mehmet = kent.staff("temizlik")
        self.group = group = kent.groups["temizlik"]
        self.supervisors = kent.supervisors
        self.number = number = file_with_location_and_photos(ayse)
        self.card = card_of(kent, group, number)
        assert self.card.photo is None  # two photos: a text card, the photos below it
        group.wait_message(predicate=lambda m: m.photo is not None)
        group.wait_message(predicate=lambda m: m.photo is not None)

        # Staff ask; the citizen's answer is relayed under the card.
        mehmet.press("❓ Vatandaşa sor", chat=group, message_id=self.card.message_id)
        prompt = group.wait_message(contains="vatandaşa sormak istediğiniz soruyu")
        mehmet.reply(prompt.message_id, "Konteyner tam olarak nerede?", chat=group)
        question = ayse.wait_message(contains="Konteyner tam olarak nerede?")
        ayse.reply(question.message_id, ANSWER)
        ayse.wait_message(contains="ilgili birime iletildi")
        self.answer = group.wait_message(contains="vatandaşın yanıtı", predicate=self.relayed)
        assert ANSWER in self.answer.text

        # A note, then a photo, added from "My requests": relayed too.
        for kind in ("note", "photo"):
            ayse.send("/taleplerim")
            ayse.wait_message(contains="Talepleriniz")
            ayse.press(number)
            ayse.wait_message(contains="Geçmiş")
            ayse.press("📝 Not veya fotoğraf ekle")
            ayse.wait_message(contains=number)
            if kind == "note":
                ayse.send(NOTE)
            else:
                ayse.send_photo()
            ayse.wait_message(contains="ilgili birime iletildi")
        self.note = group.wait_message(contains="vatandaşın notu", predicate=self.relayed)
        self.photo = group.wait_message(contains="vatandaşın fotoğrafı", predicate=self.relayed)
        assert self.photo.photo is not None

        # Redirected to İmar (no group of its own): the card moves to the supervisors' group,
        # and the old one stays in Temizlik, without buttons.
        mehmet.press("↪️ Yönlendir", chat=group, message_id=self.card.message_id)
        group.wait_message(predicate=lambda m: "İmar ve Şehircilik Müdürlüğü" in m.flat_buttons)
        mehmet.press("İmar ve Şehircilik Müdürlüğü", chat=group, message_id=self.card.message_id)
        self.new_card = card_of(kent, self.supervisors, number)
        kent.emu.wait_idle()
        # Before the erasure both groups show the citizen's data, in text and in photos.
        assert leaks(kent, group) and leaks(kent, self.supervisors)
        assert any("Ayşe" in shown(m) for m in group.transcript())
        assert any("41.0255" in shown(m) for m in self.supervisors.transcript())


def test_erasure_leaves_no_personal_data_in_the_staff_groups(kent: Kent) -> None:
    request = Discussed(kent)
    group = request.group

    request.ayse.send("/verilerimi_sil")
    prompt = request.ayse.wait_message(
        predicate=lambda m: any(
            b.get("callback_data") == ERASE for r in m.inline_keyboard for b in r
        )
    )
    request.ayse.press_data(prompt.message_id, ERASE)
    group.wait_message(
        predicate=lambda m: m.message_id == request.card.message_id and privacy.ERASED in m.text
    )
    request.supervisors.wait_message(
        predicate=lambda m: request.number in m.text and privacy.ERASED in m.text
    )
    kent.emu.wait_idle()

    assert leaks(kent, group) == []
    assert leaks(kent, request.supervisors) == []
    # Within Telegram's 48 hours the relayed messages are deleted, not blanked.
    gone = deleted_in(kent, group)
    assert {request.answer.message_id, request.note.message_id, request.photo.message_id} <= gone
    # The retired card stays as the redirection's record: blank, and without buttons.
    [retired] = [m for m in group.transcript() if m.message_id == request.card.message_id]
    assert privacy.ERASED in retired.text and request.number in retired.text
    assert retired.flat_buttons == []
    assert any("talebi şu birime yönlendirdi" in m.text for m in group.transcript())
    # Staff can still act on the request from its new card.
    current = stored(kent, request.number)
    assert (current.card_chat_id, current.status) == (request.supervisors.id, "new")


def test_retention_leaves_no_personal_data_in_the_staff_groups(kent: Kent) -> None:
    request = Discussed(kent)
    group, supervisors = request.group, request.supervisors
    selin = kent.staff(None, role="supervisor", first_name="Selin")
    current = stored(kent, request.number)
    assert current.card_message_id is not None
    selin.press("✅ Çözüldü", chat=supervisors, message_id=current.card_message_id)
    request.ayse.wait_message(contains=f"{request.number} numaralı talebiniz çözüldü")
    resolved_at = stored(kent, request.number).resolved_at
    assert resolved_at is not None
    kent.emu.wait_idle()

    # Long after Telegram's 48 hours for deleting: everything is edited in place.
    freeze(kent, resolved_at + timedelta(days=kent.config.kvkk.retention_days, minutes=1))
    kent.run_job(retention_job)
    kent.emu.wait_idle()

    assert leaks(kent, group) == []
    assert leaks(kent, supervisors) == []
    assert not deleted_in(kent, group) and not deleted_in(kent, supervisors)
    left = {m.message_id: m for m in group.transcript()}
    blank = "🗑 Silindi: bu mesaj bir vatandaşın kişisel verilerini içeriyordu (KVKK)."
    assert left[request.answer.message_id].text == blank
    assert left[request.note.message_id].text == blank
    relayed_photo = left[request.photo.message_id]
    assert relayed_photo.photo is not None and relayed_photo.caption == blank
    assert privacy.ERASED in left[request.card.message_id].text
    # The citizen still uses the bot; only the old request's data went.
    assert stored(kent, request.number).text == privacy.ERASED


# --- the employment centre's group ------------------------------------------------------------

CANDIDATE, CANDIDATE_PHONE = "Selin Kaya", "+905321112233"


def a_candidate(kent: Kent) -> tuple[SimUser, SimUser, SimUser]:
    """Mehmet of the centre has verified Can's firm and published its forklift vacancy, and
    Selin's CV fits it. Returns Mehmet, Can and Selin."""
    mehmet = kent.staff("istihdam")
    owner = kent.emu.create_user(first_name="Can", language_code="tr", started=True)
    selin = kent.emu.create_user(first_name="Selin", language_code="tr", started=True)
    candidate_for(kent, mehmet, owner, selin)
    return mehmet, owner, selin


def candidate_for(
    kent: Kent, mehmet: SimUser, owner: SimUser, selin: SimUser, refer: bool = False
) -> datetime:
    """a_candidate's data; with `refer`, Selin is referred, says she is interested and the
    firm records an interview two days ago. Returns the time it was written."""
    now = utcnow()
    with transaction(kent.engine) as session:
        staff = session.exec(select(StaffMember).where(StaffMember.telegram_id == mehmet.id)).one()
        firm_owner = citizens.get_or_create(session, owner.id, "tr")
        employer = logistics_firm(session, firm_owner, now=now)
        registry.verify_employer(session, staff, employer, now)
        vacancy = forklift_vacancy(session, employer, now)
        registry.approve_vacancy(session, staff, vacancy, now)
        candidate = citizens.get_or_create(session, selin.id, "tr")
        seeker = registry.save_cv(
            session,
            candidate,
            CV(
                name=CANDIDATE,
                birth_year=1992,
                district="Merkez",
                phone=CANDIDATE_PHONE,
                occupations=["8344"],
                availability="now",
                work_time="full",
            ),
            now,
        )
        if refer:
            referral = referrals.refer(session, staff, vacancy, seeker, now, now.date())
            referrals.seeker_change(session, candidate, referral, codes.INTERESTED, now)
            referrals.employer_change(
                session, firm_owner, referral, codes.INTERVIEW, now - timedelta(days=2)
            )
    return now


def referral_reminded(kent: Kent) -> tuple[SimUser, BotMessage]:
    """Selin is referred to a job, says she is interested, the firm records an interview,
    and nobody answers the follow-up: the centre's group gets the reminder, with her name
    and phone. Returns Selin and the reminder."""
    mehmet = kent.staff("istihdam")
    owner = kent.emu.create_user(first_name="Can", language_code="tr", started=True)
    selin = kent.emu.create_user(first_name="Selin", language_code="tr", started=True)
    now = candidate_for(kent, mehmet, owner, selin, refer=True)
    kent.run_job(referral_followups)  # asks Selin and the firm how the interview went
    selin.wait_message(contains="Ege Lojistik firmasındaki “Forklift operatörü”")
    freeze(kent, now + timedelta(days=14))
    kent.run_job(referral_followups)
    reminder = kent.groups["istihdam"].wait_message(contains="yanıt gelmedi")
    assert f"Aday: {CANDIDATE}, {CANDIDATE_PHONE}" in reminder.text
    kent.emu.wait_idle()
    return selin, reminder


def shows_candidate(group: SimGroup) -> list[int]:
    return [
        m.message_id for m in group.transcript() if CANDIDATE in m.text or CANDIDATE_PHONE in m.text
    ]


def reminder_taken_out(kent: Kent, group: SimGroup, reminder: BotMessage) -> None:
    """The reminder is deleted (within Telegram's 48 hours), nothing in the group shows the
    candidate, and no stored copy is left to take out."""
    deadline = time.monotonic() + 5
    while reminder.message_id not in deleted_in(kent, group):
        assert time.monotonic() < deadline, "the reminder was not deleted"
        time.sleep(0.05)
    assert shows_candidate(group) == []
    with transaction(kent.engine) as session:
        assert session.exec(select(EmploymentGroupMessage)).all() == []


def test_erasure_takes_a_referral_reminder_out_of_the_centres_group(kent: Kent) -> None:
    group = kent.groups["istihdam"]
    selin, reminder = referral_reminded(kent)
    assert shows_candidate(group) == [reminder.message_id]

    erase_data_of(selin)
    reminder_taken_out(kent, group, reminder)


def test_deleting_the_cv_takes_a_referral_reminder_out_of_the_centres_group(kent: Kent) -> None:
    """Not /verilerimi_sil: only "🗑 Delete my CV" in the employment menu. The CV is what the
    reminder shows, so the reminder goes with it."""
    group = kent.groups["istihdam"]
    selin, reminder = referral_reminded(kent)
    selin.send("/istihdam")
    selin.press("📄 Özgeçmişim")
    selin.press("🗑 Özgeçmişimi sil")
    selin.press("🗑 Evet, sil")
    selin.wait_message(contains="Özgeçmişiniz silindi")
    reminder_taken_out(kent, group, reminder)


def test_retention_blanks_a_referral_reminder_in_the_centres_group(kent: Kent) -> None:
    group = kent.groups["istihdam"]
    _, reminder = referral_reminded(kent)
    # The CV idle longer than the retention period; the reminder long past 48 hours.
    freeze(kent, utcnow() + timedelta(days=kent.config.kvkk.retention_days + 30))
    kent.run_job(retention_job)
    kent.emu.wait_idle()
    assert shows_candidate(group) == []
    assert not deleted_in(kent, group)
    [left] = [m for m in group.transcript() if m.message_id == reminder.message_id]
    assert left.text == "🗑 Silindi: bu mesaj bir vatandaşın kişisel verilerini içeriyordu (KVKK)."


def erase_data_of(citizen: SimUser) -> None:
    citizen.send("/verilerimi_sil")
    prompt = citizen.wait_message(
        predicate=lambda m: any(
            b.get("callback_data") == ERASE for r in m.inline_keyboard for b in r
        )
    )
    citizen.press_data(prompt.message_id, ERASE)
    citizen.wait_message(contains="Kişisel verileriniz silindi")


def desk_on_the_candidates(kent: Kent, group: SimGroup) -> tuple[SimUser, SimUser, BotMessage]:
    """Mehmet opens the desk in the centre's group and goes to the forklift vacancy's
    candidates, which name Selin. Returns Mehmet, Selin and the desk's message."""
    mehmet, _, selin = a_candidate(kent)
    mehmet.send("/istihdam", chat=group)
    board = group.wait_message(contains="personel masası")
    mehmet.press("📢 Yayındaki ilanlar", chat=group, message_id=board.message_id)
    group.wait_message(contains="adaylarını görmek için")
    mehmet.press("Forklift operatörü — Ege Lojistik", chat=group, message_id=board.message_id)
    group.wait_message(contains=f"1. {CANDIDATE}")
    assert shows_candidate(group) == [board.message_id]
    return mehmet, selin, board


def test_erasure_takes_the_desk_out_of_the_group_while_it_shows_the_candidate(
    kent: Kent,
) -> None:
    """The desk's message is edited in place as staff go: while it names Selin, her
    erasure deletes it (within Telegram's 48 hours)."""
    group = kent.groups["istihdam"]
    _, selin, board = desk_on_the_candidates(kent, group)
    erase_data_of(selin)
    deadline = time.monotonic() + 5
    while board.message_id not in deleted_in(kent, group):
        assert time.monotonic() < deadline, "the desk's message was not deleted"
        time.sleep(0.05)
    assert shows_candidate(group) == []
    with transaction(kent.engine) as session:
        assert session.exec(select(EmploymentDeskScreen)).all() == []


def test_a_desk_that_moved_on_from_the_candidate_stays_after_her_erasure(kent: Kent) -> None:
    """Back at the list of vacancies, the message names nobody: it stays."""
    group = kent.groups["istihdam"]
    mehmet, selin, board = desk_on_the_candidates(kent, group)
    mehmet.press("⬅️ Geri", chat=group, message_id=board.message_id)
    group.wait_message(contains="adaylarını görmek için")
    with transaction(kent.engine) as session:
        assert session.exec(select(EmploymentDeskScreen)).all() == []
    erase_data_of(selin)
    kent.emu.wait_idle()
    assert board.message_id not in deleted_in(kent, group)


def test_erasure_takes_the_desk_out_while_it_shows_the_firms_contact_person(kent: Kent) -> None:
    """The desk's page of a firm waiting to be verified names its contact person, Can: his
    erasure takes the page out of the group, and the firm keeps its name."""
    group = kent.groups["istihdam"]
    mehmet = kent.staff("istihdam")
    can = kent.emu.create_user(first_name="Can", language_code="tr", started=True)
    with transaction(kent.engine) as session:
        logistics_firm(session, citizens.get_or_create(session, can.id, "tr"), now=utcnow())
    mehmet.send("/istihdam", chat=group)
    board = group.wait_message(contains="personel masası")
    mehmet.press("🏢 Doğrulanacak firmalar", chat=group, message_id=board.message_id)
    group.wait_message(predicate=lambda m: "Ege Lojistik" in m.flat_buttons)
    mehmet.press("Ege Lojistik", chat=group, message_id=board.message_id)
    page = group.wait_message(contains="Can Ege")
    assert page.message_id == board.message_id and "+902321112233" in page.text

    erase_data_of(can)
    deadline = time.monotonic() + 5
    while board.message_id not in deleted_in(kent, group):
        assert time.monotonic() < deadline, "the firm's page was not deleted"
        time.sleep(0.05)
    assert not [m for m in group.transcript() if "Can Ege" in m.text]
