"""workspaces: when the digest schedule (time, timezone, on) was last set

Revision ID: 0005_digest_schedule_set
Revises: 0004_import_records
Create Date: 2026-12-02 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0005_digest_schedule_set"
down_revision: str | None = "0004_import_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_schedule_set_at", db.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("digest_schedule_set_at")
