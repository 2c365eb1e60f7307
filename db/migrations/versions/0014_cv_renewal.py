"""job_seeker.renewal_asked_at: when an idle seeker was last asked whether their CV
should stay (core.employment.renewal)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job_seeker", schema=None) as batch_op:
        batch_op.add_column(sa.Column("renewal_asked_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_seeker", schema=None) as batch_op:
        batch_op.drop_column("renewal_asked_at")
