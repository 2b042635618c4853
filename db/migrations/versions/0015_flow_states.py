"""flow_states: guided flows' steps and drafts in the database, shared by every bot process

Revision ID: 0015_flow_states
Revises: 0014_running_totals
Create Date: 2026-12-02 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0015_flow_states"
down_revision: str | None = "0014_running_totals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flow_states",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("flow", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=True),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("updated_at", db.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "user_id", "flow", name=op.f("pk_flow_states")),
    )
    op.create_index("ix_flow_states_updated_at", "flow_states", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_flow_states_updated_at", table_name="flow_states")
    op.drop_table("flow_states")
