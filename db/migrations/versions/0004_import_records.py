"""import records: each imported file, and the observations it brought

Revision ID: 0004_import_records
Revises: 0003_workspace_currency
Create Date: 2026-12-02 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0004_import_records"
down_revision: str | None = "0003_workspace_currency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.BigInteger(), nullable=False),
        sa.Column("imported_by_name", sa.String(length=128), nullable=False),
        sa.Column("undone_at", db.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("undone_by_name", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_imports_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_imports_workspace_fingerprint", ["workspace_id", "fingerprint"], unique=False
        )
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_observations_import_id", ["import_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_observations_import_id_imports"),
            "imports",
            ["import_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_observations_import_id_imports"), type_="foreignkey"
        )
        batch_op.drop_index("ix_observations_import_id")
        batch_op.drop_column("import_id")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_index("ix_imports_workspace_fingerprint")
    op.drop_table("imports")
