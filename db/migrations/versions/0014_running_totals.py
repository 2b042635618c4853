"""variant_totals, variant_day_totals: running sums of the results, filled from those logged

Revision ID: 0014_running_totals
Revises: 0013_storyline
Create Date: 2026-12-02 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_running_totals"
down_revision: str | None = "0013_storyline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "variant_totals",
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("visitors", sa.BigInteger(), nullable=False),
        sa.Column("conversions", sa.BigInteger(), nullable=False),
        sa.Column("revenue_cents", sa.BigInteger(), nullable=False),
        sa.Column("revenue_observations", sa.BigInteger(), nullable=False),
        sa.Column("observations", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_variant_totals_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["variants.id"],
            name=op.f("fk_variant_totals_variant_id_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("experiment_id", "variant_id", name=op.f("pk_variant_totals")),
    )
    op.create_table(
        "variant_day_totals",
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("visitors", sa.BigInteger(), nullable=False),
        sa.Column("conversions", sa.BigInteger(), nullable=False),
        sa.Column("observations", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_variant_day_totals_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["variants.id"],
            name=op.f("fk_variant_day_totals_variant_id_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "experiment_id", "day", "variant_id", name=op.f("pk_variant_day_totals")
        ),
    )
    # Filled from the results already logged (the same sums db/totals_repository.py checks).
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(
        "INSERT INTO variant_totals (experiment_id, variant_id, visitors, conversions, "
        "revenue_cents, revenue_observations, observations) "
        "SELECT experiment_id, variant_id, SUM(visitors), SUM(conversions), "
        "COALESCE(SUM(CAST(ROUND(revenue * 100) AS BIGINT)), 0), COUNT(revenue), COUNT(*) "
        "FROM observations GROUP BY experiment_id, variant_id"
    )
    day = "date(logged_at)" if sqlite else "CAST(timezone('UTC', logged_at) AS DATE)"
    op.execute(
        "INSERT INTO variant_day_totals (experiment_id, day, variant_id, visitors, conversions, "
        f"observations) SELECT experiment_id, {day}, variant_id, SUM(visitors), "
        f"SUM(conversions), COUNT(*) FROM observations GROUP BY experiment_id, {day}, variant_id"
    )


def downgrade() -> None:
    op.drop_table("variant_day_totals")
    op.drop_table("variant_totals")
