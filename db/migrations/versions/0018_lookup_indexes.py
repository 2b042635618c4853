"""lookup indexes: learnings by workspace and by experiment, nudge snoozes by workspace

Revision ID: 0018_lookup_indexes
Revises: 0017_inbox_updates
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018_lookup_indexes"
down_revision: str | None = "0017_inbox_updates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_learnings_workspace_id", "learnings", ["workspace_id"], unique=False)
    op.create_index("ix_learnings_experiment_id", "learnings", ["experiment_id"], unique=False)
    op.create_index(
        "ix_nudge_snoozes_workspace_id", "nudge_snoozes", ["workspace_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_nudge_snoozes_workspace_id", table_name="nudge_snoozes")
    op.drop_index("ix_learnings_experiment_id", table_name="learnings")
    op.drop_index("ix_learnings_workspace_id", table_name="learnings")
