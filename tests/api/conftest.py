"""HTTP API fixtures: a bootstrapped service per test, on SQLite and PostgreSQL.

Each service gets its own database from the storage tests' fixtures (a SQLite file in
``tmp_path``, or a fresh PostgreSQL schema; PostgreSQL is mandatory under ``CI=true``), is
filled by :func:`respite.api.bootstrap.ensure_ready` with the gaza-2023-2024 scenario, and is
served by ``create_app(..., migrate=False)`` through Starlette's TestClient, with
``cache_check_seconds=0`` so that every public answer reflects the last commit at once.

The helpers (the Service wrapper, problem checks, pause documents) live in ``helpers.py``,
registered here as the module ``api_helpers``.
"""

from __future__ import annotations

import importlib.util
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path) -> ModuleType:
    # tests/ is not a package (pytest runs with --import-mode=importlib), so shared code is
    # loaded by path, once, and registered under a fixed module name.
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# The same name tests/audit uses, so the storage fixtures are loaded once per process.
_storage = _load("respite_tests_storage_fixtures", HERE.parent / "storage" / "conftest.py")
helpers = _load("api_helpers", HERE / "helpers.py")

pg_database = _storage.pg_database
backend = _storage.backend
db_url = _storage.db_url


@pytest.fixture
def service(db_url: str) -> Iterator[Any]:
    """A bootstrapped service on the parametrised backend (sqlite and postgresql)."""
    with helpers.running(db_url) as svc:
        yield svc


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'var' / 'respite.db'}"


@pytest.fixture
def sqlite_service(sqlite_url: str) -> Iterator[Any]:
    """A bootstrapped service on SQLite only (for checks that do not depend on the backend)."""
    with helpers.running(sqlite_url) as svc:
        yield svc


@pytest.fixture(scope="module", params=_storage.BACKENDS)
def shared_service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """One bootstrapped service per test module and backend, for tests that must not change
    anything (refused requests): each checks that the state is the same after as before."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'respite.db'}"
        with helpers.running(url) as svc:
            yield svc
        return
    database = request.getfixturevalue("pg_database")
    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(_storage._libpq(database), autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = database.update_query_dict({"options": f"-csearch_path={schema}"})
        with helpers.running(url.render_as_string(hide_password=False)) as svc:
            yield svc
    finally:
        with psycopg.connect(_storage._libpq(database), autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
