"""experiments: the variant shipped when concluded from a "ship" verdict

Revision ID: 0007_experiment_winner
Revises: 0006_planned_split
Create Date: 2026-12-02 11:58:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_experiment_winner"
down_revision: str | None = "0006_planned_split"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("winner", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_column("winner")
