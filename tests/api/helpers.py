"""Helpers for the API tests: the running service, problem checks and pause documents.

Loaded by ``conftest.py`` under the module name ``api_helpers`` (tests/ is not a package and
pytest runs with ``--import-mode=importlib``), so test modules write ``from api_helpers import
...``.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text

from respite.accounts.tables import ApiToken, Organisation, User
from respite.api.app import create_app
from respite.api.bootstrap import ensure_ready
from respite.api.settings import Settings
from respite.audit.tables import AuditHead
from respite.pauses.tables import PauseRow
from respite.storage import make_engine
from respite.storage.db import session_factory

SCENARIO = "gaza-2023-2024"
PROBLEM_JSON = "application/problem+json"


# -- the service -------------------------------------------------------------------------------


@dataclass
class Service:
    """A running app, its database (inspected directly) and the administrator's token."""

    client: TestClient
    url: str
    engine: Engine
    admin_token: str
    admin_user_id: int
    cell_org_id: int

    @staticmethod
    def auth(token: str | None) -> dict[str, str]:
        return {} if token is None else {"Authorization": f"Bearer {token}"}

    @property
    def admin(self) -> dict[str, str]:
        return self.auth(self.admin_token)

    def audit_head(self) -> tuple[int, str]:
        with session_factory(self.engine, read_only=True)() as session:
            head = session.get(AuditHead, 1)
            return (0, "") if head is None else (head.last_seq, head.last_hash)

    def pause_version(self, pause_id: str) -> int | None:
        with session_factory(self.engine, read_only=True)() as session:
            row = session.get(PauseRow, pause_id)
            return None if row is None else row.current_version

    def count(self, model: type[Any]) -> int:
        with session_factory(self.engine, read_only=True)() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    def pause_count(self) -> int:
        return self.count(PauseRow)

    def live_tokens(self) -> int:
        with session_factory(self.engine, read_only=True)() as session:
            query = select(func.count(ApiToken.id)).where(ApiToken.revoked_at.is_(None))
            return int(session.scalar(query) or 0)

    def state(self) -> dict[str, Any]:
        """Everything a refused write must leave as it was."""
        with session_factory(self.engine, read_only=True)() as session:
            versions = dict(session.execute(select(PauseRow.id, PauseRow.current_version)).all())
        return {
            "audit_head": self.audit_head(),
            "versions": versions,
            "organisations": self.count(Organisation),
            "users": self.count(User),
            "live_tokens": self.live_tokens(),
        }

    def sql(self, statement: str, **params: Any) -> list[Any]:
        with self.engine.begin() as connection:
            return list(connection.execute(text(statement), params).all())


@contextmanager
def running(url: str, *, bootstrap: bool = True, **settings: Any) -> Iterator[Service]:
    """A service on ``url``: bootstrapped (unless already), app created, client open."""
    engine = make_engine(url)
    try:
        first = ensure_ready(engine, scenario=SCENARIO) if bootstrap else None
        settings.setdefault("cache_check_seconds", 0)
        app = create_app(Settings(database_url=url, **settings), migrate=False)
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


# -- request helpers ---------------------------------------------------------------------------


