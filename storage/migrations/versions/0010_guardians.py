"""Parents: guardian bindings, binding attempts, parents' worries, school notices and their acknowledgements

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "guardian",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", _STR(), nullable=False),
        sa.Column("student_id", _STR(), nullable=False),
        sa.Column("chat_id", _STR(length=255), nullable=False),
        sa.Column("relation", _STR(), nullable=False),
        sa.Column("how", _STR(), nullable=False),
        sa.Column("status", _STR(), nullable=False),
        sa.Column("bound_by", _STR(), nullable=True),
        sa.Column("bound_at", _TIME(), nullable=False),
        sa.Column("unbound_at", _TIME(), nullable=True),
        sa.Column("unbound_why", _STR(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["student_id"], ["student.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guardian") as b:
        b.create_index("ix_guardian_school_id", ["school_id"], unique=False)
        b.create_index("ix_guardian_student_id", ["student_id"], unique=False)
        b.create_index("ix_guardian_chat_id", ["chat_id"], unique=False)
        b.create_index("ix_guardian_status", ["status"], unique=False)
    op.create_table(
        "guardian_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", _STR(length=255), nullable=False),
        sa.Column("at", _TIME(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("guardian_attempt") as b:
        b.create_index("ix_guardian_attempt_chat_id", ["chat_id"], unique=False)
        b.create_index("ix_guardian_attempt_at", ["at"], unique=False)
    op.create_table(
        "parent_worry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", _STR(), nullable=False),
        sa.Column("student_id", _STR(), nullable=True),
        sa.Column("class_name", _STR(), nullable=True),
        sa.Column("family", _STR(), nullable=False),
        sa.Column("sender_id", _STR(), nullable=False),
        sa.Column("sender_name", _STR(), nullable=False),
        sa.Column("relation", _STR(), nullable=False),
        sa.Column("about_other", sa.Boolean(), nullable=False),
        sa.Column("room_topic", _STR(), nullable=True),
        sa.Column("words", _STR(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=True),
        sa.Column("status", _STR(), server_default="active", nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["student_id"], ["student.id"]),
        sa.ForeignKeyConstraint(["inbound_id"], ["inbound_message.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("parent_worry") as b:
        b.create_index("ix_parent_worry_school_id", ["school_id"], unique=False)
        b.create_index("ix_parent_worry_student_id", ["student_id"], unique=False)
        b.create_index("ix_parent_worry_day", ["day"], unique=False)
        b.create_index("ix_parent_worry_inbound_id", ["inbound_id"], unique=False)
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", _STR(), nullable=False),
        sa.Column("by", _STR(), nullable=False),
        sa.Column("target", _STR(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", _STR(), nullable=False),
        sa.Column("rooms", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("sent_at", _TIME(), nullable=True),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notice") as b:
        b.create_index("ix_notice_school_id", ["school_id"], unique=False)
        b.create_index("ix_notice_status", ["status"], unique=False)
    op.create_table(
        "notice_ack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("room_id", _STR(), nullable=False),
        sa.Column("class_name", _STR(), nullable=True),
        sa.Column("sender_id", _STR(), nullable=False),
        sa.Column("at", _TIME(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notice_id", "sender_id"),
    )
    with op.batch_alter_table("notice_ack") as b:
        b.create_index("ix_notice_ack_notice_id", ["notice_id"], unique=False)


def downgrade() -> None:
    op.drop_table("notice_ack")
    op.drop_table("notice")
    op.drop_table("parent_worry")
    op.drop_table("guardian_attempt")
    op.drop_table("guardian")
