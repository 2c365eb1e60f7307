"""The CV's later fields (issue 17): an existing CV as a PDF, driving licence classes and
the disability status, each checked in core, stored, exported by /verilerim and erased
by /verilerimi_sil, CV deletion and the retention sweep; and a draft written before
licence classes still loads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from common.i18n import translator
from core import conversation, privacy
from core.employment import registry, validation
from core.employment.registry import CV
from core.refusals import Refused
from db.engine import transaction
from db.models import JobSeeker
from flows.employment import seeker
from flows.employment.screens import refusal
from flows.employment.state import EmploymentState, EmploymentStep
from handlers.feature import personal_data_of
from handlers.features import FEATURES
from tests.builders import citizen_of, id_of, make_citizen

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
PARTS = personal_data_of(FEATURES)
MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "mime", "size", "reason"),
    [
        ("cv.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         20_000, "not_pdf"),
        ("cv.pdf", "application/octet-stream", 20_000, "not_pdf"),  # the type is not PDF
        ("cv.pdf.exe", "application/pdf", 20_000, "not_pdf"),  # nor is the name
        ("photo.jpg", "image/jpeg", 20_000, "not_pdf"),
        (None, None, 20_000, "not_pdf"),
        ("cv.pdf", "application/pdf", 6 * MB, "too_large"),
        ("cv.pdf", "application/pdf", 5 * MB, "too_large"),
        ("cv.pdf", "application/pdf", 2 * MB + 1, "too_large"),
        ("cv.pdf", "application/pdf", None, "too_large"),  # a size we cannot check
    ],
)  # fmt: skip
def test_only_a_pdf_of_at_most_2_mb_is_taken(
    name: str | None, mime: str | None, size: int | None, reason: str
) -> None:
    with pytest.raises(Refused) as refused:
        validation.cv_file(name, mime, size)
    assert refused.value.reason == reason


def test_a_pdf_is_taken_by_its_name_without_folders() -> None:
    assert validation.cv_file("Ayşe CV.PDF", "application/pdf", 2 * MB) == "Ayşe CV.PDF"
    assert validation.cv_file("C:\\Belgeler\\cv.pdf", "Application/PDF", 10) == "cv.pdf"
    assert validation.cv_file(None, "application/pdf", 10) == "CV.pdf"
    long = validation.cv_file("x" * 300 + ".pdf", "application/pdf", 10)
    assert len(long) == validation.MAX_FILE_NAME and long.endswith(".pdf")


def test_the_refusals_say_what_to_do_in_both_languages() -> None:
    tr, en = translator("tr"), translator("en")
    assert "en fazla 2 MB" in refusal(tr, "too_large")
    assert "at most 2 MB" in refusal(en, "too_large")
    assert "Yalnızca PDF" in refusal(tr, "not_pdf") and "Only a PDF" in refusal(en, "not_pdf")
    assert "kendi numaranızı" in refusal(tr, "not_your_contact")


def test_licence_classes_are_stored_in_the_licences_order() -> None:
    assert validation.driving_licence(["ce", " B", "b"]) == "B,CE"
    assert validation.driving_licence("G,A,F") == "A,F,G"
    assert validation.driving_licence([]) is None and validation.driving_licence(None) is None
    every = validation.driving_licence(list(validation.DRIVING_LICENCES))
    assert every is not None and len(every) <= 64  # JobSeeker.driving_licence holds them all
    with pytest.raises(Refused, match="unknown_licence"):
        validation.driving_licence(["B", "Z"])
    assert validation.licence_classes("B,CE") == ["B", "CE"]
    assert validation.licence_classes("yes") == []  # an older yes/no value shows no class


@pytest.mark.parametrize(
    ("stored", "field", "editing", "licences"),
    [
        ({"field": "availability", "licence": False}, "availability", False, []),
        ({"field": "summary", "licence": True}, "licence", True, None),
        ({"field": "work_time", "licence": True}, "licence", False, None),
        ({"field": "phone", "licence": True}, "phone", False, None),
        ({"field": "summary", "licences": ["B"]}, "summary", False, ["B"]),
    ],
)
def test_a_draft_saved_with_a_yes_no_licence_still_loads(
    stored: dict[str, Any], field: str, editing: bool, licences: list[str] | None
) -> None:
    state = EmploymentState.model_validate({"name": "Ayşe Yılmaz", **stored})
    assert (state.field, state.editing, state.licences) == (field, editing, licences)
    assert state.name == "Ayşe Yılmaz"


def _cv(**changes: Any) -> CV:
    values: dict[str, Any] = {
        "name": "Ayşe Yılmaz",
        "birth_year": 1994,
        "district": "Merkez",
        "phone": "+905321112233",
        "occupations": ["5131"],
        "driving_licence": "B,CE",
        "cv_file_id": "BQACAgIAAxkBAAIBZ2Zf",
        "cv_file_name": "ayse.pdf",
        "cv_file_size": 48_000,
    }
    values.update(changes)
    return CV(**values)


def test_the_file_licence_and_disability_are_stored_exported_and_erased(db: Engine) -> None:
    who = make_citizen(db, 7101)
    with transaction(db) as session:
        stored = registry.save_cv(session, citizen_of(session, who), _cv(), NOW)
        registry.set_disability(session, stored, True, NOW - timedelta(minutes=5))
        seeker_id = id_of(stored)
    with transaction(db) as session:
        cv = session.get(JobSeeker, seeker_id)
        assert cv is not None
        assert (cv.cv_file_id, cv.cv_file_name, cv.cv_file_size) == (
            "BQACAgIAAxkBAAIBZ2Zf",
            "ayse.pdf",
            48_000,
        )
        assert cv.driving_licence == "B,CE"
        # The consent's own time is kept with the answer.
        assert (cv.disability, cv.disability_consent_at) == (True, NOW - timedelta(minutes=5))
        data = privacy.export(session, citizen_of(session, who), PARTS, NOW)["employment"]["cv"]
        assert data["cv_file"] == {"name": "ayse.pdf", "size": 48_000}
        assert (data["driving_licence"], data["disability"]) == ("B,CE", True)
        assert "BQACAgIAAxkBAAIBZ2Zf" not in str(data)  # the channel's id is no one's data
        privacy.erase(session, citizen_of(session, who), PARTS, NOW)
    with transaction(db) as session:
        cv = session.get(JobSeeker, seeker_id)
        assert cv is not None and cv.erased_at == NOW
        assert (cv.cv_file_id, cv.cv_file_name, cv.cv_file_size) == (None, None, None)
        assert (cv.driving_licence, cv.disability, cv.disability_consent_at) == (None, None, None)


def test_withdrawing_the_disability_consent_erases_the_answer(db: Engine) -> None:
    who = make_citizen(db, 7102)
    with transaction(db) as session:
        stored = registry.save_cv(session, citizen_of(session, who), _cv(), NOW)
        registry.set_disability(session, stored, False, NOW)
        assert (stored.disability, stored.disability_consent_at) == (False, NOW)
        registry.set_disability(session, stored, None, NOW)
        assert (stored.disability, stored.disability_consent_at) == (None, None)


def test_a_bad_file_or_licence_is_refused_when_saving(db: Engine) -> None:
    who = make_citizen(db, 7103)
    with transaction(db) as session:
        citizen = citizen_of(session, who)
        with pytest.raises(Refused, match="too_large"):
            registry.save_cv(session, citizen, _cv(cv_file_size=6 * MB), NOW)
        with pytest.raises(Refused, match="unknown_licence"):
            registry.save_cv(session, citizen, _cv(driving_licence="B,X"), NOW)
        stored = registry.save_cv(session, citizen, _cv(cv_file_id=None), NOW)
        assert (stored.cv_file_name, stored.cv_file_size) == (None, None)


def test_deleting_the_cv_and_the_retention_sweep_blank_the_file(db: Engine) -> None:
    deleting, idle = make_citizen(db, 7104), make_citizen(db, 7105)
    t = translator("tr")
    with transaction(db) as session:
        registry.save_cv(session, citizen_of(session, deleting), _cv(), NOW)
        registry.save_cv(session, citizen_of(session, idle), _cv(), NOW - timedelta(days=400))
    with transaction(db) as session:
        seeker.delete_confirmed(session, citizen_of(session, deleting), t, NOW)
        privacy.retention_sweep(session, PARTS, NOW, 365)
    with transaction(db) as session:
        for who in (deleting, idle):
            cv = registry.seeker_of(session, citizen_of(session, who))
            assert cv is not None and cv.erased_at == NOW
            assert (cv.cv_file_id, cv.cv_file_name, cv.driving_licence) == (None, None, None)


def test_a_cv_saved_with_a_yes_licence_asks_its_classes_when_edited(db: Engine) -> None:
    who = make_citizen(db, 7106)
    t = translator("en")
    with transaction(db) as session:
        stored = registry.save_cv(session, citizen_of(session, who), _cv(), NOW)
        stored.driving_licence = "yes"  # as the yes/no version stored it
        session.add(stored)
    with transaction(db) as session:
        citizen = citizen_of(session, who)
        assert "<b>Driving licence:</b> —" in seeker.my_cv(session, citizen, t).text
        screen = seeker.edit_cv(session, citizen, t)
        assert "Which driving licence classes" in screen.text
        seeker.licence(session, citizen, t, "B")
        assert "Driving licence:</b> B" in seeker.skip(session, citizen, t).text


def test_the_disability_question_comes_only_after_its_consent(db: Engine) -> None:
    who = make_citizen(db, 7107)
    t = translator("en")
    with transaction(db) as session:
        citizen = citizen_of(session, who)
        draft = EmploymentState(field="disability", name="Ayşe Yılmaz", licences=["B"])
        conversation.set_step(session, citizen, EmploymentStep.CV, draft)
        consent = seeker.screen_of(draft, t)
        assert "explicit consent" in consent.text and "employers never do" in consent.text
        assert [c.label for row in consent.choices for c in row][:2] == [
            "🤝 I agree to share",
            "⏭ Skip",
        ]
        with pytest.raises(Refused, match="not_found"):  # a forged "yes" before consent
            seeker.pick(session, citizen, t, "yes")
    with transaction(db) as session:
        citizen = citizen_of(session, who)
        asked = seeker.disability_consent(session, citizen, t, NOW)
        assert "Do you have a disability health report" in asked.text
        summary = seeker.pick(session, citizen, t, "yes")
        assert "Disability status:</b> Yes" in summary.text
        assert seeker.draft_of(session, citizen).disability_consent_at == NOW
        # Edited, it asks the question again (the consent stands) or withdraws it.
        again = seeker.edit(session, citizen, t, "disability")
        assert "Do you have a disability health report" in again.text
        withdrawn = seeker.skip(session, citizen, t)
        assert "Disability status" not in withdrawn.text
        state = seeker.draft_of(session, citizen)
        assert (state.disability, state.disability_consent_at) == (None, None)
