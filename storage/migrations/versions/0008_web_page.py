"""The web page: one-time login links, sessions, and its audit log (all hashed secrets);
pictures in the outbox (the weekly chart)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_AT = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("outbound_message") as b:
        b.add_column(sa.Column("image", sa.LargeBinary(), nullable=True))
    op.create_table(
        "web_login_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _STR(length=64), nullable=False),
        sa.Column("wechat_id", _STR(), nullable=False),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("expires_at", _AT(), nullable=False),
        sa.Column("used_at", _AT(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_web_login_token_token_hash", "web_login_token", ["token_hash"], unique=True)
    op.create_index("ix_web_login_token_wechat_id", "web_login_token", ["wechat_id"])
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_hash", _STR(length=64), nullable=False),
        sa.Column("wechat_id", _STR(), nullable=False),
        sa.Column("csrf", _STR(length=64), nullable=False),
        sa.Column("created_at", _AT(), nullable=False),
        sa.Column("expires_at", _AT(), nullable=False),
        sa.Column("ended_at", _AT(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_web_session_session_hash", "web_session", ["session_hash"], unique=True)
    op.create_index("ix_web_session_wechat_id", "web_session", ["wechat_id"])
    op.create_table(
        "web_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _AT(), nullable=False),
        sa.Column("wechat_id", _STR(), nullable=True),
        sa.Column("school_id", _STR(), nullable=True),
        sa.Column("kind", _STR(), nullable=False),
        sa.Column("student_id", _STR(), nullable=True),
        sa.Column("path", _STR(), nullable=False),
        sa.Column("detail", _STR(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_web_access_at", "web_access", ["at"])
    op.create_index("ix_web_access_wechat_id", "web_access", ["wechat_id"])
    op.create_index("ix_web_access_school_id", "web_access", ["school_id"])
    op.create_index("ix_web_access_student_id", "web_access", ["student_id"])


def downgrade() -> None:
    op.drop_table("web_access")
    op.drop_table("web_session")
    op.drop_table("web_login_token")
    with op.batch_alter_table("outbound_message") as b:
        b.drop_column("image")
