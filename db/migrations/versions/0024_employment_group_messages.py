"""Messages in the employment centre's group that show a job seeker's data, so that erasing
it takes them out of the group too (issue #19)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types


revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('employment_group_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seeker_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=24), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['seeker_id'], ['job_seeker.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat_id', 'message_id')
    )
    with op.batch_alter_table('employment_group_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employment_group_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_employment_group_message_seeker_id'), ['seeker_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('employment_group_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employment_group_message_seeker_id'))
        batch_op.drop_index(batch_op.f('ix_employment_group_message_created_at'))

    op.drop_table('employment_group_message')
