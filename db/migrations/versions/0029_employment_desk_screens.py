"""The employment desk's messages in the centre's group by the people they show (job
seekers, and firms' contact persons by their firm), so that erasing their data takes the
desk's message out of the group while it shows them
(core.employment.group_messages.showing)

A new table, empty at first: the upgrade costs nothing, and desk messages shown before it
are recorded at their next press.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "employment_desk_screen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=True),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", db.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(seeker_id IS NULL) <> (employer_id IS NULL)",
            name="ck_employment_desk_screen_one_person",
        ),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"]),
        sa.ForeignKeyConstraint(["seeker_id"], ["job_seeker.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_id", "message_id", "seeker_id", "employer_id"),
    )
    with op.batch_alter_table("employment_desk_screen", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employment_desk_screen_seeker_id"), ["seeker_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_employment_desk_screen_employer_id"), ["employer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("employment_desk_screen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employment_desk_screen_employer_id"))
        batch_op.drop_index(batch_op.f("ix_employment_desk_screen_seeker_id"))
    op.drop_table("employment_desk_screen")
