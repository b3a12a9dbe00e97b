"""The audit tests run on the storage tests' database fixtures (same backend matrix)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_NAME = "respite_tests_storage_fixtures"
_PATH = Path(__file__).resolve().parents[1] / "storage" / "conftest.py"


def _load() -> object:
    # tests/ is not a package (pytest runs with --import-mode=importlib), so the storage
    # conftest is loaded by path rather than imported.
    if _NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(_NAME, _PATH)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[_NAME]


_fixtures = _load()
pg_database = _fixtures.pg_database  # type: ignore[attr-defined]
backend = _fixtures.backend  # type: ignore[attr-defined]
db_url = _fixtures.db_url  # type: ignore[attr-defined]
bare_engine = _fixtures.bare_engine  # type: ignore[attr-defined]
db_engine = _fixtures.db_engine  # type: ignore[attr-defined]
sessions = _fixtures.sessions  # type: ignore[attr-defined]
accounts = _fixtures.accounts  # type: ignore[attr-defined]
truce = _fixtures.truce  # type: ignore[attr-defined]
truce_announced = _fixtures.truce_announced  # type: ignore[attr-defined]
now = _fixtures.now  # type: ignore[attr-defined]
