"""inbox_updates: every update taken from Telegram, kept until it is handled

Revision ID: 0017_inbox_updates
Revises: 0016_workspace_version
Create Date: 2026-12-02 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision: str = "0017_inbox_updates"
down_revision: str | None = "0016_workspace_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=False),
        sa.Column("claimed_until", UTCDateTime(), nullable=False),
        sa.Column("writes", sa.Integer(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_inbox_updates")),
    )
    op.create_index("ix_inbox_updates_done_at", "inbox_updates", ["done_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_inbox_updates_done_at", table_name="inbox_updates")
    op.drop_table("inbox_updates")
