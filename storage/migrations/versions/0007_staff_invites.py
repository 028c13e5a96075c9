"""staff invite codes, staff bound or removed in the database, the access audit log

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("school") as b:
        b.add_column(sa.Column("staff_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("staff") as b:
        b.add_column(sa.Column("source", _STR(), nullable=False, server_default="config"))
        b.add_column(sa.Column("removed_at", _AT(), nullable=True))
    op.create_table(
        "staff_invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", _STR(), nullable=False),
        sa.Column("code_hash", _STR(length=64), nullable=False),
        sa.Column("name", _STR(), nullable=False),
        sa.Column("roles", _STR(), nullable=False),
        sa.Column("head_of", _STR(), nullable=True),
        sa.Column("title", _STR(), nullable=False),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("expires_at", _AT(), nullable=False),
        sa.Column("created_by", _STR(), nullable=False),
        sa.Column("used_at", _AT(), nullable=True),
        sa.Column("used_by", _STR(), nullable=True),
        sa.Column("revoked_at", _AT(), nullable=True),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_invite") as b:
        b.create_index("ix_staff_invite_school_id", ["school_id"], unique=False)
        b.create_index("ix_staff_invite_code_hash", ["code_hash"], unique=False)
    op.create_table(
        "bind_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", _STR(), nullable=False),
        sa.Column("at", _AT(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bind_attempt") as b:
        b.create_index("ix_bind_attempt_chat_id", ["chat_id"], unique=False)
        b.create_index("ix_bind_attempt_at", ["at"], unique=False)
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", _STR(), nullable=True),
        sa.Column("at", _AT(), nullable=False),
        sa.Column("actor", _STR(), nullable=False),
        sa.Column("action", _STR(), nullable=False),
        sa.Column("student_id", _STR(), nullable=True),
        sa.Column("subject", _STR(), nullable=False),
        sa.Column("detail", _STR(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["inbound_id"], ["inbound_message.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_event") as b:
        b.create_index("ix_audit_event_school_id", ["school_id"], unique=False)
        b.create_index("ix_audit_event_action", ["action"], unique=False)
        b.create_index("ix_audit_event_student_id", ["student_id"], unique=False)


def downgrade() -> None:
    op.drop_table("audit_event")
    op.drop_table("bind_attempt")
    op.drop_table("staff_invite")
    with op.batch_alter_table("staff") as b:
        b.drop_column("removed_at")
        b.drop_column("source")
    with op.batch_alter_table("school") as b:
        b.drop_column("staff_version")
