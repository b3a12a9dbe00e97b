"""The authorisation matrix of the notification endpoints: every member of the cast against
every endpoint, the expected answers written out as one table.

The cast (each a user of its own organisation, with its own token):

    public     no token
    admin      the administrator (of the bootstrap coordination cell)
    coord      a coordinator of the coordination cell (reads all, records outcomes)
    owner      a member (role organisation) of the aid organisation that notified
    other      a member of another aid organisation
    liaison    a liaison officer of the party the notifications were sent to
    oliaison   a liaison officer of a party they were not sent to
    obs        an observer

The resources, owned by ``owner``'s organisation and notified to ``liaison``'s party only: a
movement (the Salah al-Din convoy) and a static site. Whatever may not be seen is answered as
if it did not exist (404); a refused write leaves the stored state as it was, and an allowed
one adds exactly one audit entry (none for a dry run or a plan). SQLite only: the policy does
not depend on the backend (the walkthrough runs on both).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import Service, copy_sqlite
from movement_helpers import Cast, convoy, make_cast, running, site

from respite.movements.tables import (
    AcknowledgementRow,
    MovementRow,
    MovementVersionRow,
    NotificationRow,
    OutcomeRow,
)
from respite.sites.tables import SiteRow, SiteVersionRow

ROLES = ("public", "admin", "coord", "owner", "other", "liaison", "oliaison", "obs")
WHO = {
    "public": "public",
    "admin": "admin",
    "coord": "coordinator",
    "owner": "aid",
    "other": "other-aid",
    "liaison": "liaison",
    "oliaison": "other-liaison",
    "obs": "observer",
}

POLICY_TABLE = """
request                                      public admin coord owner other liaison oliaison  obs
GET    /v1/movements                            401   200   200   200   200     200      200  200
POST   /v1/movements/plan                       401   200   200   200   200     403      403  403
POST   /v1/movements                            401   201   201   201   201     403      403  403
POST   /v1/movements/import?dry_run=true        401   200   200   200   200     403      403  403
GET    /v1/movements/unacknowledged             401   200   200   200   200     200      200  200
GET    /v1/movements/released                   200   200   200   200   200     200      200  200
GET    /v1/movements/{m}                        404   200   200   200   404     200      404  200
GET    /v1/movements/{r}                        200   200   200   200   200     200      200  200
GET    /v1/movements/{r}/versions               404   200   200   200   404     200      404  200
PUT    /v1/movements/{m}                        404   200   403   200   404     403      404  403
POST   /v1/movements/{m}/withdrawal             404   201   403   201   404     403      404  403
GET    /v1/movements/{m}/versions               404   200   200   200   404     200      404  200
GET    /v1/movements/{m}/versions/1             404   200   200   200   404     200      404  200
POST   /v1/movements/{m}/acknowledgements       404   403   403   403   404     201      404  403
GET    /v1/movements/{m}/acknowledgements       404   200   200   200   404     200      404  200
POST   /v1/movements/{m}/outcomes               404   201   201   403   404     403      404  403
GET    /v1/movements/{m}/outcomes               404   200   200   200   404     200      404  200
POST   /v1/sites                                401   201   201   201   201     403      403  403
GET    /v1/sites                                401   200   200   200   200     200      200  200
GET    /v1/sites/{s}                            404   200   200   200   404     200      404  200
PUT    /v1/sites/{s}                            404   200   403   200   404     403      404  403
POST   /v1/sites/{s}/withdrawal                 404   201   403   201   404     403      404  403
GET    /v1/sites/{s}/versions                   404   200   200   200   404     404      404  200
POST   /v1/sites/{s}/acknowledgements           404   403   403   403   404     201      404  403
GET    /v1/sites/{s}/acknowledgements           404   200   200   200   404     200      404  200
GET    /v1/access/snapshot                      401   200   200   403   403     403      403  200
GET    /v1/access/snapshot.hxl.csv              401   200   200   403   403     403      403  200
GET    /v1/access/snapshot.html                 401   200   200   403   403     403      403  200
GET    /v1/access/progress/{pause}              401   200   200   403   403     403      403  200
"""

VISIBILITY_TABLE = """
fact                                         public admin coord owner other liaison oliaison  obs
movements-listed                                  -     2     2     2     0       2        0    2
sites-listed                                      -     1     1     1     0       1        0    1
released-contacts-shown                          no   yes   yes   yes    no     yes       no  yes
"""


def parse(table: str) -> dict[str, dict[str, str]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[-len(ROLES) :] == list(ROLES), header
    return {
        " ".join(row[: -len(ROLES)]): dict(zip(ROLES, row[-len(ROLES) :], strict=True))
        for row in rows
    }


POLICY = {key: {r: int(c) for r, c in row.items()} for key, row in parse(POLICY_TABLE).items()}
VISIBILITY = parse(VISIBILITY_TABLE)
MOVEMENT_TABLES = (
    MovementRow,
    MovementVersionRow,
    NotificationRow,
    AcknowledgementRow,
    OutcomeRow,
    SiteRow,
    SiteVersionRow,
)
CSV = (
    "reference,name,objective,road,direction,departure_earliest,departure_latest,"
    "travel_minutes,contact_name,contact_phone,timezone\n"
    "CSV-1,Aid convoy,aid_in,salah-al-din,south,2023-11-07T13:00,2023-11-07T13:30,90,Lead,+970 59 1,Asia/Gaza\n"
)
OUTCOME = {"category": "facilitated", "delivered": {"people": 40}}
WEEK = {"from": "2023-11-05", "to": "2023-11-11"}


@dataclass(frozen=True)
class World:
    template: Path
    cast: Cast
    movement: str
    site: str
    released: str


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    template = tmp_path_factory.mktemp("movements-matrix") / "template.db"
    with running(f"sqlite:///{template}") as svc:
        cast = make_cast(svc)
        party = [cast.orgs["liaison"]]
        made = cast.post("aid", "/v1/movements", json=convoy(notify=party))
        assert made.status_code == 201, made.text
        registered = cast.post("aid", "/v1/sites", json=site(notify=party))
        assert registered.status_code == 201, registered.text
        later = convoy(reference="MED-0711-01", notify=party, public_release="after_completion")
        shown = cast.post("aid", "/v1/movements", json=later)
        assert shown.status_code == 201, shown.text
        ended = cast.post(
            "coordinator", f"/v1/movements/{shown.json()['id']}/outcomes", json=OUTCOME
        )
        assert ended.status_code == 201, ended.text
        return World(template, cast, made.json()["id"], registered.json()["id"], shown.json()["id"])


@contextmanager
def copy_of(world: World, folder: Path) -> Iterator[Cast]:
    database = folder / "respite.db"
    copy_sqlite(world.template, database)
    with running(f"sqlite:///{database}", bootstrap=False) as svc:
        yield Cast(svc=svc, tokens=world.cast.tokens, users=world.cast.users, orgs=world.cast.orgs)


@pytest.fixture(scope="module")
def shared(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cast]:
    with copy_of(world, tmp_path_factory.mktemp("reads")) as cast:
        yield cast


@pytest.fixture
def fresh(world: World, tmp_path: Path) -> Iterator[Cast]:
    with copy_of(world, tmp_path) as cast:
        yield cast


def counts(svc: Service) -> dict[str, Any]:
    return {"audit": svc.audit_head()} | {m.__tablename__: svc.count(m) for m in MOVEMENT_TABLES}


#: The body each write sends (by request line), and which writes carry If-Match: "1".
BODIES: dict[str, str] = {
    "POST /v1/movements/plan": "movement",
    "POST /v1/movements": "movement",
    "PUT /v1/movements/{m}": "movement",
    "POST /v1/movements/{m}/withdrawal": "withdrawal",
    "POST /v1/movements/{m}/outcomes": "outcome",
    "POST /v1/sites": "site",
    "PUT /v1/sites/{s}": "site",
    "POST /v1/sites/{s}/withdrawal": "withdrawal",
}
VERSIONED = {r for r in BODIES if r.startswith("PUT") or r.endswith("/withdrawal")}


def send(cast: Cast, role: str, request: str, world: World) -> httpx.Response:
    method, template = request.split(maxsplit=1)
    path = template.format(
        m=world.movement, s=world.site, r=world.released, pause="truce-2023-11-24"
    )
    headers = cast.headers(WHO[role])
    if method == "GET":
        params = WEEK if "/access/" in path else {}
        return cast.svc.client.get(path, headers=headers, params=params)
    if path.endswith("/import?dry_run=true"):
        return cast.svc.client.post(
            path, headers=headers | {"Content-Type": "text/csv"}, content=CSV
        )
    bodies: dict[str, Any] = {
        "movement": convoy(reference=None, notify=[cast.orgs["liaison"]]),
        "site": site(reference=None, notify=[cast.orgs["liaison"]]),
        "withdrawal": {"reason": "Postponed by the organisation"},
        "outcome": OUTCOME,
    }
    body = bodies[BODIES[request]] if request in BODIES else {}
    if request in VERSIONED:
        headers |= {"If-Match": '"1"'}
    return cast.svc.client.request(method, path, headers=headers, json=body)


READS = [(r, role) for r in POLICY if r.startswith("GET") for role in ROLES]
WRITES = [(r, role) for r in POLICY if not r.startswith("GET") for role in ROLES]


@pytest.mark.parametrize(("request_line", "role"), READS)
def test_reads(shared: Cast, world: World, request_line: str, role: str) -> None:
    before = shared.svc.audit_head()
    answer = send(shared, role, request_line, world)
    assert answer.status_code == POLICY[request_line][role], answer.text
    assert shared.svc.audit_head() == before
    if answer.status_code >= 400:
        assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("request_line", "role"), WRITES)
def test_writes(fresh: Cast, world: World, request_line: str, role: str) -> None:
    before = counts(fresh.svc)
    answer = send(fresh, role, request_line, world)
    expected = POLICY[request_line][role]
    assert answer.status_code == expected, answer.text
    after = counts(fresh.svc)
    if expected >= 400 or request_line.endswith(("/plan", "dry_run=true")):
        assert after == before
        return
    assert after["audit"][0] == before["audit"][0] + 1


@pytest.mark.parametrize("role", ROLES)
def test_what_each_sees(shared: Cast, world: World, role: str) -> None:
    who = WHO[role]
    if role != "public":
        movements = shared.get(who, "/v1/movements").json()
        assert str(movements["count"]) == VISIBILITY["movements-listed"][role]
        sites = shared.get(who, "/v1/sites").json()
        assert str(sites["count"]) == VISIBILITY["sites-listed"][role]
    released = shared.get(who, f"/v1/movements/{world.released}").json()
    shown = VISIBILITY["released-contacts-shown"][role] == "yes"
    assert ("document" in released) is shown
    assert released["outcome"]["category"] == "facilitated"
    assert "not a request for permission" in released["notice"]["en"]
    if not shown:  # the public view: no contacts, plates, notes or owner
        assert not {"document", "plan", "owner_organisation_id", "acknowledgements"} & set(released)
        assert released["route"] == "Salah al-Din Road, southbound (طريق صلاح الدين)"
        assert (released["people"], released["trucks"]) == (40, 4)
    listed = shared.get(who, "/v1/movements/released").json()["movements"]
    assert [m["id"] for m in listed] == [world.released]
    assert "document" not in listed[0]
