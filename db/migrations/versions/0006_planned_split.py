"""experiments: the planned traffic split of the variants

Revision ID: 0006_planned_split
Revises: 0005_digest_schedule_set
Create Date: 2026-12-02 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_planned_split"
down_revision: str | None = "0005_digest_schedule_set"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_split", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_column("planned_split")
