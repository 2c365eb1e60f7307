"""Leadership epochs (fencing tokens): the leadership table, and the claimer's epoch on
outbox messages and job runs, with the moment an outbox send started

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types


revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('leadership',
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=False),
    sa.Column('taken_at', db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('epoch', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('started_at', db.types.UTCDateTime(), nullable=True))
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('epoch', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_column('epoch')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('started_at')
        batch_op.drop_column('epoch')
    op.drop_table('leadership')
