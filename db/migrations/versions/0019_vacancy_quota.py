"""A vacancy's disability quota flag (a position under the legal quota for disabled
employees, engelli kontenjanı; every existing vacancy is not one), and when the firm was
asked how a candidate's interview went

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types


revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('quota', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('interview_firm_asked_at', db.types.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_column('interview_firm_asked_at')
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.drop_column('quota')
