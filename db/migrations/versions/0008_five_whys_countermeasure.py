"""five whys to a countermeasure: the experiment an iteration continues, and a learning's
countermeasure with its owner, date and completion

Revision ID: 0008_five_whys_countermeasure
Revises: 0007_experiment_winner
Create Date: 2026-12-02 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0008_five_whys_countermeasure"
down_revision: str | None = "0007_experiment_winner"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_experiments_parent_id_experiments"),
            "experiments",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("learnings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("countermeasure", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("countermeasure_owner", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("countermeasure_due", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("countermeasure_done_at", db.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("learnings", schema=None) as batch_op:
        batch_op.drop_column("countermeasure_done_at")
        batch_op.drop_column("countermeasure_due")
        batch_op.drop_column("countermeasure_owner")
        batch_op.drop_column("countermeasure")
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_experiments_parent_id_experiments"), type_="foreignkey"
        )
        batch_op.drop_column("parent_id")
