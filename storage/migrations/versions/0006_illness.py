"""因病缺课: symptoms and diseases on absences, clusters of cases

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("absence") as b:
        b.add_column(sa.Column("symptoms", _STR(), server_default="", nullable=False))
        b.add_column(sa.Column("diseases", _STR(), server_default="", nullable=False))
    op.create_table(
        "illness_cluster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", _STR(), nullable=False),
        sa.Column("episode_key", _STR(length=255), nullable=False),
        sa.Column("rule", _STR(), nullable=False),
        sa.Column("class_name", _STR(), nullable=True),
        sa.Column("label", _STR(), nullable=False),
        sa.Column("student_ids", sa.Text(), server_default="", nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("status", _STR(), nullable=False),
        sa.Column("proof_checked_by", _STR(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("episode_key"),
    )
    with op.batch_alter_table("illness_cluster") as b:
        b.create_index("ix_illness_cluster_school_id", ["school_id"], unique=False)
        b.create_index("ix_illness_cluster_status", ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("illness_cluster")
    with op.batch_alter_table("absence") as b:
        b.drop_column("diseases")
        b.drop_column("symptoms")
