"""roster version, the 学籍 export's 身份证号 / 出生日期 / 家庭住址, where a transfer went

``school.roster_version`` is bumped by every roster change, so a running bot sees an
import at its next message. The new student columns start empty: an import that has
them fills them, one that does not leaves them as they are.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_STUDENT_COLUMNS = ("id_card", "birth_date", "address")


def upgrade() -> None:
    with op.batch_alter_table("school") as b:
        b.add_column(sa.Column("roster_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("student") as b:
        for name in _STUDENT_COLUMNS:
            b.add_column(sa.Column(name, _STR(), nullable=False, server_default=""))
    with op.batch_alter_table("enrolment") as b:
        b.add_column(sa.Column("left_to", _STR(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("enrolment") as b:
        b.drop_column("left_to")
    with op.batch_alter_table("student") as b:
        for name in _STUDENT_COLUMNS:
            b.drop_column(name)
    with op.batch_alter_table("school") as b:
        b.drop_column("roster_version")
