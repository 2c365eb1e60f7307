"""Figures only staff know, entered per month (new public-relations projects, condolence
visits, funeral meals), and every change of them for audit

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types


revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('monthly_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=False),
    sa.Column('entered_at', db.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('value >= 0', name='ck_monthly_figure_value'),
    sa.ForeignKeyConstraint(['entered_by'], ['staff_member.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('month', 'code')
    )
    with op.batch_alter_table('monthly_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthly_figure_month'), ['month'], unique=False)

    op.create_table('monthly_figure_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('old_value', sa.Integer(), nullable=True),
    sa.Column('new_value', sa.Integer(), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=False),
    sa.Column('changed_at', db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['staff_member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('monthly_figure_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthly_figure_change_changed_at'), ['changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_monthly_figure_change_changed_by'), ['changed_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_monthly_figure_change_month'), ['month'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('monthly_figure_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthly_figure_change_month'))
        batch_op.drop_index(batch_op.f('ix_monthly_figure_change_changed_by'))
        batch_op.drop_index(batch_op.f('ix_monthly_figure_change_changed_at'))
    op.drop_table('monthly_figure_change')
    with op.batch_alter_table('monthly_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthly_figure_month'))
    op.drop_table('monthly_figure')
