"""A conversation's state is typed: what a flow stores is its model's fields, written as
the same JSON as before, and a draft saved by an earlier version still reads."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from core import conversation, intake
from db.engine import transaction
from db.models import ConversationState
from flows.council.state import CouncilState, CouncilStep
from tests.builders import citizen_of, make_citizen


def test_a_flows_state_is_stored_as_json_and_read_back_typed(db: Engine) -> None:
    citizen_id = make_citizen(db, 7301)
    with transaction(db) as session:
        citizen = citizen_of(session, citizen_id)
        state = CouncilState(assembly="kadin", field="title")
        conversation.set_step(session, citizen, CouncilStep.EVENT, state)
    with transaction(db) as session:
        draft = session.get(ConversationState, citizen_id)
        assert draft is not None
        # Only what was given is stored, under the names earlier versions used.
        assert (draft.step, draft.data) == ("c_event", {"assembly": "kadin", "field": "title"})
        assert conversation.state_of(draft, CouncilState) == state


def test_a_filing_draft_takes_only_its_own_keys_and_reads_what_earlier_versions_wrote(
    db: Engine,
) -> None:
    citizen_id = make_citizen(db, 7302)
    with transaction(db) as session:
        citizen = citizen_of(session, citizen_id)
        draft = intake.start(session, citizen, "Sokak lambası yanmıyor, akşamları çok karanlık.")
        with pytest.raises(TypeError, match="not part of a filing draft"):
            intake.record(draft, adress="a typo")
        intake.add_photo(session, draft, "file-1", "unique-1")
    with transaction(db) as session:
        stored = session.get(ConversationState, citizen_id)
        assert stored is not None
        draft = stored
        assert draft.data["photos"] == [{"file_id": "file-1", "file_unique_id": "unique-1"}]
        # A key an earlier version stored is ignored on reading, and dropped on writing.
        draft.data = {**draft.data, "legacy": 1}
        assert intake.state_of(draft).text == "Sokak lambası yanmıyor, akşamları çok karanlık."
        intake.record(draft, phone="05551234567")
        assert "legacy" not in draft.data and draft.data["phone"] == "05551234567"
