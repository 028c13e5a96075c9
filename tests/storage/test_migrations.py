"""Migrations create the schema on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.engine import make_engine
from storage.migrate import current, upgrade

TABLES = {
    "school",
    "school_class",
    "student",
    "staff",
    "room",
    "inbound_message",
    "absence",
    "alert",
    "alert_event",
    "outbound_message",
    "pending_question",
    "faq_query",
}


def check(url):
    engine = make_engine(url)
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert current(engine) is not None
    names = set(sa.inspect(engine).get_table_names())
    assert names >= TABLES
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    engine.dispose()


def test_sqlite(db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the SQLite pragmas are SQLite's (this pass runs on PostgreSQL)")
    check(db_url)
    engine = make_engine(db_url)
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.postgres
def test_postgres(pg_url):
    check(pg_url)


def _single_school_rows_at_0001(url):
    """A single-school database as the bot kept it before several schools existed."""
    engine = make_engine(url)
    upgrade(engine, "0001")
    now = "2026-11-23 08:00:00"
    with engine.begin() as c:
        x = c.exec_driver_sql
        x("INSERT INTO school (id, name, timezone) VALUES ('qingshi', '青石镇中心小学', 'Asia/Shanghai')")
        for sid, name, active in (("G1", "王小明", True), ("G2", "李婧", False)):
            c.execute(
                sa.text(
                    "INSERT INTO student (id, school_id, name, class_name, gender, grade, guardian, phone, boarding,"
                    " poverty, left_behind, active, updated_at) VALUES (:id, 'qingshi', :n, '三年级二班', '男', '三年级',"
                    " '徐秀兰', '13631963950', false, false, false, :a, :t)"
                ),
                {"id": sid, "n": name, "a": active, "t": now},
            )
        x(
            "INSERT INTO staff (school_id, wechat_id, name, title, roles, head_of)"
            " VALUES ('qingshi', 'wxid_demo_wangfang', '王芳', '班主任', 'head_teacher', '三年级二班')"
        )
        x(
            "INSERT INTO room (school_id, topic, kind, transport_id) VALUES ('qingshi', '青石镇中心小学教师群', 'staff', '@@r1')"
        )
        x(
            "INSERT INTO inbound_message (message_id, sender_id, sender_name, room, text, mentioned, sent_at,"
            f" received_at, status) VALUES ('m1', 'wxid_demo_wangfang', '王芳', '青石镇中心小学教师群', '王小明今天没来',"
            f" false, '{now}', '{now}', 'handled')"
        )
        x(
            "INSERT INTO absence (student_id, kind, start, reason, reported_by, inbound_id, status, created_at)"
            f" VALUES ('G1', 'unexcused', '2026-11-23', '', 'wxid_demo_wangfang', 1, 'active', '{now}')"
        )
        x(
            "INSERT INTO class_report (class_name, day, kind, reported_by, inbound_id, status, created_at)"
            f" VALUES ('三年级二班', '2026-11-23', 'absences', 'wxid_demo_wangfang', 1, 'active', '{now}')"
        )
        x(
            "INSERT INTO alert (student_id, episode_key, status, since, opened_on, streak_at_open, created_at)"
            f" VALUES ('G1', 'G1:2026-11-23', 'open', '2026-11-23', '2026-11-26', 4, '{now}')"
        )
        x(
            "INSERT INTO outbound_message (dedupe_key, to_contact, text, status, attempts, created_at, next_attempt_at)"
            f" VALUES ('digest:2026-11-23:wxid_demo_chenguohua', 'wxid_demo_chenguohua', '日报', 'sent', 1, '{now}', '{now}')"
        )
    return engine


def _carried_forward(url):
    engine = _single_school_rows_at_0001(url)
    upgrade(engine)
    with engine.connect() as c:
        q = lambda sql: c.exec_driver_sql(sql).all()  # noqa: E731
        for table in ("absence", "class_report", "alert", "inbound_message", "outbound_message"):
            assert q(f"SELECT school_id FROM {table}") == [("qingshi",)], table
        assert q("SELECT room_id, topic FROM room") == [("@@r1", "青石镇中心小学教师群")]
        assert sorted(q("SELECT student_id, school_id, left_why FROM enrolment")) == [
            ("G1", "qingshi", ""),
            ("G2", "qingshi", "离校"),
        ]
        assert q("SELECT count(*) FROM student") == [(2,)] and q("SELECT count(*) FROM staff") == [(1,)]
        diff = compare_metadata(MigrationContext.configure(c), SQLModel.metadata)
    assert diff == []
    engine.dispose()


def test_a_single_school_database_carries_forward_sqlite(db_url):
    _carried_forward(db_url)


@pytest.mark.postgres
def test_a_single_school_database_carries_forward_postgres(pg_url):
    _carried_forward(pg_url)
