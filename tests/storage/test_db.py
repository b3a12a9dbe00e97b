"""Engine setup and migrations: tables on both backends, SQLite pragmas, UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from respite.accounts.model import OrganisationKind
from respite.accounts.tables import Organisation, User
from respite.audit.tables import AuditHead
from respite.roles import UserRole
from respite.storage import (
    DEFAULT_URL,
    ENV_VAR,
    database_url,
    downgrade,
    make_engine,
    session_factory,
    upgrade,
)
from respite.storage.base import Base

TABLES = {
    "alembic_version",
    "organisations",
    "users",
    "api_tokens",
    "pauses",
    "pause_versions",
    "audit_entries",
    "audit_head",
    # notifications (respite.movements)
    "sites",
    "site_versions",
    "movements",
    "movement_versions",
    "notifications",
    "acknowledgements",
    "movement_outcomes",
    # incidents (respite.incidents)
    "incidents",
    "incident_versions",
    "import_runs",
}


def test_migrations_create_every_table(db_engine: Engine) -> None:
    assert set(inspect(db_engine).get_table_names()) == TABLES
    with session_factory(db_engine).begin() as session:
        head = session.scalars(select(AuditHead)).one()
    assert (head.id, head.last_seq, head.last_hash) == (1, 0, "0" * 64)


def test_models_describe_the_migrated_schema(db_engine: Engine) -> None:
    with db_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrade_twice_then_downgrade_and_up_again(db_engine: Engine) -> None:
    upgrade(db_engine)
    downgrade(db_engine, "base")
    assert set(inspect(db_engine).get_table_names()) == {"alembic_version"}
    upgrade(db_engine)
    assert set(inspect(db_engine).get_table_names()) == TABLES


def test_sqlite_pragmas_hold_on_every_connection(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db' / 'respite.db'}")
    try:
        for _ in range(2):
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            engine.dispose()  # the second round runs on a brand-new connection
    finally:
        engine.dispose()


def test_default_database_is_a_sqlite_file_whose_folder_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert database_url().render_as_string() == DEFAULT_URL
    engine = make_engine()
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    assert (tmp_path / "var" / "respite.db").is_file()


def test_environment_names_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "elsewhere" / "named.db"
    monkeypatch.setenv(ENV_VAR, f"sqlite:///{target}")
    engine = make_engine()
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()
    assert target.is_file()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_postgresql_urls_use_psycopg_3(scheme: str) -> None:
    assert database_url(f"{scheme}://u@db.example/respite").drivername == "postgresql+psycopg"


def test_sqlite_readers_run_beside_a_writer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'respite.db'}")
    try:
        upgrade(engine)
        with session_factory(engine).begin() as writer:
            writer.add(_organisation("writer"))
            writer.flush()  # the writer now holds the database write lock
            with session_factory(engine, read_only=True)() as reader:
                # A plain BEGIN: the reader sees the last commit and does not wait for the lock.
                assert reader.scalars(select(Organisation)).all() == []
    finally:
        engine.dispose()


def test_read_only_sessions_read(db_engine: Engine, backend: str) -> None:
    with session_factory(db_engine).begin() as writer:
        writer.add(_organisation("seen"))
    with session_factory(db_engine, read_only=True)() as reader:
        assert [o.slug for o in reader.scalars(select(Organisation))] == ["seen"]
        reader.rollback()
        if backend == "postgresql":  # SQLite has no read-only transactions to ask for
            reader.add(_organisation("refused"))
            with pytest.raises(DBAPIError, match="read-only"):
                reader.flush()


def test_foreign_keys_are_enforced(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(
            User(
                organisation_id=999,
                name="Nobody",
                email="nobody@example.org",
                role=UserRole.OBSERVER,
                created_at=datetime.now(UTC),
            )
        )


def test_naive_datetimes_are_refused_by_the_column_type(sessions: sessionmaker[Session]) -> None:
    naive = datetime(2025, 1, 6, 9, 30)  # naive on purpose: this is what must be refused
    with pytest.raises(StatementError, match="timezone-aware") as caught, sessions.begin() as s:
        s.add(_organisation("naive", created_at=naive))
    assert isinstance(caught.value.orig, ValueError)
    with sessions.begin() as session:
        assert session.scalars(select(Organisation)).all() == []


def test_timestamps_come_back_as_aware_utc(sessions: sessionmaker[Session], backend: str) -> None:
    gaza = timezone(timedelta(hours=2))
    written = datetime(2023, 11, 24, 7, 0, 0, 123456, tzinfo=gaza)
    with sessions.begin() as session:
        session.add(_organisation("tz", created_at=written))
    with sessions.begin() as session:
        read = session.scalars(select(Organisation.created_at)).one()
        raw = session.execute(text("SELECT created_at FROM organisations")).scalar_one()
    assert read == written
    assert read.tzinfo is UTC
    assert read.hour == 5
    if backend == "sqlite":
        assert str(raw).startswith("2023-11-24 05:00:00.123456")  # UTC wall time, no offset


def _organisation(slug: str, created_at: datetime | None = None) -> Organisation:
    return Organisation(
        slug=slug,
        name=slug.title(),
        kind=OrganisationKind.OBSERVER,
        created_at=created_at or datetime.now(UTC),
    )
