"""experiments: the target rate one variant is measured against (an MVP campaign without a control)

Revision ID: 0012_target_rate
Revises: 0011_concluded_from
Create Date: 2026-12-02 12:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_target_rate"
down_revision: str | None = "0011_concluded_from"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_rate", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_column("target_rate")
