"""Bad requests: an RFC 9457 problem document naming the field, and nothing stored.

Every case runs against one service per backend and checks the whole stored state (pause
versions, audit head, organisations, users, live tokens) before and after: a refused request
changes nothing. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from api_helpers import PROBLEM_JSON, Service, assert_problem, pause_document, running

POLIO = "polio-round-1-2024-09"  # the scenario's polio campaign, version 1
AT_V1 = {"If-Match": '"1"'}

Request = Callable[[Service], httpx.Response]


def create(document: dict[str, Any]) -> Request:
    return lambda svc: svc.client.post("/v1/pauses", headers=svc.admin, json=document)


def with_zone(zone: dict[str, Any]) -> dict[str, Any]:
    document = pause_document("bad-input-pause")
    document["parts"][0]["zone"] = zone
    return document


def with_window(**window: Any) -> dict[str, Any]:
    document = pause_document("bad-input-pause")
    document["parts"][0]["windows"] = [window]
    return document


def polygon(ring: list[list[float]]) -> dict[str, Any]:
    return {"geometry": {"type": "Polygon", "coordinates": [ring]}}


def circle_ring(vertices: int) -> list[list[float]]:
    """A closed ring of ``vertices`` distinct positions around central Gaza."""
    ring = [
        [
            34.35 + 0.02 * math.cos(2 * math.pi * i / vertices),
            31.42 + 0.02 * math.sin(2 * math.pi * i / vertices),
        ]
        for i in range(vertices)
    ]
    return [*ring, ring[0]]


def amend(body: dict[str, Any], headers: dict[str, str] | None = None) -> Request:
    return lambda svc: svc.client.post(
        f"/v1/pauses/{POLIO}/amendments",
        headers={**svc.admin, **(AT_V1 if headers is None else headers)},
        json=body,
    )


def get(path: str, **params: Any) -> Request:
    return lambda svc: svc.client.get(path, params=params, headers=svc.admin)


EXTEND_EARLIER = {
    "action": "extend",
    "effective_at": "2024-09-02T08:00:00",
    "until": "2024-09-03T10:00",  # the campaign already runs to 12 September
    "summary": {"en": "Extended"},
    "source": {"title": "WHO"},
}
UNCLOSED = [[34.30, 31.40], [34.40, 31.40], [34.40, 31.50], [34.30, 31.50]]
BOW_TIE = [[34.30, 31.40], [34.40, 31.50], [34.40, 31.40], [34.30, 31.50], [34.30, 31.40]]
LAT_LON = [[31.40, 34.30], [31.40, 34.40], [31.50, 34.40], [31.40, 34.30]]

CASES = [
    # (id, request, status, a location the problem must name)
    ("unclosed ring", create(with_zone(polygon(UNCLOSED))), 422, "parts[0].zone.geometry.coordinates[0]"),
    ("self-intersecting ring", create(with_zone(polygon(BOW_TIE))), 422, "parts[0].zone.geometry.coordinates[0]"),
    ("lat/lon swapped", create(with_zone(polygon(LAT_LON))), 422, "parts[0].zone.geometry.coordinates[0][0]"),
    ("over 5000 vertices", create(with_zone(polygon(circle_ring(5001)))), 422, "parts[0].zone.geometry.coordinates"),
    ("unknown governorate", create(with_zone({"governorates": ["PS9999"]})), 422, "parts[0].zone.governorates"),
    ("unknown field", create(pause_document("bad-input-pause", colour="red")), 422, "colour"),
    ("missing sources", create({k: v for k, v in pause_document("bad-input-pause").items() if k != "sources"}), 422, "sources"),
    ("bad rrule FREQ", create(with_window(start_time="06:00", end_time="15:00", first_date="2024-10-14", rrule="FREQ=HOURLY;COUNT=3")), 422, "parts[0].windows[0].rrule.freq"),
    ("bad rrule COUNT", create(with_window(start_time="06:00", end_time="15:00", first_date="2024-10-14", rrule="FREQ=DAILY;COUNT=many")), 422, "parts[0].windows[0].rrule.count"),
    ("body not an object", lambda svc: svc.client.post("/v1/pauses", headers=svc.admin, json=[1, 2]), 422, "body"),
    ("body not JSON", lambda svc: svc.client.post("/v1/pauses", headers={**svc.admin, "content-type": "application/json"}, content=b"{id: 1"), 422, "body"),
    ("pause id taken", create(pause_document(POLIO)), 409, None),
    ("edit of another id", lambda svc: svc.client.put(f"/v1/pauses/{POLIO}", headers={**svc.admin, **AT_V1}, json=pause_document("other-id")), 422, "id"),
    ("extend to an earlier time", amend(EXTEND_EARLIER), 422, "until"),
    ("amend an unknown part", amend({**EXTEND_EARLIER, "until": "2024-09-20T15:00", "parts": ["west"]}), 422, "parts"),
    ("amend before the version", amend({**EXTEND_EARLIER, "until": "2024-09-20T15:00", "effective_at": "2023-01-01T00:00"}), 422, "effective_at"),
    ("amendment unknown field", amend({**EXTEND_EARLIER, "colour": "red"}), 422, "colour"),
    ("amendment bad action", amend({**EXTEND_EARLIER, "action": "prolong"}), 422, "action"),
    ("status naive at", get("/v1/status", lat=31.42, lon=34.35, at="2024-09-02T10:00"), 422, "at"),
    ("status at year 2200", get("/v1/status", lat=31.42, lon=34.35, at="2200-01-01T00:00Z"), 422, "at"),
    ("status lat out of range", get("/v1/status", lat=91, lon=34.35), 422, "lat"),
    ("status lon out of range", get("/v1/status", lat=31.42, lon=-181), 422, "lon"),
    ("status lat missing", get("/v1/status", lon=34.35), 422, "lat"),
    ("list bbox three numbers", get("/v1/pauses", bbox="34,31,35"), 422, "bbox"),
    ("list bbox not numbers", get("/v1/pauses", bbox="34,31,east,32"), 422, "bbox"),
    ("list bbox min over max", get("/v1/pauses", bbox="35,31,34,32"), 422, "bbox"),
    ("list from without offset", get("/v1/pauses", **{"from": "2024-09-01T00:00", "to": "2024-09-02T00:00Z"}), 422, "from"),
    ("ogc bbox latitudes", get("/v1/collections/pauses/items", bbox="34,-95,35,32"), 422, "bbox"),
    ("ogc datetime not RFC 3339", get("/v1/collections/pauses/items", datetime="yesterday"), 422, "datetime"),
    ("occurrences backwards", get(f"/v1/pauses/{POLIO}/occurrences", **{"from": "2024-10-01T00:00Z", "to": "2024-09-01T00:00Z"}), 422, "to"),
    ("hxl span over 400 days", get("/v1/feeds/occurrences.hxl.csv", **{"from": "2020-01-01T00:00Z", "to": "2024-01-01T00:00Z"}), 422, "to"),
    ("user of no organisation", lambda svc: svc.client.post("/v1/users", headers=svc.admin, json={"organisation_id": 999, "name": "X", "email": "x@example.org", "role": "observer"}), 422, "organisation_id"),
    ("user bad email and role", lambda svc: svc.client.post("/v1/users", headers=svc.admin, json={"organisation_id": 1, "name": "X", "email": "x.example.org", "role": "chief"}), 422, "role"),
    ("token for no user", lambda svc: svc.client.post("/v1/tokens", headers=svc.admin, json={"user_id": 999}), 422, "user_id"),
    ("token ttl zero", lambda svc: svc.client.post("/v1/tokens", headers=svc.admin, json={"ttl_days": 0}), 422, "ttl_days"),
    ("organisation bad slug", lambda svc: svc.client.post("/v1/organisations", headers=svc.admin, json={"slug": "Not A Slug", "name": "X", "kind": "aid"}), 422, "slug"),
    ("corridor direction sideways", create(with_zone({"corridor": {"road": "salah-al-din", "width_m": 500, "direction": "sideways"}})), 422, "parts[0].zone.corridor.direction"),
    ("empty windows", create({**pause_document("bad-input-pause"), "parts": [{**pause_document()["parts"][0], "windows": []}]}), 422, "parts[0].windows"),
    ("start in a missing local hour", create({**with_window(start="2022-03-27T03:30", end="2022-03-27T06:00"), "timezone": "Europe/Kyiv"}), 422, "parts[0].windows[0].start"),
    ("status known_at naive", get("/v1/status", lat=31.42, lon=34.35, known_at="2024-09-02T10:00"), 422, "known_at"),
    ("unknown pause", get("/v1/pauses/no-such-pause"), 404, None),
    ("unknown route", get("/v1/no-such-thing"), 404, None),
    ("wrong method", lambda svc: svc.client.delete(f"/v1/pauses/{POLIO}", headers=svc.admin), 405, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("request_", "status", "location"),
    [
        pytest.param(request_, status, location, id=name)
        for name, request_, status, location in CASES
    ],
)
def test_a_bad_request_gets_a_problem_and_changes_nothing(
    shared_service: Service, request_: Request, status: int, location: str | None
) -> None:
    svc = shared_service
    before = svc.state()
    response = request_(svc)
    problem = assert_problem(response, status, location=location)
    assert problem["instance"] == response.request.url.path
    if location is not None:
        assert problem["type"].endswith("/invalid-input")
        assert location in problem["detail"]
    assert svc.state() == before


REASONS = [
    (
        {"corridor": {"road": "salah-al-din", "width_m": 500, "direction": "sideways"}},
        None,
        "parts[0].zone.corridor.direction",
        "'sideways' is not allowed here; use 'north', 'south'",
    ),
    (None, [], "parts[0].windows", "a part needs at least one window"),
    (
        None,
        [{"start": "2022-03-27T03:30", "end": "2022-03-27T06:00"}],
        "parts[0].windows[0].start",
        "03:30 does not exist on 2022-03-27 in Europe/Kyiv: the clocks jump forward",
    ),
]


@pytest.mark.parametrize(("zone", "windows", "location", "reason"), REASONS)
def test_bad_times_and_directions_say_why(
    shared_service: Service, zone: Any, windows: Any, location: str, reason: str
) -> None:
    document = pause_document("bad-input-pause", timezone="Europe/Kyiv")
    if zone is not None:
        document["parts"][0]["zone"] = zone
    if windows is not None:
        document["parts"][0]["windows"] = windows
    before = shared_service.state()
    response = shared_service.client.post("/v1/pauses", headers=shared_service.admin, json=document)
    problem = assert_problem(response, 422)
    assert any(
        reason in error["message"] and error["location"] == location for error in problem["errors"]
    ), problem
    assert shared_service.state() == before


def test_the_first_five_problems_are_in_the_detail_all_in_errors(shared_service: Service) -> None:
    svc = shared_service
    document = pause_document("bad-input-pause", colour="red", kind="siesta")
    document["parts"][0]["windows"][0]["rrule"] = "FREQ=HOURLY"
    document["parts"][0]["zone"] = polygon(UNCLOSED)
    before = svc.state()
    problem = assert_problem(create(document)(svc), 422)
    locations = {e["location"] for e in problem["errors"]}
    assert {"colour", "kind"} <= locations
    assert svc.state() == before


# -- size limits -------------------------------------------------------------------------------

SMALL = 4096


@pytest.fixture(scope="module")
def small_bodies(shared_service: Service) -> Iterator[Service]:
    """A second app on the same database, accepting bodies up to 4 KiB."""
    with running(shared_service.url, bootstrap=False, max_body_bytes=SMALL) as svc:
        svc.admin_token = shared_service.admin_token
        yield svc


def big_document() -> bytes:
    document = pause_document("too-big-pause", summary={"en": "x" * (2 * SMALL)})
    return json.dumps(document).encode()


def test_a_body_over_the_limit_is_refused_with_413(small_bodies: Service) -> None:
    svc = small_bodies
    before = svc.state()
    body = big_document()
    declared = svc.client.post(
        "/v1/pauses", headers={**svc.admin, "content-type": "application/json"}, content=body
    )
    problem = assert_problem(declared, 413)
    assert problem["type"].endswith("/payload-too-large")
    assert f"{SMALL} bytes" in problem["detail"]
    assert svc.state() == before


def test_a_streamed_body_over_the_limit_is_refused_with_413(small_bodies: Service) -> None:
    """Without Content-Length (chunked), the limit is counted as the body arrives."""
    svc = small_bodies
    before = svc.state()
    body = big_document()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 1024):
            yield body[start : start + 1024]

    streamed = svc.client.post(
        "/v1/pauses", headers={**svc.admin, "content-type": "application/json"}, content=chunks()
    )
    assert "content-length" not in streamed.request.headers
    problem = assert_problem(streamed, 413)
    assert f"{SMALL} bytes" in problem["detail"]
    assert svc.state() == before


def test_a_body_within_the_limit_is_accepted(small_bodies: Service) -> None:
    """The control for the two tests above: the same app takes a small pause."""
    svc = small_bodies
    document = pause_document("small-pause")
    assert len(json.dumps(document).encode()) < SMALL
    response = svc.client.post("/v1/pauses", headers=svc.admin, json=document)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] != PROBLEM_JSON


def test_a_zone_of_5000_vertices_is_accepted(shared_service: Service) -> None:
    """The control for the vertex limit: exactly at the limit is fine."""
    svc = shared_service
    document = with_zone(polygon(circle_ring(4999)))  # 4999 + the closing repeat = 5000
    document["id"] = "five-thousand-vertices"
    response = svc.client.post("/v1/pauses", headers=svc.admin, json=document)
    assert response.status_code == 201, response.text
