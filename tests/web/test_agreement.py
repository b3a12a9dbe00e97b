"""The page's answer equals GET /v1/status, field for field, on a grid of places and times.

The page computes its answer in the browser (``window.respite.statusAt``, from the cached
``/web/data.json``), so that it also answers offline. Here both are asked the same questions:
a grid over the Strip, points on zone boundaries (vertices and edge midpoints, which are not
covered) and a hair's breadth either side of them, at times on and around window edges (start
covered, end not), during overlapping windows of two pauses, across a daylight-saving change
and at the edges of the published horizon.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from respite.engine.present import iso_utc

EPS = 1e-9  # degrees: about 0.1 mm

# (local wall clock in Gaza) -> UTC, around the scenario's window edges
EDGE_TIMES = [
    "2023-11-05T07:59:59Z",  # corridor 5 Nov 10:00 (+02:00) opens at 08:00Z
    "2023-11-05T08:00:00Z",
    "2023-11-05T11:59:59Z",
    "2023-11-05T12:00:00Z",  # and closes (exclusive)
    "2023-11-11T08:30:00Z",  # 10:30: Jabalia pause and the corridor overlap
    "2023-11-11T11:59:59Z",  # last second of the Jabalia window (corridor until 14:00Z)
    "2023-11-24T04:59:59Z",  # the truce starts at 07:00 local
    "2023-11-24T05:00:00Z",
    "2023-12-01T04:59:59Z",  # ... and ends at 07:00 on 1 December (after two extensions)
    "2023-12-01T05:00:00Z",
    "2024-09-01T02:59:59Z",  # polio central: 06:00-15:00 (+03:00)
    "2024-09-01T03:00:00Z",
    "2024-09-04T11:59:59Z",
    "2024-09-04T12:00:00Z",
    "2024-09-10T06:00:00Z",  # polio north
    "2024-10-26T16:30:00Z",  # the road pause around the autumn clock change
    "2024-10-27T05:59:59Z",
]


@pytest.fixture(scope="module")
def questions(live_server: str) -> list[tuple[float, float, int]]:
    data = httpx.get(f"{live_server}/web/data.json").json()
    lo, hi = data["horizon"]
    points: list[tuple[float, float]] = []
    # a grid over the Strip
    for i in range(11):
        for j in range(11):
            points.append((34.20 + 0.038 * i, 31.20 + 0.042 * j))
    # boundaries: vertices, edge midpoints, and points either side of them
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        ring = polygons[0][0]
        step = max(1, len(ring) // 4)
        for k in range(0, len(ring) - 1, step):
            (x1, y1), (x2, y2) = ring[k], ring[k + 1]
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            points += [(x1, y1), (mx, my), (mx + EPS, my), (mx - EPS, my), (mx, my + EPS)]
            points += [(mx, my - EPS), (x1 + EPS, y1 + EPS), (x1 - EPS, y1 - EPS)]
    seconds = [int(datetime.fromisoformat(t).timestamp()) for t in EDGE_TIMES]
    seconds += [lo, hi - 1, int(datetime.now(UTC).timestamp())]
    # every point at a few times, and a few points at every time
    asked = []
    for n, (lon, lat) in enumerate(points):
        for k in range(4):
            asked.append((lon, lat, seconds[(n * 7 + k * 5) % len(seconds)]))
    for lon, lat in points[:: max(1, len(points) // 40)]:
        asked += [(lon, lat, t) for t in seconds]
    return asked


def test_page_and_status_agree(page: Any, live_server: str, questions: list[Any]) -> None:
    page.goto("/")
    page.wait_for_function("() => window.respite && window.respite.state.data")
    answers = page.evaluate(
        "(qs) => qs.map(([lon, lat, t]) => window.respite.statusAt(lon, lat, t))", questions
    )
    covered = 0
    mismatches = []
    with httpx.Client(base_url=live_server) as client:
        for (lon, lat, t), mine in zip(questions, answers, strict=True):
            at = iso_utc(datetime.fromtimestamp(t, UTC))
            response = client.get(
                "/v1/status", params={"lon": repr(lon), "lat": repr(lat), "at": at}
            )
            assert response.status_code == 200, response.text
            theirs = response.json()
            theirs.pop("data_generation")
            if theirs != mine:
                mismatches.append({"question": (lon, lat, at), "page": mine, "status": theirs})
            covered += theirs["covered"]
    assert not mismatches, mismatches[:3]
    # the questions do exercise both answers
    assert len(questions) > 1500
    assert 100 < covered < len(questions) - 100


def test_on_the_edge_is_not_covered_either_way(page: Any, live_server: str) -> None:
    """A vertex of the polio central zone while it is paused: not covered by it (boundary),
    while points a hair inside are; the page and the service say so alike."""
    page.goto("/")
    page.wait_for_function("() => window.respite && window.respite.state.data")
    data = httpx.get(f"{live_server}/web/data.json").json()
    central = next(f for f in data["features"] if f["id"] == "polio-round-1-2024-09/central")
    ring = central["geometry"]["coordinates"][0]
    at = "2024-09-02T07:00:00Z"
    t = int(datetime.fromisoformat(at).timestamp())
    inside_somewhere = 0
    for x, y in ring[:: max(1, len(ring) // 12)]:
        candidates = [(x, y)] + [(x + dx, y + dy) for dx in (-EPS, EPS) for dy in (-EPS, EPS)]
        for lon, lat in candidates:
            mine = page.evaluate(
                "([lon, lat, t]) => window.respite.statusAt(lon, lat, t)", [lon, lat, t]
            )
            theirs = httpx.get(
                f"{live_server}/v1/status", params={"lon": repr(lon), "lat": repr(lat), "at": at}
            ).json()
            theirs.pop("data_generation")
            assert mine == theirs
            parts = {(m["id"], m["part"]) for m in mine["pauses"]}
            if (lon, lat) == (x, y):
                assert ("polio-round-1-2024-09", "central") not in parts
            else:
                inside_somewhere += ("polio-round-1-2024-09", "central") in parts
    assert inside_somewhere > 0


def test_wall_clock_conversion_across_daylight_saving(page: Any) -> None:
    """The time control's local -> UTC conversion agrees with zoneinfo (fold=0, as RFC 5545)
    on Gaza's clock-change days, including the missing and the repeated hour."""
    page.goto("/")
    page.wait_for_function("() => window.respite && window.respite.state.data")
    gaza = ZoneInfo("Asia/Gaza")
    days = [date(2023, 4, 29), date(2023, 10, 28), date(2024, 4, 20), date(2024, 10, 26)]
    cases = [(d.year, d.month, d.day, m) for d in days for m in range(0, 24 * 60, 15)]
    mine = page.evaluate(
        "(cs) => cs.map(([y, mo, d, m]) => window.respite.fromWallClock(y, mo, d, m, 'Asia/Gaza'))",
        cases,
    )
    expected = [
        int(datetime(y, mo, d, m // 60, m % 60, tzinfo=gaza).timestamp()) for y, mo, d, m in cases
    ]
    assert mine == expected
