"""The incident endpoints' role x action matrix, written out as one table, as tests/api does
for pauses: every role against every request, on incidents reported by one aid organisation.

The cast (each a user of its own organisation, with its own token): ``public`` (no token),
``admin``, ``coord`` (a coordinator of the coordination cell), ``aid`` (a member of the
reporting aid organisation), ``other`` (a member of another aid organisation), ``obs`` (an
observer), ``liaison`` (a party's liaison officer). The incidents, all reported by ``aid``:
``{org}`` (organisation only, submitted), ``{sub}`` (public, still submitted) and ``{pub}``
(public, verified).

An incident a caller may not see is answered 404, never 403. Every refused request leaves the
store as it was (audit head, incidents, versions); every allowed write adds exactly one audit
entry. SQLite only: the policy does not depend on the backend (the behaviour tests run on both).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import Service, copy_sqlite, create_organisation, create_user_with_token, running
from incident_helpers import report_document

from respite.incidents.tables import IncidentRow, IncidentVersionRow

ROLES = ("public", "admin", "coord", "aid", "other", "obs", "liaison")
POLICY_TABLE = """
request                                 public  admin  coord    aid  other    obs liaison
POST   /v1/incidents                       401    201    201    201    201    403    403
GET    /v1/incidents                       200    200    200    200    200    200    200
GET    /v1/incidents/{org}                 404    200    200    200    404    200    404
GET    /v1/incidents/{sub}                 404    200    200    200    404    200    404
GET    /v1/incidents/{pub}                 200    200    200    200    200    200    200
GET    /v1/incidents/{org}/versions        404    200    200    200    404    200    404
GET    /v1/incidents/{pub}/versions        404    200    200    200    404    200    404
PATCH  /v1/incidents/{org}                 404    200    403    200    404    403    404
PATCH  /v1/incidents/{pub}                 401    200    403    200    403    403    403
POST   /v1/incidents/{sub}/review          404    200    200    403    404    403    404
POST   /v1/incidents/{pub}/review          401    200    200    403    403    403    403
GET    /v1/pauses/{polio}/compliance       200    200    200    200    200    200    200
"""
#: How many incidents each lists (the same columns).
LISTED = dict(zip(ROLES, (1, 3, 3, 3, 1, 3, 1), strict=True))


def parse(table: str) -> dict[str, dict[str, int]]:
    lines = [line.split() for line in table.strip().splitlines()]
    assert lines[0][-len(ROLES) :] == list(ROLES)
    return {
        " ".join(row[: -len(ROLES)]): dict(zip(ROLES, map(int, row[-len(ROLES) :]), strict=True))
        for row in lines[1:]
    }


POLICY = parse(POLICY_TABLE)
#: The writes' bodies and If-Match (the incident's current version in the world).
WRITES: dict[str, tuple[dict[str, Any], str | None]] = {
    "POST /v1/incidents": (report_document(reference="NEW-1"), None),
    "PATCH /v1/incidents/{org}": ({"fatalities": 4}, '"1"'),
    "PATCH /v1/incidents/{pub}": ({"fatalities": 4}, '"2"'),
    "POST /v1/incidents/{sub}/review": ({"state": "verified"}, '"1"'),
    "POST /v1/incidents/{pub}/review": ({"state": "submitted", "note": "re-check"}, '"2"'),
}


@dataclass(frozen=True)
class World:
    template: Path
    tokens: dict[str, str | None]
    ids: dict[str, str]


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    template = tmp_path_factory.mktemp("incident-matrix") / "template.db"
    with running(f"sqlite:///{template}") as svc:
        orgs = {
            "coord": svc.cell_org_id,
            "aid": create_organisation(svc, "food-aid", "aid"),
            "other": create_organisation(svc, "water-aid", "aid"),
            "obs": create_organisation(svc, "monitors", "observer"),
            "liaison": create_organisation(svc, "party-office", "party"),
        }
        role = {
            "coord": "coordinator",
            "aid": "organisation",
            "other": "organisation",
            "obs": "observer",
            "liaison": "party_liaison",
        }
        tokens: dict[str, str | None] = {"public": None, "admin": svc.admin_token}
        for who, org in orgs.items():
            _, tokens[who] = create_user_with_token(
                svc, organisation_id=org, role=role[who], email=f"{who}@example.org"
            )
        aid = Service.auth(tokens["aid"])
        ids = {}
        for name, visibility in (("org", "organisation"), ("sub", "public"), ("pub", "public")):
            body = report_document(reference=name, visibility=visibility)
            made = svc.client.post("/v1/incidents", headers=aid, json=body)
            assert made.status_code == 201, made.text
            ids[name] = made.json()["id"]
        verified = svc.client.post(
            f"/v1/incidents/{ids['pub']}/review",
            headers=svc.admin | {"If-Match": '"1"'},
            json={"state": "verified"},
        )
        assert verified.status_code == 200, verified.text
    ids["polio"] = "polio-round-1-2024-09"
    return World(template, tokens, ids)


@contextmanager
def copy_of(world: World, folder: Path) -> Iterator[Service]:
    database = folder / "respite.db"
    copy_sqlite(world.template, database)
    with running(f"sqlite:///{database}", bootstrap=False) as svc:
        yield svc


@pytest.fixture(scope="module")
def shared(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with copy_of(world, tmp_path_factory.mktemp("incident-reads")) as svc:
        yield svc


def stored(svc: Service) -> tuple[Any, ...]:
    return (svc.audit_head(), svc.count(IncidentRow), svc.count(IncidentVersionRow))


def send(svc: Service, world: World, role: str, request: str) -> httpx.Response:
    method, path = request.split()
    headers = Service.auth(world.tokens[role])
    body, if_match = WRITES.get(request, (None, None))
    if if_match is not None:
        headers["If-Match"] = if_match
    return svc.client.request(method, path.format(**world.ids), headers=headers, json=body)


CASES = [(request, role) for request in POLICY for role in ROLES]


@pytest.mark.usefixtures("join_engine")
@pytest.mark.parametrize(
    ("request_line", "role"),
    [case for case in CASES if case[0].startswith("GET")],
)
def test_reads(shared: Service, world: World, request_line: str, role: str) -> None:
    before = stored(shared)
    response = send(shared, world, role, request_line)
    assert response.status_code == POLICY[request_line][role], response.text
    assert stored(shared) == before
    if request_line == "GET /v1/incidents":
        assert response.json()["total"] == LISTED[role]


@pytest.mark.parametrize(
    ("request_line", "role"),
    [case for case in CASES if not case[0].startswith("GET")],
)
def test_writes(world: World, tmp_path: Path, request_line: str, role: str) -> None:
    with copy_of(world, tmp_path) as svc:
        (seq, _), incidents, versions = before = stored(svc)
        response = send(svc, world, role, request_line)
        expected = POLICY[request_line][role]
        assert response.status_code == expected, response.text
        if expected >= 400:
            assert stored(svc) == before
            return
        (new_seq, _), new_incidents, new_versions = stored(svc)
        assert new_seq == seq + 1
        assert new_versions == versions + 1
        assert new_incidents == incidents + (
            request_line.startswith("POST /v1/incidents") and "review" not in request_line
        )
