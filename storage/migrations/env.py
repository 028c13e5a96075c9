"""Alembic environment: runs on the engine the bot hands over (or the configured URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _configured_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("Alembic: no engine handed over and no sqlalchemy.url configured")
    return url


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(_configured_url())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by copy-and-drop, which foreign keys pointing
            # at it would refuse; SQLite only honours this pragma outside a transaction.
            connection.commit()
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        # render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds tables.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
