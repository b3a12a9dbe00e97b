"""Fixtures for the humanitarian notification tests, on SQLite and PostgreSQL.

The API tests' fixtures (``tests/api/conftest.py``, which loads the storage fixtures) are
loaded by path, as that file loads ``tests/storage/conftest.py``; the helpers for this folder
live in ``helpers.py``, registered as the module ``movement_helpers``. Each service is the
real app from ``create_app`` with the movements router included (once: if the app already
includes it, nothing is added).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path) -> ModuleType:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_api = _load("respite_tests_api_fixtures", HERE.parent / "api" / "conftest.py")
helpers = _load("movement_helpers", HERE / "helpers.py")

pg_database = _api.pg_database
backend = _api.backend
db_url = _api.db_url


@pytest.fixture
def service(db_url: str) -> Iterator[Any]:
    """A bootstrapped service with the movements router, on SQLite and PostgreSQL."""
    with helpers.running(db_url) as svc:
        yield svc


@pytest.fixture
def sqlite_service(tmp_path: Path) -> Iterator[Any]:
    with helpers.running(f"sqlite:///{tmp_path / 'var' / 'respite.db'}") as svc:
        yield svc


@pytest.fixture
def cast(service: Any) -> Any:
    return helpers.make_cast(service)


@pytest.fixture
def sqlite_cast(sqlite_service: Any) -> Any:
    return helpers.make_cast(sqlite_service)
