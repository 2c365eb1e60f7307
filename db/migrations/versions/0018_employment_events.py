"""The employment centre's trainings and job fairs on the council's event engine: an
event's kind (every existing row is a council event), no assembly for the centre's
events (a CHECK keeps one on every council event), and the firms at a job fair with the
people each hired there

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types


revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "kind IN ('council', 'career_training', 'vocational_training', 'job_fair')"
ASSEMBLY = "(kind = 'council') = (assembly_code IS NOT NULL)"


def upgrade() -> None:
    with op.batch_alter_table('council_event', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=24), server_default='council', nullable=False)
        )
        batch_op.create_index(batch_op.f('ix_council_event_kind'), ['kind'], unique=False)
        batch_op.alter_column(
            'assembly_code', existing_type=sa.String(length=32), nullable=True
        )
        batch_op.create_check_constraint('ck_council_event_kind', KINDS)
        batch_op.create_check_constraint('ck_council_event_assembly', ASSEMBLY)

    op.create_table('job_fair_firm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('hired', sa.Integer(), server_default='0', nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', db.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('hired >= 0', name='ck_job_fair_firm_hired'),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['council_event.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['staff_member.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'employer_id')
    )
    with op.batch_alter_table('job_fair_firm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_fair_firm_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_fair_firm_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_fair_firm_recorded_at'), ['recorded_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('job_fair_firm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_fair_firm_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_job_fair_firm_event_id'))
        batch_op.drop_index(batch_op.f('ix_job_fair_firm_employer_id'))
    op.drop_table('job_fair_firm')

    # The centre's events have no assembly to fall back on: they go with the column.
    op.execute("DELETE FROM registration WHERE event_id IN "
               "(SELECT id FROM council_event WHERE kind <> 'council')")
    op.execute("DELETE FROM council_event WHERE kind <> 'council'")
    with op.batch_alter_table('council_event', schema=None) as batch_op:
        batch_op.drop_constraint('ck_council_event_assembly', type_='check')
        batch_op.drop_constraint('ck_council_event_kind', type_='check')
        batch_op.alter_column(
            'assembly_code', existing_type=sa.String(length=32), nullable=False
        )
        batch_op.drop_index(batch_op.f('ix_council_event_kind'))
        batch_op.drop_column('kind')
