"""The authorisation matrix: every role against every endpoint, on resources owned by one
coordination cell ("north"), with the expected answers written out as one table.

The cast (each a user of its own organisation, with its own token):

    public             no token
    admin              the administrator (of the bootstrap coordination cell, not north)
    coordinator        a coordinator of north, the owner of both pauses below
    other-coordinator  a coordinator of another coordination cell (south)
    aid-member         a member (role organisation) of an aid organisation
    north-member       a member (role organisation) of north itself: owning is not enough
    observer           a member of an observer organisation
    party-liaison      a liaison officer of a party

The resources: ``north-published`` (published) and ``north-draft`` (unpublished), both created
by north's coordinator; a bystander (a user in none of the roles above) whose token others try
to revoke and for whom others try to issue tokens.

Every refused write leaves the stored state exactly as it was (pause versions, audit head,
organisations, users, live tokens); every allowed write adds exactly one audit entry and the
change it asked for. An unpublished pause is not acknowledged to anyone who may not read it:
404, never 403. SQLite only: the policy does not depend on the backend, and the concurrency,
lifecycle and token tests run on both.
"""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import (
    Service,
    circle_pause,
    copy_sqlite,
    create_organisation,
    create_user_with_token,
    running,
)
from icalendar import Calendar

ROLES = (
    "public",
    "admin",
    "coordinator",
    "other-coordinator",
    "aid-member",
    "north-member",
    "observer",
    "party-liaison",
)
#: The role each member of the cast has (its user's ``role``).
USER_ROLE = {
    "admin": "admin",
    "coordinator": "coordinator",
    "other-coordinator": "coordinator",
    "aid-member": "organisation",
    "north-member": "organisation",
    "observer": "observer",
    "party-liaison": "party_liaison",
}

# The policy: the expected HTTP status of each request by each member of the cast. Columns are
# ROLES in order (coord = coordinator of north, other = coordinator of south, aid = aid-member,
# north = north-member, obs = observer, liaison = party-liaison).
POLICY_TABLE = """
request                                     public   admin   coord   other     aid   north     obs liaison
GET    /v1/pauses                              200     200     200     200     200     200     200     200
GET    /v1/pauses/{published}                  200     200     200     200     200     200     200     200
GET    /v1/pauses/{draft}                      404     200     200     404     404     404     200     404
GET    /v1/pauses/{published}/versions         200     200     200     200     200     200     200     200
GET    /v1/pauses/{draft}/versions             404     200     200     404     404     404     200     404
GET    /v1/pauses/{draft}/occurrences          404     200     200     404     404     404     200     404
POST   /v1/pauses                              401     201     201     201     403     403     403     403
PUT    /v1/pauses/{published}                  401     200     200     403     403     403     403     403
PUT    /v1/pauses/{draft}                      404     200     200     404     404     404     403     404
POST   /v1/pauses/{published}/amendments       401     201     201     403     403     403     403     403
POST   /v1/pauses/{draft}/amendments           404     201     201     404     404     404     403     404
POST   /v1/organisations                       401     201     403     403     403     403     403     403
POST   /v1/users                               401     201     403     403     403     403     403     403
POST   /v1/tokens(for-themselves)              401     201     201     201     201     201     201     201
POST   /v1/tokens(for-the-bystander)           401     201     403     403     403     403     403     403
DELETE /v1/tokens/{bystander's}                401     200     403     403     403     403     403     403
GET    /v1/me                                  401     200     200     200     200     200     200     200
GET    /v1/audit                               401     200     403     403     403     403     200     403
GET    /v1/audit/verify                        401     200     403     403     403     403     200     403
GET    /v1/status(published-zone)              200     200     200     200     200     200     200     200
GET    /v1/status(draft-zone)                  200     200     200     200     200     200     200     200
GET    /v1/feeds/pauses.geojson                200     200     200     200     200     200     200     200
GET    /v1/feeds/pauses.geojson?id={draft}     404     404     404     404     404     404     404     404
GET    /v1/feeds/pauses.ics                    200     200     200     200     200     200     200     200
GET    /v1/feeds/pauses.ics?id={draft}         404     404     404     404     404     404     404     404
GET    /v1/feeds/pauses.hxl.csv                200     200     200     200     200     200     200     200
GET    /v1/feeds/occurrences.hxl.csv           200     200     200     200     200     200     200     200
GET    /v1/cap                                 200     200     200     200     200     200     200     200
GET    /v1/cap?pause={draft}                   404     404     404     404     404     404     404     404
GET    /v1/collections/pauses/items            200     200     200     200     200     200     200     200
GET    /v1/collections/pauses/items/{draft}     404     404     404     404     404     404     404     404
POST   /v1/drafts                              401     200     200     200     403     403     403     403
"""

