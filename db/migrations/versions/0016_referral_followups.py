"""The employment centre's staff desk: a firm turned down (when, why), the follow-up
questions of a referral (asked, answered, the group reminded), and buttons on outbox
messages (a referral reaches the seeker with Interested / Not interested)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import db.types


revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejected_at', db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('rejection_reason', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True))
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interview_asked_at', db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('interview_answered_at', db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('interview_held', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('interview_reminded_at', db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('start_asked_at', db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('start_reminded_at', db.types.UTCDateTime(), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buttons', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('buttons')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_column('start_reminded_at')
        batch_op.drop_column('start_asked_at')
        batch_op.drop_column('interview_reminded_at')
        batch_op.drop_column('interview_held')
        batch_op.drop_column('interview_answered_at')
        batch_op.drop_column('interview_asked_at')
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.drop_column('rejection_reason')
        batch_op.drop_column('rejected_at')
