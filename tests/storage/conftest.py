"""Database fixtures, parametrised over SQLite and PostgreSQL (tests/audit reuses them).

PostgreSQL: one throw-away database per test session (``respite_test_<random>``, dropped at
the end) and a fresh schema per test inside it, chosen through ``search_path`` in the URL so
that the code under test sees an ordinary database. The server comes from
``RESPITE_TEST_POSTGRES_URL`` (default: ``postgres`` at 127.0.0.1:5432, else ``root``). When
it cannot be reached the PostgreSQL cases fail under ``CI=true`` and are skipped otherwise.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from respite.accounts.model import OrganisationKind
from respite.accounts.service import create_organisation, create_user
from respite.pauses.model import PauseSpec
from respite.roles import UserRole
from respite.scenarios import load_scenario
from respite.storage import database_url, make_engine, session_factory, upgrade

BACKENDS = ["sqlite", "postgresql"]
DEFAULT_SERVER = "postgresql+psycopg://{role}@127.0.0.1:5432/test"
NOW = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _reachable_server() -> URL:
    configured = os.environ.get("RESPITE_TEST_POSTGRES_URL")
    candidates = (
        [configured]
        if configured
        else [DEFAULT_SERVER.format(role=r) for r in ("postgres", "root")]
    )
    errors = []
    for candidate in candidates:
        url = database_url(candidate)
        try:
            with psycopg.connect(_libpq(url), connect_timeout=3):
                return url
        except psycopg.Error as error:
            errors.append(f"{url.render_as_string()}: {error}".strip())
    reason = "PostgreSQL unreachable: " + "; ".join(errors)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[URL]:
    """A fresh database for this test session (per xdist worker), dropped afterwards."""
    server = _reachable_server()
    name = f"respite_test_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq(server), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name)
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend: a SQLite file or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'respite.db'}"
        return
    database: URL = request.getfixturevalue("pg_database")
    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq(database), autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = database.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(database), autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def bare_engine(db_url: str) -> Iterator[Engine]:
    """An engine on the empty database (no migrations run)."""
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def db_engine(bare_engine: Engine) -> Engine:
    """An engine on a database migrated to head."""
    upgrade(bare_engine)
    return bare_engine


@pytest.fixture
def now() -> datetime:
    """The recording time used by the tests (a fixed, aware UTC instant)."""
    return NOW


@pytest.fixture
def sessions(db_engine: Engine) -> sessionmaker[Session]:
    return session_factory(db_engine)


@dataclass(frozen=True)
class Accounts:
    org_id: int
    user_id: int
    other_org_id: int
    other_user_id: int


@pytest.fixture
def accounts(sessions: sessionmaker[Session]) -> Accounts:
    """A coordination body with an admin, and an aid agency with a member (4 audit entries)."""
    with sessions.begin() as session:
        ocha = create_organisation(
            session, slug="ocha", name="UN OCHA", kind=OrganisationKind.COORDINATION, now=NOW
        )
        admin = create_user(
            session,
            organisation_id=ocha.id,
            name="Coordinator",
            email="Coordinator@Example.org",
            role=UserRole.ADMIN,
            now=NOW,
        )
        wfp = create_organisation(
            session,
            slug="wfp",
            name="WFP",
            kind=OrganisationKind.AID,
            now=NOW,
            actor_user_id=admin.id,
        )
        member = create_user(
            session,
            organisation_id=wfp.id,
            name="Logistics",
            email="logistics@example.org",
            role=UserRole.ORGANISATION,
            now=NOW,
            actor_user_id=admin.id,
        )
        return Accounts(ocha.id, admin.id, wfp.id, member.id)


@pytest.fixture(scope="session")
def truce() -> PauseSpec:
    """The November 2023 truce as recorded: announcement plus extend, extend, end."""
    return next(p.spec for p in load_scenario() if p.id == "truce-2023-11-24")


@pytest.fixture(scope="session")
def truce_announced(truce: PauseSpec) -> PauseSpec:
    """The truce as first announced (version 1, no amendments)."""
    return truce.model_copy(update={"amendments": ()})