def assert_problem(
    response: httpx.Response, status: int, *, location: str | None = None
) -> dict[str, Any]:
    """An RFC 9457 problem document with ``status``; ``location`` must be among its errors."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"]
    assert body["detail"]
    if location is not None:
        locations = [e["location"] for e in body["errors"]]
        assert location in locations, body
        assert all(e["message"] for e in body["errors"])
    return body


def create_user_with_token(
    svc: Service, *, organisation_id: int, role: str, email: str, name: str | None = None
) -> tuple[int, str]:
    """A new user (created by the administrator) and a token issued to them."""
    made = svc.client.post(
        "/v1/users",
        headers=svc.admin,
        json={
            "organisation_id": organisation_id,
            "name": name or email.split("@", maxsplit=1)[0],
            "email": email,
            "role": role,
        },
    )
    assert made.status_code == 201, made.text
    user_id = made.json()["id"]
    issued = svc.client.post("/v1/tokens", headers=svc.admin, json={"user_id": user_id})
    assert issued.status_code == 201, issued.text
    return user_id, issued.json()["token"]


def create_organisation(svc: Service, slug: str, kind: str) -> int:
    made = svc.client.post(
        "/v1/organisations",
        headers=svc.admin,
        json={"slug": slug, "name": slug.replace("-", " ").title(), "kind": kind},
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (WAL included), through the backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


# -- pause documents ---------------------------------------------------------------------------

#: A pause like the scenario's polio campaign (same zone form, windows and fields), new id:
#: 14-15 October daily 06:00-15:00 local plus a one-off last day, 16 October 06:00-15:00.
POLIO_ROUND_2: dict[str, Any] = {
    "id": "polio-round-2-2024-10",
    "name": {
        "en": "Area-specific humanitarian pause for polio vaccination, round 2 (October 2024)",
        "ar": "هدنة إنسانية محددة المنطقة لحملة التطعيم ضد شلل الأطفال، الجولة الثانية",
    },
    "kind": "humanitarian_pause",
    "timezone": "Asia/Gaza",
    "announced_at": "2024-10-10T12:00:00",
    "summary": {"en": "Pauses from 06:00 to 15:00 in central Gaza for the second round."},
    "parts": [
        {
            "id": "central",
            "name": {"en": "Central Gaza (Deir al-Balah governorate)", "ar": "وسط غزة"},
            "zone": {
                "governorates": ["PS0265"],
                "approximation": "The agreed zone is approximated by the governorate.",
            },
            "windows": [
                {
                    "start_time": "06:00",
                    "end_time": "15:00",
                    "first_date": "2024-10-14",
                    "rrule": "FREQ=DAILY;COUNT=2",
                },
                {"start": "2024-10-16T06:00", "end": "2024-10-16T15:00"},
            ],
        }
    ],
    "objectives": [
        {
            "id": "central-children",
            "kind": "children_vaccinated",
            "part": "central",
            "description": {"en": "Children under 10 vaccinated in central Gaza"},
            "target": 156500,
            "unit": "children",
        }
    ],
    "parties": {"agreed_by": ["Israel", "Hamas"], "implementing": ["WHO", "UNICEF"]},
    "sources": [{"title": "WHO statement on round 2", "publisher": "WHO", "date": "2024-10-10"}],
}


def pause_document(pause_id: str | None = None, **changes: Any) -> dict[str, Any]:
    """A fresh deep copy of :data:`POLIO_ROUND_2`, with a new id and top-level changes."""
    document = copy.deepcopy(POLIO_ROUND_2)
    if pause_id is not None:
        document["id"] = pause_id
    document.update(changes)
    return document


def circle_pause(pause_id: str, *, lon: float, lat: float, day: str, published: bool) -> dict:
    """A one-part pause on a 1.5 km circle, 08:00-12:00 local on ``day``."""
    return {
        "id": pause_id,
        "name": {"en": f"Pause {pause_id}"},
        "kind": "tactical_pause",
        "published": published,
        "timezone": "Asia/Gaza",
        "parts": [
            {
                "id": "zone",
                "zone": {"circle": {"lon": lon, "lat": lat, "radius_m": 1500}},
                "windows": [{"start": f"{day}T08:00", "end": f"{day}T12:00"}],
            }
        ],
        "sources": [{"title": f"Coordination note for {pause_id}"}],
    }


def extension(until: str, **changes: Any) -> dict[str, Any]:
    """An ``extend`` amendment as a client sends it."""
    body = {
        "action": "extend",
        "effective_at": "2024-10-16T13:00:00",
        "announced_at": "2024-10-16T13:00:00",
        "until": until,
        "summary": {"en": "Extended by three hours on the last day"},
        "source": {"title": "WHO update", "publisher": "WHO"},
    }
    body.update(changes)
    return body
