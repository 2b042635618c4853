"""workspaces: the kind of business the chat runs, which /ideas follow

Revision ID: 0009_workspace_business
Revises: 0008_five_whys_countermeasure
Create Date: 2026-12-02 12:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_workspace_business"
down_revision: str | None = "0008_five_whys_countermeasure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("business", sa.String(length=16), nullable=False, server_default="all")
        )


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("business")
