"""job_seeker: an existing CV sent as a PDF (the channel's file id, its name and size),
and room in driving_licence for the licence classes held ("B,C,CE")

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job_seeker", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cv_file_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)
        )
        batch_op.add_column(
            sa.Column("cv_file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)
        )
        batch_op.add_column(sa.Column("cv_file_size", sa.Integer(), nullable=True))
        batch_op.alter_column(
            "driving_licence",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=32),
            type_=sqlmodel.sql.sqltypes.AutoString(length=64),
            existing_nullable=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("job_seeker", schema=None) as batch_op:
        batch_op.alter_column(
            "driving_licence",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=64),
            type_=sqlmodel.sql.sqltypes.AutoString(length=32),
            existing_nullable=True,
        )
        batch_op.drop_column("cv_file_size")
        batch_op.drop_column("cv_file_name")
        batch_op.drop_column("cv_file_id")
