"""outbox delivery: parts, permanent failures, templates; inbound truncation flag

A text longer than the transport carries is sent in parts (``parts_sent`` remembers how
far it got); a row that failed for good carries when (``failed_at``: the next digest
lists it); the template a row came from lets flood control tell pointers apart; an
inbound message too long to keep is stored cut, and says so (``truncated``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("outbound_message") as b:
        b.add_column(sa.Column("template", _STR(), nullable=True))
        b.add_column(sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("failed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.execute("UPDATE outbound_message SET failed_at = next_attempt_at WHERE status = 'failed'")
    with op.batch_alter_table("inbound_message") as b:
        b.add_column(sa.Column("truncated", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("inbound_message") as b:
        b.drop_column("truncated")
    with op.batch_alter_table("outbound_message") as b:
        b.drop_column("failed_at")
        b.drop_column("parts_sent")
        b.drop_column("template")