# What each member of the cast sees of the pauses (the same columns).
VISIBILITY_TABLE = """
fact                                        public   admin   coord   other     aid   north     obs liaison
pauses-listed                                    6       7       7       6       6       6       7       6
owner-and-recorded_by-shown                     no     yes     yes      no      no      no     yes      no
"""


def parse(table: str) -> dict[str, dict[str, str]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert len(header) == len(ROLES) + 1, header
    parsed = {}
    for row in rows:
        key = " ".join(row[: -len(ROLES)])
        parsed[key] = dict(zip(ROLES, row[-len(ROLES) :], strict=True))
    return parsed


POLICY = {
    key: {role: int(code) for role, code in row.items()} for key, row in parse(POLICY_TABLE).items()
}
VISIBILITY = parse(VISIBILITY_TABLE)
LISTED = {role: int(n) for role, n in VISIBILITY["pauses-listed"].items()}
SHOWN = {role: flag == "yes" for role, flag in VISIBILITY["owner-and-recorded_by-shown"].items()}

PUBLISHED = "north-published"
DRAFT = "north-draft"
NEW_PAUSE = "matrix-new-pause"
#: Zones and days of the two pauses (one-off windows 08:00-12:00 local).
PUBLISHED_ZONE = {"lon": 34.46, "lat": 31.51, "day": "2024-10-20"}  # Gaza City
DRAFT_ZONE = {"lon": 34.30, "lat": 31.345, "day": "2024-10-21"}  # Khan Younis
OCTOBER = {"from": "2024-10-01T00:00:00Z", "to": "2024-11-01T00:00:00Z"}


# -- the world ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    template: Path
    tokens: dict[str, str | None]
    users: dict[str, int]
    orgs: dict[str, int]
    bystander: int
    bystander_token: str
    bystander_token_id: int


def published_document() -> dict[str, Any]:
    return circle_pause(PUBLISHED, **PUBLISHED_ZONE, published=True)


def draft_document() -> dict[str, Any]:
    return circle_pause(DRAFT, **DRAFT_ZONE, published=False)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The cast and the two pauses, in a SQLite database copied afresh for every test."""
    template = tmp_path_factory.mktemp("matrix") / "template.db"
    with running(f"sqlite:///{template}") as svc:
        orgs = {
            "admin": svc.cell_org_id,
            "coordinator": create_organisation(svc, "cell-north", "coordination"),
            "other-coordinator": create_organisation(svc, "cell-south", "coordination"),
            "aid-member": create_organisation(svc, "food-aid", "aid"),
            "observer": create_organisation(svc, "monitors", "observer"),
            "party-liaison": create_organisation(svc, "party-office", "party"),
        }
        users = {"admin": svc.admin_user_id}
        tokens: dict[str, str | None] = {"public": None, "admin": svc.admin_token}
        orgs["north-member"] = orgs["coordinator"]
        for role in ROLES[2:]:
            users[role], tokens[role] = create_user_with_token(
                svc, organisation_id=orgs[role], role=USER_ROLE[role], email=f"{role}@example.org"
            )
        bystander, bystander_token = create_user_with_token(
            svc, organisation_id=orgs["aid-member"], role="organisation", email="by@example.org"
        )
        [(bystander_token_id,)] = svc.sql(
            "SELECT id FROM api_tokens WHERE user_id = :u", u=bystander
        )
        for document in (published_document(), draft_document()):
            made = svc.client.post(
                "/v1/pauses", headers=Service.auth(tokens["coordinator"]), json=document
            )
            assert made.status_code == 201, made.text
            assert made.json()["owner_organisation_id"] == orgs["coordinator"]
    return World(template, tokens, users, orgs, bystander, bystander_token, bystander_token_id)


@contextmanager
def copy_of(world: World, folder: Path) -> Iterator[Service]:
    database = folder / "respite.db"
    copy_sqlite(world.template, database)
    with running(f"sqlite:///{database}", bootstrap=False) as svc:
        svc.admin_token = world.tokens["admin"] or ""
        svc.admin_user_id = world.users["admin"]
        svc.cell_org_id = world.orgs["admin"]
        yield svc


@pytest.fixture
def fresh(world: World, tmp_path: Path) -> Iterator[Service]:
    """A service on a fresh copy of the world, for writes (so that none leaks into another)."""
    with copy_of(world, tmp_path) as svc:
        yield svc


@pytest.fixture(scope="module")
def shared(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One service on one copy of the world for all reads (they write nothing, and each read
    checks that the audit head did not move)."""
    with copy_of(world, tmp_path_factory.mktemp("reads")) as svc:
        yield svc


# -- the requests ------------------------------------------------------------------------------


@dataclass
class Call:
    svc: Service
    world: World
    role: str

    @property
    def headers(self) -> dict[str, str]:
        return Service.auth(self.world.tokens[self.role])

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.svc.client.get(path, headers=self.headers, params=params)

    def send(
        self, method: str, path: str, *, if_match: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(self.headers)
        if if_match is not None:
            headers["If-Match"] = if_match
        return self.svc.client.request(method, path, headers=headers, **kwargs)


def renamed(document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["name"] = {"en": "Renamed by a correction"}
    return changed


def extended(day: str) -> dict[str, Any]:
    return {
        "action": "extend",
        "effective_at": f"{day}T09:00:00",
        "until": f"{day}T14:00",
        "summary": {"en": "Extended to 14:00"},
        "source": {"title": "Coordination call"},
    }


def listed_ids(response: httpx.Response) -> list[str]:
    return [p["id"] for p in response.json()["pauses"]]


def feed_pause_ids(path: str, response: httpx.Response) -> set[str]:
    if path.endswith(".geojson") or path.endswith("/items"):
        return {f["properties"]["pause_id"] for f in response.json()["features"]}
    if path.endswith(".ics"):
        calendar = Calendar.from_ical(response.content)
        return {str(e["X-RESPITE-PAUSE-ID"]) for e in calendar.walk("VEVENT")}
    if path.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(response.text)))
        return {row[0] for row in rows[2:]}
    assert path == "/v1/cap"
    return {line.split(":")[1] for line in response.text.split("alerts/respite")[1:]}


Send = Callable[[Call], httpx.Response]
Check = Callable[[Call, httpx.Response], None]

READS: dict[str, tuple[Send, Check | None]] = {}
#: request -> (send, effect on the stored state when allowed, check of the answer)
WRITES: dict[str, tuple[Send, Callable[[dict[str, Any], Call], None], Check | None]] = {}


DRAFT_REQUEST = {
    "text": "The IDF will allow traffic on Salah al-Din Road tomorrow between 10 a.m. and 2 p.m.",
    "date": "2023-11-04",
}


def check_draft_proposal(call: Call, response: httpx.Response) -> None:
    body = response.json()
    assert body["is_announcement"] is True
    assert body["draft"]["pauses"][0]["status"] == "draft"


def check_list(call: Call, response: httpx.Response) -> None:
    ids = listed_ids(response)
    assert response.json()["count"] == len(ids) == LISTED[call.role]
    assert (DRAFT in ids) == (LISTED[call.role] == 7)
    assert PUBLISHED in ids
    item = next(p for p in response.json()["pauses"] if p["id"] == PUBLISHED)
    assert ("owner_organisation_id" in item) == SHOWN[call.role]


def check_published(call: Call, response: httpx.Response) -> None:
    body = response.json()
    assert (body["id"], body["version"]) == (PUBLISHED, 1)
    assert response.headers["etag"] == '"1"'
    assert ("owner_organisation_id" in body) == SHOWN[call.role]
    assert ("recorded_by" in body) == SHOWN[call.role]
    if SHOWN[call.role]:
        assert body["owner_organisation_id"] == call.world.orgs["coordinator"]
        assert body["recorded_by"] == call.world.users["coordinator"]


def check_draft(call: Call, response: httpx.Response) -> None:
    body = response.json()
    assert (body["id"], body["published"]) == (DRAFT, False)
    assert body["recorded_by"] == call.world.users["coordinator"]


def check_versions(call: Call, response: httpx.Response) -> None:
    [version] = response.json()["versions"]
    assert len(version["digest"]) == 64
    assert ("recorded_by" in version) == SHOWN[call.role]


def check_draft_occurrences(call: Call, response: httpx.Response) -> None:
    [window] = response.json()["occurrences"]
    assert window["start_local"] == "2024-10-21T08:00:00+03:00"


def check_me(call: Call, response: httpx.Response) -> None:
    assert response.json()["id"] == call.world.users[call.role]


def check_audit(call: Call, response: httpx.Response) -> None:
    entries = response.json()["entries"]
    assert [e["seq"] for e in entries] == list(range(1, call.svc.audit_head()[0] + 1))


def check_verify(call: Call, response: httpx.Response) -> None:
    body = response.json()
    assert (body["ok"], body["problems"]) == (True, [])
    assert body["last_seq"] == call.svc.audit_head()[0]


def status_at(zone: dict[str, Any]) -> Send:
    at = f"{zone['day']}T10:00:00+03:00"
    return lambda call: call.get("/v1/status", lat=zone["lat"], lon=zone["lon"], at=at)


def check_published_zone(call: Call, response: httpx.Response) -> None:
    answer = response.json()
    assert answer["covered"] is True
    assert [m["id"] for m in answer["pauses"]] == [PUBLISHED]


def check_draft_zone(call: Call, response: httpx.Response) -> None:
    answer = response.json()
    assert (answer["covered"], answer["pauses"]) == (False, [])
    assert answer["next_window"] is None or answer["next_window"]["pause_id"] != DRAFT


def feed(path: str, **params: Any) -> tuple[Send, Check]:
    def check(call: Call, response: httpx.Response) -> None:
        ids = feed_pause_ids(path, response)
        assert PUBLISHED in ids
        assert DRAFT not in ids
        assert DRAFT not in response.text

    return (lambda call: call.get(path, **params)), check


READS.update(
    {
        "GET /v1/pauses": (lambda c: c.get("/v1/pauses"), check_list),
        "GET /v1/pauses/{published}": (lambda c: c.get(f"/v1/pauses/{PUBLISHED}"), check_published),
        "GET /v1/pauses/{draft}": (lambda c: c.get(f"/v1/pauses/{DRAFT}"), check_draft),
        "GET /v1/pauses/{published}/versions": (lambda c: c.get(f"/v1/pauses/{PUBLISHED}/versions"), check_versions),
        "GET /v1/pauses/{draft}/versions": (lambda c: c.get(f"/v1/pauses/{DRAFT}/versions"), check_versions),
        "GET /v1/pauses/{draft}/occurrences": (lambda c: c.get(f"/v1/pauses/{DRAFT}/occurrences", **OCTOBER), check_draft_occurrences),
        "GET /v1/me": (lambda c: c.get("/v1/me"), check_me),
        "GET /v1/audit": (lambda c: c.get("/v1/audit", limit=1000), check_audit),
        # Reading an announcement stores nothing: a read for the table (audit head unchanged).
        "POST /v1/drafts": (lambda c: c.send("POST", "/v1/drafts", json=DRAFT_REQUEST), check_draft_proposal),
        "GET /v1/audit/verify": (lambda c: c.get("/v1/audit/verify"), check_verify),
        "GET /v1/status(published-zone)": (status_at(PUBLISHED_ZONE), check_published_zone),
        "GET /v1/status(draft-zone)": (status_at(DRAFT_ZONE), check_draft_zone),
        "GET /v1/feeds/pauses.geojson": feed("/v1/feeds/pauses.geojson"),
        "GET /v1/feeds/pauses.geojson?id={draft}": (lambda c: c.get("/v1/feeds/pauses.geojson", id=DRAFT), None),
        "GET /v1/feeds/pauses.ics": feed("/v1/feeds/pauses.ics"),
        "GET /v1/feeds/pauses.ics?id={draft}": (lambda c: c.get("/v1/feeds/pauses.ics", id=DRAFT), None),
        "GET /v1/feeds/pauses.hxl.csv": feed("/v1/feeds/pauses.hxl.csv"),
        "GET /v1/feeds/occurrences.hxl.csv": feed("/v1/feeds/occurrences.hxl.csv", **OCTOBER),
        "GET /v1/cap": feed("/v1/cap", **OCTOBER),
        "GET /v1/cap?pause={draft}": (lambda c: c.get("/v1/cap", pause=DRAFT, **OCTOBER), None),
        "GET /v1/collections/pauses/items": feed("/v1/collections/pauses/items", limit=1000),
        "GET /v1/collections/pauses/items/{draft}": (lambda c: c.get(f"/v1/collections/pauses/items/{DRAFT}/zone"), None),
    }
)  # fmt: skip


def caller_org(call: Call) -> int:
    return call.world.orgs[call.role]


def check_new_pause(call: Call, response: httpx.Response) -> None:
    # Owned by the caller's own organisation: no one creates for another cell.
    assert response.json()["owner_organisation_id"] == caller_org(call)
    assert response.json()["recorded_by"] == call.world.users[call.role]


def check_new_version(call: Call, response: httpx.Response) -> None:
    assert response.json()["version"] == 2
    assert response.headers["etag"] == '"2"'


def check_token_for(whom: Callable[[Call], int]) -> Check:
    def check(call: Call, response: httpx.Response) -> None:
        token = response.json()["token"]
        me = call.svc.client.get("/v1/me", headers=Service.auth(token))
        assert me.json()["id"] == whom(call)

    return check


def check_revoked(call: Call, response: httpx.Response) -> None:
    assert response.json()["revoked_at"] is not None
    me = call.svc.client.get("/v1/me", headers=Service.auth(call.world.bystander_token))
    assert me.status_code == 401


def bump(pause_id: str) -> Callable[[dict[str, Any], Call], None]:
    def effect(state: dict[str, Any], call: Call) -> None:
        state["versions"][pause_id] += 1

    return effect


def grow(key: str, by: int = 1) -> Callable[[dict[str, Any], Call], None]:
    def effect(state: dict[str, Any], call: Call) -> None:
        state[key] += by

    return effect


def add_pause(state: dict[str, Any], call: Call) -> None:
    state["versions"][NEW_PAUSE] = 1


WRITES.update(
    {
        "POST /v1/pauses": (
            lambda c: c.send("POST", "/v1/pauses", json=circle_pause(NEW_PAUSE, lon=34.46, lat=31.51, day="2024-10-22", published=True)),
            add_pause,
            check_new_pause,
        ),
        "PUT /v1/pauses/{published}": (
            lambda c: c.send("PUT", f"/v1/pauses/{PUBLISHED}", if_match='"1"', json=renamed(published_document())),
            bump(PUBLISHED),
            check_new_version,
        ),
        "PUT /v1/pauses/{draft}": (
            lambda c: c.send("PUT", f"/v1/pauses/{DRAFT}", if_match='"1"', json=renamed(draft_document())),
            bump(DRAFT),
            check_new_version,
        ),
        "POST /v1/pauses/{published}/amendments": (
            lambda c: c.send("POST", f"/v1/pauses/{PUBLISHED}/amendments", if_match='"1"', json=extended(PUBLISHED_ZONE["day"])),
            bump(PUBLISHED),
            check_new_version,
        ),
        "POST /v1/pauses/{draft}/amendments": (
            lambda c: c.send("POST", f"/v1/pauses/{DRAFT}/amendments", if_match='"1"', json=extended(DRAFT_ZONE["day"])),
            bump(DRAFT),
            check_new_version,
        ),
        "POST /v1/organisations": (
            lambda c: c.send("POST", "/v1/organisations", json={"slug": "matrix-org", "name": "Matrix", "kind": "aid"}),
            grow("organisations"),
            None,
        ),
        "POST /v1/users": (
            lambda c: c.send("POST", "/v1/users", json={"organisation_id": c.world.orgs["coordinator"], "name": "New", "email": "new@north.example.org", "role": "coordinator"}),
            grow("users"),
            None,
        ),
        "POST /v1/tokens(for-themselves)": (
            lambda c: c.send("POST", "/v1/tokens", json={}),
            grow("live_tokens"),
            check_token_for(lambda c: c.world.users[c.role]),
        ),
        "POST /v1/tokens(for-the-bystander)": (
            lambda c: c.send("POST", "/v1/tokens", json={"user_id": c.world.bystander}),
            grow("live_tokens"),
            check_token_for(lambda c: c.world.bystander),
        ),
        "DELETE /v1/tokens/{bystander's}": (
            lambda c: c.send("DELETE", f"/v1/tokens/{c.world.bystander_token_id}"),
            grow("live_tokens", -1),
            check_revoked,
        ),
    }
)  # fmt: skip


def test_the_table_covers_every_request_once() -> None:
    assert set(POLICY) == set(READS) | set(WRITES)
    assert not set(READS) & set(WRITES)


CASES = [
    pytest.param(request, role, POLICY[request][role], id=f"{request} as {role}")
    for request in POLICY
    for role in ROLES
]


@pytest.mark.parametrize(("request_", "role", "expected"), CASES)
def test_policy(
    request: pytest.FixtureRequest, world: World, request_: str, role: str, expected: int
) -> None:
    service: Service = request.getfixturevalue("fresh" if request_ in WRITES else "shared")
    call = Call(service, world, role)
    before = service.state()
    if request_ in READS:
        send, check = READS[request_]
        response = send(call)
        assert response.status_code == expected, response.text
        assert service.state()["audit_head"] == before["audit_head"]
    else:
        send, effect, check = WRITES[request_]
        response = send(call)
        assert response.status_code == expected, response.text
        after = service.state()
        if expected >= 400:
            assert after == before  # a refused write changes nothing
        else:
            assert after["audit_head"][0] == before["audit_head"][0] + 1  # one entry per write
            expected_state = copy.deepcopy(before)
            effect(expected_state, call)
            expected_state["audit_head"] = after["audit_head"]
            assert after == expected_state
    if expected >= 400:
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert problem["status"] == expected
        if expected == 401:
            assert response.headers["www-authenticate"] == "Bearer"
        if expected == 404:
            # Not acknowledged: the answer is the same as for a pause that never existed.
            assert DRAFT not in problem["title"]
            assert "unpublished" not in problem["detail"]
            assert "permission" not in problem["detail"]
    elif check is not None:
        check(call, response)


def test_an_unpublished_pause_of_another_organisation_looks_like_no_pause(
    shared: Service, world: World
) -> None:
    service = shared
    """The 404 for a pause one may not see is the same answer as for one that does not exist."""
    headers = Service.auth(world.tokens["other-coordinator"])
    hidden = service.client.get(f"/v1/pauses/{DRAFT}", headers=headers).json()
    missing = service.client.get("/v1/pauses/no-such-pause", headers=headers).json()
    assert hidden["detail"].replace(DRAFT, "X") == missing["detail"].replace("no-such-pause", "X")
    assert {k: v for k, v in hidden.items() if k not in ("detail", "instance")} == {
        k: v for k, v in missing.items() if k not in ("detail", "instance")
    }


def test_publishing_a_draft_puts_it_in_the_feeds(fresh: Service, world: World) -> None:
    service = fresh
    """The control for the feed rows above: the draft is left out because it is a draft."""
    headers = {**Service.auth(world.tokens["coordinator"]), "If-Match": '"1"'}
    published = {**draft_document(), "published": True}
    response = service.client.put(f"/v1/pauses/{DRAFT}", headers=headers, json=published)
    assert response.status_code == 200, response.text
    call = Call(service, world, "public")
    for path, params in (
        ("/v1/feeds/pauses.geojson", {}),
        ("/v1/feeds/pauses.ics", {}),
        ("/v1/feeds/pauses.hxl.csv", {}),
        ("/v1/cap", OCTOBER),
        ("/v1/collections/pauses/items", {"limit": 1000}),
    ):
        assert DRAFT in feed_pause_ids(path, call.get(path, **params)), path
    assert service.client.get(f"/v1/pauses/{DRAFT}").status_code == 200
    status = status_at(DRAFT_ZONE)(call).json()
    assert [m["id"] for m in status["pauses"]] == [DRAFT]


def test_a_revoked_coordinator_can_no_longer_write(fresh: Service, world: World) -> None:
    service = fresh
    """Revocation over HTTP takes effect on the next request."""
    token = world.tokens["coordinator"]
    [(token_id,)] = service.sql(
        "SELECT id FROM api_tokens WHERE user_id = :u", u=world.users["coordinator"]
    )
    assert service.client.delete(f"/v1/tokens/{token_id}", headers=service.admin).status_code == 200
    before = service.state()
    response = service.client.post(
        f"/v1/pauses/{PUBLISHED}/amendments",
        headers={**Service.auth(token), "If-Match": '"1"'},
        json=extended(PUBLISHED_ZONE["day"]),
    )
    assert response.status_code == 401
    assert service.state() == before
