"""request_draft becomes conversation_state: it holds every flow's step (filing, the
council's questions, notes, survey comments), not only a request's draft

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 14:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The rows stay as they are: a citizen in the middle of a flow goes on after the
    # upgrade. The index is renamed with its table (dropped and made again, as SQLite
    # has no ALTER INDEX).
    with op.batch_alter_table("request_draft") as batch_op:
        batch_op.drop_index("ix_request_draft_updated_at")
    op.rename_table("request_draft", "conversation_state")
    with op.batch_alter_table("conversation_state") as batch_op:
        batch_op.create_index("ix_conversation_state_updated_at", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conversation_state") as batch_op:
        batch_op.drop_index("ix_conversation_state_updated_at")
    op.rename_table("conversation_state", "request_draft")
    with op.batch_alter_table("request_draft") as batch_op:
        batch_op.create_index("ix_request_draft_updated_at", ["updated_at"], unique=False)
