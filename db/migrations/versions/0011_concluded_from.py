"""experiments: the status a concluded experiment had, so a reopened one returns to it

Revision ID: 0011_concluded_from
Revises: 0010_observations_utc_day_index
Create Date: 2026-12-02 11:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_concluded_from"
down_revision: str | None = "0010_observations_utc_day_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("concluded_from", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_column("concluded_from")
