"""Helpers for the notification tests: the service with the movements router, the cast of
users, and documents. Loaded by ``conftest.py`` as the module ``movement_helpers``."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from api_helpers import (
    SCENARIO,
    Service,
    create_organisation,
    create_user_with_token,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient

from respite.api.app import create_app
from respite.api.bootstrap import ensure_ready
from respite.api.settings import Settings
from respite.movements.views import router
from respite.storage import make_engine


def serves_movements(app: FastAPI) -> bool:
    """Whether the app already includes the movements router: as an included router (FastAPI
    keeps included routers as such) or as flattened routes (older FastAPI)."""
    stack: list[Any] = list(app.router.routes)
    while stack:
        route = stack.pop()
        if getattr(route, "path", None) == "/v1/movements":
            return True
        original = getattr(route, "original_router", None)
        if original is router:
            return True
        if original is not None:
            stack.extend(original.routes)
    return False


def include_movements(app: FastAPI) -> None:
    """Add the movements router unless the app already serves it (never twice)."""
    if not serves_movements(app):
        app.include_router(router)
    assert serves_movements(app)


@contextmanager
def running(url: str, *, bootstrap: bool = True) -> Iterator[Service]:
    engine = make_engine(url)
    try:
        first = ensure_ready(engine, scenario=SCENARIO) if bootstrap else None
        app = create_app(Settings(database_url=url, cache_check_seconds=0), migrate=False)
        include_movements(app)
        try:
            with TestClient(app) as client:
                yield Service(
                    client=client,
                    url=url,
                    engine=engine,
                    admin_token=first.admin_token if first else "",
                    admin_user_id=first.admin_user_id if first else 0,
                    cell_org_id=first.organisation_id if first else 0,
                )
        finally:
            app.state.db.dispose()
    finally:
        engine.dispose()


@dataclass
class Cast:
    """Who is who: each a user with a token, in its own organisation."""

    svc: Service
    tokens: dict[str, str | None]
    users: dict[str, int]
    orgs: dict[str, int]

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return Service.auth(self.tokens[who]) | extra

    def get(self, who: str, path: str, **params: Any) -> Any:
        return self.svc.client.get(path, headers=self.headers(who), params=params)

    def post(self, who: str, path: str, *, if_match: str | None = None, **kwargs: Any) -> Any:
        extra = {} if if_match is None else {"If-Match": if_match}
        return self.svc.client.post(path, headers=self.headers(who, **extra), **kwargs)

    def put(self, who: str, path: str, *, if_match: str | None = None, **kwargs: Any) -> Any:
        extra = {} if if_match is None else {"If-Match": if_match}
        return self.svc.client.put(path, headers=self.headers(who, **extra), **kwargs)


#: role in the cast -> (organisation slug, organisation kind, user role)
CAST = {
    "coordinator": (None, "coordination", "coordinator"),
    "aid": ("gaza-relief", "aid", "organisation"),
    "other-aid": ("other-relief", "aid", "organisation"),
    "liaison": ("party-office", "party", "party_liaison"),
    "other-liaison": ("second-party", "party", "party_liaison"),
    "observer": ("monitors", "observer", "observer"),
}


def make_cast(svc: Service) -> Cast:
    orgs: dict[str, int] = {"admin": svc.cell_org_id}
    tokens: dict[str, str | None] = {"public": None, "admin": svc.admin_token}
    users = {"admin": svc.admin_user_id}
    for who, (slug, kind, role) in CAST.items():
        orgs[who] = svc.cell_org_id if slug is None else create_organisation(svc, slug, kind)
        users[who], tokens[who] = create_user_with_token(
            svc, organisation_id=orgs[who], role=role, email=f"{who}@example.org"
        )
    return Cast(svc, tokens, users, orgs)


#: A patient transfer convoy southbound along the Salah al-Din road on 5 November 2023, two
#: hours on the road, planned to leave at 09:00 local (UTC+02:00); the corridor that day was
#: open 10:00-14:00 (scenario gaza-2023-2024, pause salah-al-din-corridor-2023-11).
CONVOY: dict[str, Any] = {
    "reference": "MED-0511-01",
    "name": "Patient transfer convoy, Gaza City to Deir al-Balah",
    "objective": "medical",
    "route": {"road": "salah-al-din", "direction": "south"},
    "departure": {"earliest": "2023-11-05T09:00", "latest": "2023-11-05T09:30"},
    "travel_minutes": 120,
    "timezone": "Asia/Gaza",
    "vehicles": [{"kind": "ambulance", "count": 6}, {"kind": "truck", "count": 4}],
    "people": 40,
    "contacts": [{"name": "Convoy lead", "phone": "+970 59 000 0000"}],
}


def convoy(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(CONVOY)
    document.update(changes)
    return document


SITE: dict[str, Any] = {
    "reference": "WH-DEIR-1",
    "name": "Deir al-Balah warehouse",
    "kind": "warehouse",
    "location": {"lon": 34.3510, "lat": 31.4171},
    "contacts": [{"name": "Warehouse manager", "phone": "+970 59 111 1111"}],
    "valid_from": "2023-11-01T00:00:00+02:00",
    "valid_until": "2024-01-31T23:59:00+02:00",
}


def site(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(SITE)
    document.update(changes)
    return document
