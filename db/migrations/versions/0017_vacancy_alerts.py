"""Vacancy alerts: a job seeker's alert preference (instant, daily, off) and one
vacancy_alert row per seeker and vacancy matched (the outbox's inline buttons, which
carry an alert's "Stop alerts", came with 0016)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import db.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job_seeker", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "alerts",
                sqlmodel.sql.sqltypes.AutoString(length=8),
                server_default="instant",
                nullable=False,
            )
        )
    op.create_table(
        "vacancy_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("matched_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("sent_at", db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["seeker_id"], ["job_seeker.id"]),
        sa.ForeignKeyConstraint(["vacancy_id"], ["vacancy.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seeker_id", "vacancy_id", name="uq_vacancy_alert"),
    )
    with op.batch_alter_table("vacancy_alert", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vacancy_alert_status_seeker", ["status", "seeker_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vacancy_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_vacancy_alert_status_seeker")
    op.drop_table("vacancy_alert")
    with op.batch_alter_table("job_seeker", schema=None) as batch_op:
        batch_op.drop_column("alerts")
