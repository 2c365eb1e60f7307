"""Fewer indexes on request and request_event: each costs every insert (filing, and a
million-row import most of all), and these give nothing back

- ix_request_channel and ix_request_created_at: ix_request_channel_created_type and
  ix_request_created_first_response begin with the same column and serve the same reads;
- ix_request_type, ix_request_updated_at and ix_request_first_response_at: nothing
  filters or sorts on one of them alone;
- ix_request_event_at and ix_request_event_kind: events are always read by their
  request (ix_request_event_request_id);
- ix_request_due_at becomes ix_request_due_unanswered, partial: every query of due times
  (the SLA sweep, the digests, the desk's overdue filter) asks for unanswered requests,
  so the answered ones, most of them, are left out.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = {
    "request": {
        "ix_request_channel": ["channel"],
        "ix_request_created_at": ["created_at"],
        "ix_request_type": ["type"],
        "ix_request_updated_at": ["updated_at"],
        "ix_request_first_response_at": ["first_response_at"],
        "ix_request_due_at": ["due_at"],
    },
    "request_event": {
        "ix_request_event_at": ["at"],
        "ix_request_event_kind": ["kind"],
    },
}


UNANSWERED = sa.text("first_response_at IS NULL")


def upgrade() -> None:
    for table, indexes in DROPPED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in indexes:
                batch_op.drop_index(name)
            if table == "request":
                batch_op.create_index(
                    "ix_request_due_unanswered",
                    ["due_at"],
                    sqlite_where=UNANSWERED,
                    postgresql_where=UNANSWERED,
                )


def downgrade() -> None:
    for table, indexes in DROPPED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "request":
                batch_op.drop_index("ix_request_due_unanswered")
            for name, columns in indexes.items():
                batch_op.create_index(name, columns, unique=False)
