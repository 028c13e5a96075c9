"""several schools in one database, rooms known by id, enrolment history

Every table that holds school data gets a school id, filled in from what the row
already says (a student's school, a reporter's school, or the only school there is),
so a single-school database carries forward with every record. Room topics and staff
chat ids become unique per school; a room's identity is the transport's room id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
# Rows whose school is not in them: the only school, when there is exactly one.
_ONLY_SCHOOL = "(SELECT id FROM school WHERE (SELECT count(*) FROM school) = 1)"


def _required_school_id(table: str, fill: str) -> None:
    with op.batch_alter_table(table) as b:
        b.add_column(sa.Column("school_id", _STR(), nullable=True))
    op.execute(f"UPDATE {table} SET school_id = {fill}")
    with op.batch_alter_table(table) as b:
        b.alter_column("school_id", existing_type=_STR(), nullable=False)
        b.create_index(f"ix_{table}_school_id", ["school_id"], unique=False)
        b.create_foreign_key(f"fk_{table}_school", "school", ["school_id"], ["id"])


def _optional_school_id(table: str) -> None:
    with op.batch_alter_table(table) as b:
        b.add_column(sa.Column("school_id", _STR(), nullable=True))
        b.create_index(f"ix_{table}_school_id", ["school_id"], unique=False)
        b.create_foreign_key(f"fk_{table}_school", "school", ["school_id"], ["id"])
    op.execute(f"UPDATE {table} SET school_id = {_ONLY_SCHOOL}")


def upgrade() -> None:
    op.create_table(
        "seen_room",
        sa.Column("room_id", _STR(length=255), nullable=False),
        sa.Column("topic", _STR(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("room_id"),
    )
    op.create_table(
        "enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", _STR(), nullable=False),
        sa.Column("school_id", _STR(), nullable=False),
        sa.Column("class_name", _STR(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("left_why", _STR(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["student_id"], ["student.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_enrolment_school_id", "enrolment", ["school_id"], unique=False)
    op.create_index("ix_enrolment_student_id", "enrolment", ["student_id"], unique=False)
    # Everyone on a roll today has one enrolment, begun before the bot knew.
    op.execute(
        "INSERT INTO enrolment (student_id, school_id, class_name, joined_on, left_on, left_why) "
        "SELECT id, school_id, class_name, NULL, left_on, "
        "CASE WHEN active THEN '' ELSE '离校' END FROM student"
    )

    by_student = "(SELECT student.school_id FROM student WHERE student.id = {t}.student_id)"
    _required_school_id("absence", by_student.format(t="absence"))
    _required_school_id("alert", by_student.format(t="alert"))
    _required_school_id(
        "class_report",
        "COALESCE((SELECT staff.school_id FROM staff WHERE staff.wechat_id = class_report.reported_by LIMIT 1), "
        "(SELECT id FROM school ORDER BY id LIMIT 1))",
    )
    for table in ("faq_query", "inbound_message", "outbound_message", "pending_question"):
        _optional_school_id(table)
    with op.batch_alter_table("inbound_message") as b:
        b.add_column(sa.Column("room_id", _STR(), nullable=True))
        b.create_index("ix_inbound_message_room_id", ["room_id"], unique=False)

    with op.batch_alter_table("room") as b:
        b.add_column(sa.Column("room_id", _STR(length=255), nullable=True))
        b.add_column(sa.Column("bound_by", _STR(), nullable=True))
        b.add_column(sa.Column("bound_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.execute("UPDATE room SET room_id = transport_id")
    with op.batch_alter_table("room") as b:
        b.drop_index("ix_room_topic")
        b.create_index("ix_room_topic", ["topic"], unique=False)
        b.create_index("ix_room_room_id", ["room_id"], unique=True)
        b.create_unique_constraint("uq_room_school_topic", ["school_id", "topic"])
        b.drop_column("transport_id")

    with op.batch_alter_table("staff") as b:
        b.drop_index("ix_staff_wechat_id")
        b.create_index("ix_staff_wechat_id", ["wechat_id"], unique=False)
        b.create_unique_constraint("uq_staff_school_wechat", ["school_id", "wechat_id"])


def downgrade() -> None:
    with op.batch_alter_table("staff") as b:
        b.drop_constraint("uq_staff_school_wechat", type_="unique")
        b.drop_index("ix_staff_wechat_id")
        b.create_index("ix_staff_wechat_id", ["wechat_id"], unique=True)
    with op.batch_alter_table("room") as b:
        b.add_column(sa.Column("transport_id", sa.VARCHAR(), nullable=True))
    op.execute("UPDATE room SET transport_id = room_id")
    with op.batch_alter_table("room") as b:
        b.drop_constraint("uq_room_school_topic", type_="unique")
        b.drop_index("ix_room_room_id")
        b.drop_index("ix_room_topic")
        b.create_index("ix_room_topic", ["topic"], unique=True)
        b.drop_column("bound_at")
        b.drop_column("bound_by")
        b.drop_column("room_id")
    with op.batch_alter_table("inbound_message") as b:
        b.drop_index("ix_inbound_message_room_id")
        b.drop_column("room_id")
    for table in (
        "pending_question",
        "outbound_message",
        "inbound_message",
        "faq_query",
        "class_report",
        "alert",
        "absence",
    ):
        with op.batch_alter_table(table) as b:
            b.drop_constraint(f"fk_{table}_school", type_="foreignkey")
            b.drop_index(f"ix_{table}_school_id")
            b.drop_column("school_id")
    op.drop_index("ix_enrolment_student_id", table_name="enrolment")
    op.drop_index("ix_enrolment_school_id", table_name="enrolment")
    op.drop_table("enrolment")
    op.drop_table("seen_room")
