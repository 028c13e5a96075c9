"""the applied-changes log, part-day absences, undoable alert events

Every ledger row a message writes or changes is logged (``ledger_change``) so that undo
is the exact inverse of what the message did; an absence says which part of the day it
covers (existing rows are whole days); an alert event can be taken back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "ledger_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", _STR(), nullable=True),
        sa.Column("inbound_id", sa.Integer(), nullable=True),
        sa.Column("source", _STR(), nullable=False),
        sa.Column("table_name", _STR(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("student_id", _STR(), nullable=True),
        sa.Column("op", _STR(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.Column("undone_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["inbound_id"], ["inbound_message.id"]),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["undone_by"], ["inbound_message.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ledger_change") as b:
        b.create_index("ix_ledger_change_inbound_id", ["inbound_id"], unique=False)
        b.create_index("ix_ledger_change_school_id", ["school_id"], unique=False)
        b.create_index("ix_ledger_change_source", ["source"], unique=False)
        b.create_index("ix_ledger_change_student_id", ["student_id"], unique=False)
    with op.batch_alter_table("absence") as b:
        b.add_column(sa.Column("portion", _STR(), server_default="full", nullable=False))
    with op.batch_alter_table("alert_event") as b:
        b.add_column(sa.Column("status", _STR(), server_default="active", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("alert_event") as b:
        b.drop_column("status")
    with op.batch_alter_table("absence") as b:
        b.drop_column("portion")
    op.drop_table("ledger_change")
