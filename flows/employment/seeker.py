"""A job seeker's CV by chat, channel-neutral: the employment menu, the KVKK notice, the
CV's questions one by one (saved at every answer in the conversation state, with Back
and Cancel), the summary with its edit menu, and "My CV" (view, pause, edit, delete).
The channel calls these in its transaction and shows the screen they return;
core.employment checks and stores the CV."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from common.i18n import N_, Translator
from core import conversation, staff
from core.employment import codes, desk, registry, validation
from core.employment.personal_data import delete_cv
from core.privacy import Erased
from core.refusals import Refused
from db.models import Citizen, ConversationState, JobSeeker
from flows.employment import actions as a
from flows.employment import alert_actions as ea
from flows.employment import employer_actions as ja
from flows.employment.event_actions import EmploymentEvents
from flows.employment.occupation_picker import match_rows, search_of
from flows.employment.screens import (
    AVAILABILITY,
    DISABILITY_QUESTION,
    EDUCATION,
    FIELD_NAMES,
    LICENCES,
    QUESTIONS,
    WORK_TIMES,
    consent_screen,
    cv_lines,
    disability_line,
    occupation_title,
    refusal,
)
from flows.employment.staff_actions import Desk
from flows.employment.state import (
    FIELDS,
    MAX_OCCUPATIONS,
    SUMMARY,
    EmploymentState,
    EmploymentStep,
)
from flows.filing.screens import BACK, CANCEL, matches
from flows.screen import Ask, Choice, Reply, Screen, in_rows

CHOICE_FIELDS = ("education", "licence", "availability", "work_time", "disability")
SHARE_NUMBER = N_("📱 Share my number")


@dataclass(frozen=True)
class FileSent:
    """A document the person sent: the channel's file id, its name, type and size."""

    file_id: str
    name: str | None
    mime_type: str | None
    size: int | None


@dataclass(frozen=True)
class Sent:
    """What a person sent at a CV question, as any channel reads its message: text, a
    shared contact (its number, and whose it is), a document, or a photo."""

    text: str | None = None
    contact: tuple[str, int | None] | None = None
    document: FileSent | None = None
    photo: bool = False


def stored_cv(session: Session, citizen: Citizen) -> JobSeeker | None:
    """The citizen's CV, unless there is none or it was erased."""
    seeker = registry.seeker_of(session, citizen)
    return seeker if seeker is not None and seeker.erased_at is None else None


def draft_of(session: Session, citizen: Citizen) -> EmploymentState:
    """The CV being written; Refused: not_found when the citizen is not writing one (a
    button of an old message)."""
    draft = session.get(ConversationState, citizen.id)
    if draft is None or draft.step != EmploymentStep.CV:
        raise Refused("not_found")
    return conversation.state_of(draft, EmploymentState)


def _keep(session: Session, citizen: Citizen, state: EmploymentState) -> None:
    conversation.set_step(session, citizen, EmploymentStep.CV, state)


# --- The menu and the notice ------------------------------------------------------------


def menu(session: Session, citizen: Citizen, t: Translator, note: str = "") -> Screen:
    """/istihdam: looking for a job, and the CV when there is one."""
    text = t._(
        "💼 <b>Jobs and careers</b>\n\nThe municipality's employment centre helps you "
        "find a job. Write your CV here; the centre's staff look for jobs that suit you."
    )
    rows = [(a.Seek().choice(t._("🔎 I am looking for a job")),)]
    if stored_cv(session, citizen) is not None:
        rows.append((a.MyCV().choice(t._("📄 My CV")),))
    rows.append((ja.Home().choice(t._("🏢 I am an employer")),))
    rows.append((EmploymentEvents().choice(t._("🎓 Trainings and job fair")),))
    if citizen.telegram_id is not None and desk.is_staff(
        staff.active_member(session, citizen.telegram_id)
    ):
        rows.append((Desk().choice(t._("🗂 Staff desk")),))
    return Screen(f"{note}\n\n{text}" if note else text, tuple(rows))


def seek(
    session: Session, citizen: Citizen, t: Translator, controller: str, retention_days: int
) -> Screen:
    """🔎 I am looking for a job: a stored CV opens for editing, a draft goes on where it
    was, otherwise the KVKK notice comes first."""
    if stored_cv(session, citizen) is not None:
        return edit_cv(session, citizen, t)
    draft = session.get(ConversationState, citizen.id)
    if draft is not None and draft.step == EmploymentStep.CV:
        return screen_of(conversation.state_of(draft, EmploymentState), t)
    return consent_screen(t, controller, retention_days)


