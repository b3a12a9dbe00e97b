"""The app the browser tests serve: the service's own ``create_app``.

Run by uvicorn in a subprocess (``--factory webapp:create_from_env``) with ``RESPITE_DATABASE_URL``
pointing at a temporary SQLite file; the database is bootstrapped with the gaza-2023-2024
scenario (or ``RESPITE_TEST_SCENARIO``) by :func:`respite.api.bootstrap.ensure_ready`, as
``respite serve`` does.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from respite.api.app import create_app
from respite.api.bootstrap import ensure_ready
from respite.api.settings import Settings
from respite.storage import make_engine


def create_from_env() -> FastAPI:
    scenario = os.environ.get("RESPITE_TEST_SCENARIO", "gaza-2023-2024")
    return create(os.environ["RESPITE_DATABASE_URL"], scenario=scenario)


def create(url: str, *, scenario: str = "gaza-2023-2024") -> FastAPI:
    engine = make_engine(url)
    ensure_ready(engine, scenario=scenario)
    engine.dispose()
    return create_app(Settings(database_url=url, cache_check_seconds=0.5), migrate=False)
