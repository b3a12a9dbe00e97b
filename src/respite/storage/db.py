"""Engine setup, migrations and sessions.

The database is named by ``RESPITE_DATABASE_URL``; without it Respite uses an embedded SQLite
file, ``./var/respite.db`` (the folder is created on first use). PostgreSQL is reached through
psycopg 3: ``postgresql+psycopg://user@host/db`` (``postgresql://`` is read the same way).

SQLite is made durable and strict on every connection: WAL journal (readers do not block the
writer), ``synchronous=FULL`` (a commit survives power loss, which WAL's usual NORMAL does not
promise), ``foreign_keys=ON`` (off by default in SQLite). Write transactions start with
``BEGIN IMMEDIATE`` so that they take the write lock before reading: two writers queue on the
lock (up to the busy timeout) instead of both reading the audit chain's head and one failing
at commit. Read-only sessions (``session_factory(engine, read_only=True)``) use a plain BEGIN
and run beside the writer.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

ENV_VAR = "RESPITE_DATABASE_URL"
DEFAULT_URL = "sqlite:///./var/respite.db"
#: Package resource holding env.py and versions/ (alembic resolves ``package:folder``).
MIGRATIONS = "respite.storage:migrations"
#: Execution option marking a connection whose transactions only read.
READ_ONLY = "respite_read_only"
#: Seconds a SQLite writer waits for the lock before "database is locked".
SQLITE_BUSY_TIMEOUT = 30.0


def database_url(url: str | None = None) -> URL:
    """The URL to use: ``url``, else ``$RESPITE_DATABASE_URL``, else the SQLite default."""
    chosen = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    parsed = make_url(chosen)
    if parsed.drivername in ("postgresql", "postgres"):
        # SQLAlchemy's default PostgreSQL driver is psycopg2, which Respite does not install.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (see :func:`database_url`), configured as the module describes."""
    parsed = database_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if (
        parsed.database
        and parsed.database != ":memory:"
        and not parsed.database.startswith("file:")
    ):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    # The sqlite3 module's own transaction handling skips BEGIN before SELECT and DDL; turn
    # it off and let _sqlite_begin emit BEGIN for every transaction instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the shipped migrations; no ``alembic.ini`` is needed."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (all migrations run in one transaction)."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (``"base"``: drop everything)."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; the caller commits (``with factory.begin() as s:``).

    Objects stay readable after commit (``expire_on_commit=False``) so a request can serialise
    what it wrote without another round trip. ``read_only`` sessions on SQLite do not take the
    write lock; on PostgreSQL their transactions are READ ONLY.
    """
    bind = engine
    if read_only:
        options: dict[str, Any] = {READ_ONLY: True}
        if engine.dialect.name == "postgresql":
            options["postgresql_readonly"] = True
        bind = engine.execution_options(**options)
    return sessionmaker(bind=bind, expire_on_commit=False)