def consented(session: Session, citizen: Citizen, t: Translator) -> Screen:
    """The notice accepted: the first question (consent is stored with the CV)."""
    state = EmploymentState()
    _keep(session, citizen, state)
    return screen_of(state, t)


# --- The questions ----------------------------------------------------------------------


def _nav(t: Translator) -> tuple[Choice, ...]:
    return (a.Back().choice(t._("⬅️ Back")), a.Cancel().choice(t._("✖️ Cancel")))


def screen_of(state: EmploymentState, t: Translator) -> Screen:
    """The screen of the field the state is at (or of the summary)."""
    field = state.field
    if field == SUMMARY:
        return summary_screen(state, t)
    if field == "phone":
        return phone_screen(t)
    text = t._(QUESTIONS[field])
    rows: list[tuple[Choice, ...]] = []
    if field == "education":
        rows += in_rows([a.Pick(c).choice(t._(EDUCATION[c])) for c in codes.EDUCATION], 2)
    elif field == "licence":
        held = state.licences or []
        rows += in_rows(
            [
                a.Licence(c).choice(("✅ " if c in held else "") + t._(LICENCES[c]))
                for c in codes.COMMON_LICENCES
            ],
            2,
        )
        last = [a.Licence("none").choice(t._("🚫 None"))]
        if held:
            last.append(a.Skip().choice(t._("✅ Done")))
        rows.append(tuple(last))
    elif field == "cv_file":
        text = text.format(size=t.number(validation.MAX_CV_BYTES // (1024 * 1024)))
        if state.cv_file_id:
            attached = t._("📎 CV attached: {name}").format(
                name=html.escape(state.cv_file_name or "")
            )
            text = f"{text}\n\n{attached}\n" + t._("Send another PDF to replace it.")
            rows.append(
                (
                    a.Skip().choice(t._("✅ Keep it")),
                    a.RemoveFile().choice(t._("🗑 Remove the file")),
                )
            )
        else:
            rows.append((a.Skip().choice(t._("⏭ Skip")),))
    elif field == "disability":
        if state.disability_consent_at is None:
            rows.append(
                (
                    a.DisabilityConsent().choice(t._("🤝 I agree to share")),
                    a.Skip().choice(t._("⏭ Skip")),
                )
            )
        else:
            text = t._(DISABILITY_QUESTION)
            rows.append((a.Pick("yes").choice(t._("Yes")), a.Pick("no").choice(t._("No"))))
            rows.append((a.Skip().choice(t._("⏭ Skip (withdraw my consent)")),))
    elif field == "availability":
        rows += in_rows([a.Pick(c).choice(t._(AVAILABILITY[c])) for c in codes.AVAILABILITY], 2)
    elif field == "work_time":
        rows.append(tuple(a.Pick(c).choice(t._(WORK_TIMES[c])) for c in codes.WORK_TIMES))
    elif field == "occupations":
        if state.occupations:
            chosen = "\n".join(
                f"✅ {html.escape(occupation_title(c, t))}" for c in state.occupations
            )
            text = f"{text}\n\n{chosen}"
        if state.search:
            text += "\n\n" + t._("Pick one, or write another word:")
            rows += match_rows(state.search, t, a.Occupation, state.occupations)
        if state.occupations:
            rows.append((a.Skip().choice(t._("✅ Done")),))
    elif field == "experience":
        if state.experience:
            text += "\n\n" + "\n".join(
                "✅ " + html.escape(", ".join(str(v) for v in e.values() if v))
                for e in state.experience
            )
        label = t._("✅ Done") if state.experience else t._("⏭ Skip")
        rows.append((a.Skip().choice(label),))
    elif field in ("neighbourhood", "languages"):
        rows.append((a.Skip().choice(t._("⏭ Skip")),))
    rows.append(_nav(t))
    return Screen(text, tuple(rows))


def phone_screen(t: Translator) -> Screen:
    """The phone question: the number typed, or shared with a reply-keyboard button (so
    Back and Cancel are reply buttons too; flows.filing matches their labels)."""
    return Screen(
        t._(QUESTIONS["phone"]),
        replies=(
            (
                Reply(
                    t._(SHARE_NUMBER),
                    Ask.CONTACT,
                    instead=t._("You can also type your number, like 0555 123 45 67."),
                ),
            ),
            (Reply(t._(BACK)), Reply(t._(CANCEL))),
        ),
    )


def _refused(state: EmploymentState, t: Translator, reason: str) -> Screen:
    """A refusal, then the same question again: nothing entered is lost."""
    screen = screen_of(state, t)
    return Screen(f"⚠️ {refusal(t, reason)}\n\n{screen.text}", screen.choices, screen.replies)


def _advance(state: EmploymentState) -> EmploymentState:
    """The next field, or the summary when editing or at the end."""
    if state.editing or state.field == FIELDS[-1] or state.field not in FIELDS:
        field = SUMMARY
    else:
        field = FIELDS[FIELDS.index(state.field) + 1]
    return state.model_copy(update={"field": field, "search": None})


def _phone(text: str) -> str:
    phone = validation.text(text, 32)
    digits = sum(char.isdigit() for char in phone)
    if not 10 <= digits <= 13:
        raise Refused("bad_phone")
    return phone


def _experience(text: str) -> dict[str, object]:
    """ "Garson, Deniz Restoran, 2": a job, its employer and years (the last two may be
    left out)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) > 3:
        raise Refused("bad_experience")
    title = validation.text(parts[0])
    employer = validation.text(parts[1], required=False) if len(parts) > 1 else ""
    years = validation.experience_years(parts[2]) if len(parts) > 2 and parts[2] else 0.0
    return registry.Experience(title, employer, years).to_dict()


def answer(
    session: Session,
    citizen: Citizen,
    t: Translator,
    state: EmploymentState,
    sent: Sent | str,
    now: datetime,
    sender_id: int | None = None,
) -> Screen:
    """e_cv: what the person sent for the field asked (typed text; at the phone question
    a shared contact, which must be their own; at the CV file question a PDF). A
    refusal asks again, keeping the draft."""
    if isinstance(sent, str):
        sent = Sent(text=sent)
    if state.field == "phone" and sent.contact is None:
        # The phone question's Back and Cancel are reply buttons: their labels come typed.
        if matches(sent.text, BACK):
            return back(session, citizen, t)
        if matches(sent.text, CANCEL):
            return cancel(session, citizen, t)
    try:
        state = _sent(state, sent, t, now, sender_id)
    except Refused as exc:
        return _refused(state, t, exc.reason)
    _keep(session, citizen, state)
    return screen_of(state, t)


def phone_question_left(t: Translator, sent: str | None) -> Screen:
    """Said when the phone question is left (by its Back or Cancel, or with the number
    given), taking its ready answers away."""
    navigated = matches(sent, BACK) or matches(sent, CANCEL)
    text = t._("👌 OK.") if navigated else t._("📞 Your number is noted.")
    return Screen(text, clears_replies=True)


def _sent(
    state: EmploymentState, sent: Sent, t: Translator, now: datetime, sender_id: int | None
) -> EmploymentState:
    """The state with what was sent taken, or Refused."""
    field = state.field
    if sent.contact is not None and field == "phone":
        number, whose = sent.contact
        if whose is None or whose != sender_id:
            raise Refused("not_your_contact")
        return _advance(state.model_copy(update={"phone": _phone(number)}))
    if field == "cv_file":
        if sent.document is None:
            raise Refused("not_pdf" if sent.photo else "pdf_expected")
        document = sent.document
        name = validation.cv_file(document.name, document.mime_type, document.size)
        update = {"cv_file_id": document.file_id, "cv_file_name": name}
        return _advance(state.model_copy(update={**update, "cv_file_size": document.size}))
    if sent.text is None:
        raise Refused("use_buttons" if field in CHOICE_FIELDS else "text_expected")
    return _take(state, sent.text.strip(), t, now)


def _take(state: EmploymentState, text: str, t: Translator, now: datetime) -> EmploymentState:
    field = state.field
    if field in CHOICE_FIELDS or field == SUMMARY:
        raise Refused("use_buttons")
    if field == "occupations":
        if len(state.occupations) >= MAX_OCCUPATIONS:
            raise Refused("too_many")
        return state.model_copy(update={"search": search_of(text, t)})
    if field == "experience":
        if len(state.experience) >= validation.MAX_EXPERIENCE:
            raise Refused("too_many")
        return state.model_copy(update={"experience": [*state.experience, _experience(text)]})
    value: object
    if field == "birth_year":
        value = validation.birth_year(text, now.year)
    elif field == "phone":
        value = _phone(text)
    elif field == "languages":
        value = [validation.text(p, 32) for p in text.split(",") if p.strip()]
    else:
        value = validation.text(text, 64 if field == "district" else 100)
    return _advance(state.model_copy(update={field: value}))


def pick(session: Session, citizen: Citizen, t: Translator, value: str) -> Screen:
    """A button answer to education, licence, availability or working time."""
    state = draft_of(session, citizen)
    allowed = {
        "education": codes.EDUCATION,
        "availability": codes.AVAILABILITY,
        "work_time": codes.WORK_TIMES,
        # Asked only once its own consent was given.
        "disability": ("yes", "no") if state.disability_consent_at is not None else (),
    }.get(state.field, ())
    if value not in allowed:
        raise Refused("not_found")
    stored: object = value == "yes" if state.field == "disability" else value
    state = _advance(state.model_copy(update={state.field: stored}))
    _keep(session, citizen, state)
    return screen_of(state, t)


def occupation(session: Session, citizen: Citizen, t: Translator, code: str) -> Screen:
    """An occupation picked: up to three, then the next question."""
    state = draft_of(session, citizen)
    if state.field != "occupations":
        raise Refused("not_found")
    chosen = [*dict.fromkeys([*state.occupations, validation.occupation(code)])]
    state = state.model_copy(update={"occupations": chosen, "search": None})
    if len(chosen) >= MAX_OCCUPATIONS:
        state = _advance(state)
    _keep(session, citizen, state)
    return screen_of(state, t)


def skip(session: Session, citizen: Citizen, t: Translator) -> Screen:
    """⏭ Skip an optional question, or ✅ Done with a repeatable one."""
    state = draft_of(session, citizen)
    if state.field == "occupations" and not state.occupations:
        return _refused(state, t, "occupation_required")
    if state.field == "neighbourhood":
        state = state.model_copy(update={"neighbourhood": None})
    elif state.field == "languages":
        state = state.model_copy(update={"languages": []})
    elif state.field == "licence":
        if not state.licences:  # ✅ Done with no class ticked: 🚫 None is the answer
            return _refused(state, t, "use_buttons")
    elif state.field == "disability":
        # Not shared, or the consent withdrawn: nothing about it is kept.
        state = state.model_copy(update={"disability_consent_at": None, "disability": None})
    elif state.field not in ("occupations", "experience", "cv_file"):
        raise Refused("not_found")
    state = _advance(state)
    _keep(session, citizen, state)
    return screen_of(state, t)


def licence(session: Session, citizen: Citizen, t: Translator, code: str) -> Screen:
    """A licence class ticked or unticked (the question stays until ✅ Done), or 🚫 None
    (the next question)."""
    state = draft_of(session, citizen)
    if state.field != "licence":
        raise Refused("not_found")
    if code == "none":
        state = _advance(state.model_copy(update={"licences": []}))
    else:
        if code not in codes.COMMON_LICENCES:
            raise Refused("not_found")
        held = set(state.licences or []) ^ {code}
        ordered = validation.licence_classes(validation.driving_licence(sorted(held)))
        state = state.model_copy(update={"licences": ordered})
    _keep(session, citizen, state)
    return screen_of(state, t)


def remove_file(session: Session, citizen: Citizen, t: Translator) -> Screen:
    """🗑 The attached CV file taken off; the question stays, to send another or skip."""
    state = draft_of(session, citizen)
    if state.field != "cv_file":
        raise Refused("not_found")
    state = state.model_copy(
        update={"cv_file_id": None, "cv_file_name": None, "cv_file_size": None}
    )
    _keep(session, citizen, state)
    return screen_of(state, t)


def disability_consent(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
    """🤝 Explicit consent given (its time kept): only now is the question asked."""
    state = draft_of(session, citizen)
    if state.field != "disability":
        raise Refused("not_found")
    state = state.model_copy(update={"disability_consent_at": now, "disability": None})
    _keep(session, citizen, state)
    return screen_of(state, t)


def back(session: Session, citizen: Citizen, t: Translator) -> Screen:
    """The question before (the summary when editing; the menu before the first)."""
    state = draft_of(session, citizen)
    if state.editing and state.field != SUMMARY:
        field = SUMMARY
    elif state.field == SUMMARY:
        field = FIELDS[-1]
        state = state.model_copy(update={"editing": False})
    elif state.field == FIELDS[0]:
        conversation.clear(session, citizen)
        return menu(session, citizen, t)
    else:
        field = FIELDS[FIELDS.index(state.field) - 1]
    state = state.model_copy(update={"field": field, "search": None})
    _keep(session, citizen, state)
    return screen_of(state, t)


def cancel(session: Session, citizen: Citizen, t: Translator) -> Screen:
    """The draft goes; a stored CV stays as it was."""
    conversation.clear(session, citizen)
    return menu(session, citizen, t, t._("Cancelled. Nothing was changed."))


# --- The summary ------------------------------------------------------------------------


def summary_screen(state: EmploymentState, t: Translator) -> Screen:
    text = "\n".join(
        [
            t._("📋 <b>Your CV</b>"),
            "",
            *cv_lines(state, t),
            *filter(None, [disability_line(state, t)]),
            "",
            t._("Check it, then save."),
        ]
    )
    return Screen(
        text,
        (
            (a.Save().choice(t._("✅ Save")),),
            (a.EditMenu().choice(t._("✏️ Edit")),),
            _nav(t),
        ),
    )


def summary(session: Session, citizen: Citizen, t: Translator) -> Screen:
    state = draft_of(session, citizen).model_copy(update={"field": SUMMARY, "search": None})
    _keep(session, citizen, state)
    return summary_screen(state, t)


def edit_menu(session: Session, citizen: Citizen, t: Translator) -> Screen:
    """Each field, to be asked again."""
    state = draft_of(session, citizen)
    if state.field != SUMMARY:
        _keep(session, citizen, state.model_copy(update={"field": SUMMARY, "search": None}))
    rows = in_rows([a.Edit(f).choice(t._(FIELD_NAMES[f])) for f in FIELDS], 2)
    rows += ((a.Summary().choice(t._("⬅️ Back to the summary")),),)
    return Screen(t._("✏️ What would you like to change?"), rows)


def edit(session: Session, citizen: Citizen, t: Translator, field: str) -> Screen:
    """One field asked again; its answer goes back to the summary. Occupations and
    experience are written anew."""
    if field not in FIELDS:
        raise Refused("not_found")
    update: dict[str, object] = {"field": field, "editing": True, "search": None}
    if field in ("occupations", "experience"):
        update[field] = []
    state = draft_of(session, citizen).model_copy(update=update)
    _keep(session, citizen, state)
    return screen_of(state, t)


def save(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
    """✅ Save: core.employment checks every field and stores the CV."""
    state = draft_of(session, citizen)
    cv = registry.CV(
        name=state.name or "",
        birth_year=state.birth_year or 0,
        district=state.district or "",
        neighbourhood=state.neighbourhood or "",
        phone=state.phone or "",
        education=state.education,
        occupations=list(state.occupations),
        experience=[
            registry.Experience(str(e["title"]), str(e.get("employer", "")), e.get("years", 0))
            for e in state.experience
        ],
        languages=list(state.languages),
        driving_licence=",".join(state.licences or []) or None,
        availability=state.availability,
        work_time=state.work_time or "any",
        cv_file_id=state.cv_file_id,
        cv_file_name=state.cv_file_name,
        cv_file_size=state.cv_file_size,
    )
    try:
        seeker = registry.save_cv(session, citizen, cv, now)
        consented = state.disability_consent_at
        registry.set_disability(
            session,
            seeker,
            state.disability if consented is not None else None,
            consented or now,
        )
    except Refused as exc:
        session.rollback()
        screen = summary_screen(state, t)
        return Screen(f"⚠️ {refusal(t, exc.reason)}\n\n{screen.text}", screen.choices)
    conversation.clear(session, citizen)
    return Screen(
        t._(
            "✅ Your CV is saved. The employment centre will contact you when a suitable "
            "job comes up. See or change it with /istihdam."
        ),
        ((a.MyCV().choice(t._("📄 My CV")),),),
    )


# --- My CV ------------------------------------------------------------------------------


def state_of_cv(session: Session, seeker: JobSeeker) -> EmploymentState:
    """The stored CV as a draft, to show or edit."""
    classes = validation.licence_classes(seeker.driving_licence)
    return EmploymentState(
        field=SUMMARY,
        name=seeker.name,
        birth_year=seeker.birth_year,
        district=seeker.district,
        neighbourhood=seeker.neighbourhood,
        phone=seeker.phone,
        education=seeker.education,
        occupations=registry.occupations_of(session, seeker),
        experience=list(seeker.experience),
        languages=list(seeker.languages),
        # A CV saved when the licence was yes/no holds "yes": its classes are unknown.
        licences=None if seeker.driving_licence and not classes else classes,
        availability=seeker.availability,
        work_time=seeker.work_time,
        cv_file_id=seeker.cv_file_id,
        cv_file_name=seeker.cv_file_name,
        cv_file_size=seeker.cv_file_size,
        disability_consent_at=seeker.disability_consent_at,
        disability=seeker.disability,
    )


def _seeker(session: Session, citizen: Citizen) -> JobSeeker:
    seeker = stored_cv(session, citizen)
    if seeker is None:
        raise Refused("no_cv")
    return seeker


def my_cv(session: Session, citizen: Citizen, t: Translator) -> Screen:
    """📄 My CV: what is stored, pause or resume, edit, delete."""
    seeker = _seeker(session, citizen)
    status = (
        t._("⏸ Paused: you are not shown to the employment centre for jobs now.")
        if seeker.paused
        else t._("▶️ Active: the employment centre looks for jobs for you.")
    )
    state = state_of_cv(session, seeker)
    shown = [*cv_lines(state, t), *filter(None, [disability_line(state, t)])]
    lines = [t._("📄 <b>My CV</b>"), "", *shown, "", status]
    toggle = (
        a.Pause("n").choice(t._("▶️ I am looking again"))
        if seeker.paused
        else a.Pause("y").choice(t._("⏸ Not looking for now"))
    )
    withdraw = (
        ((a.WithdrawDisability().choice(t._("♿ Withdraw my disability consent")),),)
        if seeker.disability_consent_at is not None
        else ()
    )
    return Screen(
        "\n".join(lines),
        (
            (toggle,),
            (ea.AlertSettings().choice(t._("🔔 Job alerts")),),
            (a.EditCV().choice(t._("✏️ Edit")),),
            *withdraw,
            (a.Delete().choice(t._("🗑 Delete my CV")),),
            (a.Menu().choice(t._("⬅️ Back")),),
        ),
    )


def pause(session: Session, citizen: Citizen, t: Translator, paused: bool, now: datetime) -> Screen:
    registry.pause(session, _seeker(session, citizen), paused, now)
    return my_cv(session, citizen, t)


def withdraw_disability(session: Session, citizen: Citizen, t: Translator, now: datetime) -> Screen:
    """♿ The disability consent withdrawn: the answer and its consent time are erased."""
    registry.set_disability(session, _seeker(session, citizen), None, now)
    screen = my_cv(session, citizen, t)
    note = t._("♿ Your consent is withdrawn and your disability status is erased.")
    return Screen(f"{note}\n\n{screen.text}", screen.choices)


def delete(session: Session, citizen: Citizen, t: Translator) -> Screen:
    _seeker(session, citizen)
    return Screen(
        t._(
            "🗑 Delete your CV? What it says about you is erased; the employment centre "
            "can no longer find you for jobs."
        ),
        (
            (a.DeleteConfirmed().choice(t._("🗑 Yes, delete")),),
            (a.MyCV().choice(t._("↩️ No, keep it")),),
        ),
    )


def delete_confirmed(
    session: Session, citizen: Citizen, t: Translator, now: datetime
) -> tuple[Screen, Erased]:
    """The CV is erased as /verilerimi_sil erases it (core.employment.personal_data); what
    is erased names the copies in the centre's group the caller takes out."""
    erased = delete_cv(session, _seeker(session, citizen), now)
    draft = session.get(ConversationState, citizen.id)
    if draft is not None and draft.step == EmploymentStep.CV:
        conversation.clear(session, citizen)
    return menu(session, citizen, t, t._("🗑 Your CV has been deleted.")), erased


def edit_cv(session: Session, citizen: Citizen, t: Translator) -> Screen:
    """✏️ Edit: the stored CV into a draft, at the summary's edit menu (at the licence
    classes first for a CV saved with a yes/no licence, so the "yes" is not lost)."""
    seeker = _seeker(session, citizen)
    state = state_of_cv(session, seeker)
    if state.licences is None and seeker.driving_licence:
        state = state.model_copy(update={"field": "licence", "editing": True})
        _keep(session, citizen, state)
        return screen_of(state, t)
    _keep(session, citizen, state)
    return edit_menu(session, citizen, t)
