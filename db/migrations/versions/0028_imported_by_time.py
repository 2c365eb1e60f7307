"""An index of the imported requests by the time they were received, for the import's
lookup of the stored rows a file could match (core.imports._ids_by_key)

That lookup asks for the requests with an import key received within the file's span
(or one piece's span, while a file in order of arrival is written as it is read).
Without this index PostgreSQL had two bad ways to answer it: walk the unique index of
import keys, every key of every year, and there every key the import has added so far
once per piece; or read every request of the span, the chat's too, to find the few with
a key. Into a year of 11,000,000 requests the second took 43 of a million-row import's
75 s (bench/README.md, section 13). Partial: requests filed in the chat have no key and
cost nothing more.

Built with a plain CREATE INDEX, as every index here: it reads the whole table once,
about a second per million requests stored (1.2 s for the upgrade of a year of
1,000,000), while filing waits.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMPORTED = sa.text("import_key IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_request_imported_created",
            ["created_at"],
            sqlite_where=IMPORTED,
            postgresql_where=IMPORTED,
        )


def downgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.drop_index("ix_request_imported_created")
