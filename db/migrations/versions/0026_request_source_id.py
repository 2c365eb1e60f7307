"""request.source_id: another system's id of an imported row, unique per channel, so a
corrected row re-exported later updates its request instead of adding one

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Partial: rows without a source id stay out of the index, and their NULLs never collide
# on either database (PostgreSQL's NULLS NOT DISTINCT is not needed, SQLite has none).
WHERE = sa.text("source_id IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index(
            "ux_request_channel_source_id",
            ["channel", "source_id"],
            unique=True,
            sqlite_where=WHERE,
            postgresql_where=WHERE,
        )


def downgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.drop_index("ux_request_channel_source_id")
        batch_op.drop_column("source_id")
