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
    check(db_url)
    engine = make_engine(db_url)
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.postgres
def test_postgres(pg_url):
    check(pg_url)
