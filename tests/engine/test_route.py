"""check_route(): journeys along the real Salah al-Din corridor, timed by speed or per vertex."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from respite.engine import CoverageEngine, check_route
from respite.errors import InvalidInput
from respite.geometry import AreaCatalogue, length_km

GAZA_WINTER = timezone(timedelta(hours=2))


@pytest.fixture(scope="module")
def road() -> list[tuple[float, float]]:
    return [tuple(c) for c in AreaCatalogue.bundled().road("salah-al-din").geometry.coords]


def test_whole_trip_inside_the_window(engine: CoverageEngine, road) -> None:
    result = check_route(
        engine, road, departure=datetime(2023, 11, 5, 10, 30, tzinfo=GAZA_WINTER), speed_kmh=5
    )
    assert result.fully_covered
    assert result.covered_fraction == pytest.approx(1.0)
    assert [s.pause_ids for s in result.covered] == [("salah-al-din-corridor-2023-11",)]
    assert result.length_km == pytest.approx(14.61, abs=0.1)


def test_trip_overrunning_the_window_end(engine: CoverageEngine, road) -> None:
    depart = datetime(2023, 11, 5, 12, 0, tzinfo=GAZA_WINTER)
    result = check_route(engine, road, departure=depart, speed_kmh=5)
    assert len(result.uncovered) == 1
    gap = result.uncovered[0]
    # the window closes at 14:00 local, two hours (10 km at 5 km/h) into the walk
    assert gap.start == datetime(2023, 11, 5, 12, 0, tzinfo=UTC)
    assert gap.from_km == pytest.approx(10.0, abs=0.01)
    assert gap.to_km == pytest.approx(result.length_km, abs=0.01)
    assert gap.end == result.arrival
    assert result.covered_fraction == pytest.approx(10.0 / result.length_km, abs=0.002)


def test_times_per_vertex_with_a_wait(engine: CoverageEngine, road) -> None:
    start, middle, end = road[0], road[len(road) // 2], road[-1]
    t0 = datetime(2023, 11, 7, 13, 0, tzinfo=GAZA_WINTER)
    times = [t0, t0 + timedelta(hours=1), t0 + timedelta(hours=2), t0 + timedelta(hours=4)]
    result = check_route(engine, [start, middle, middle, end], times=times)
    # the window is 13:00-16:00; the last hour of the last leg is outside it
    assert [(g.start, g.end) for g in result.uncovered] == [
        (datetime(2023, 11, 7, 14, 0, tzinfo=UTC), datetime(2023, 11, 7, 15, 0, tzinfo=UTC))
    ]


def test_leaving_the_corridor_is_reported_by_place(engine: CoverageEngine, road) -> None:
    detour = (road[40][0] + 0.03, road[40][1])  # ~3 km east of the road
    path = [road[0], road[40], detour, road[41], road[-1]]
    result = check_route(
        engine, path, departure=datetime(2023, 11, 11, 9, 0, tzinfo=GAZA_WINTER), speed_kmh=30
    )
    assert not result.fully_covered
    assert len(result.uncovered) == 1
    gap = result.uncovered[0]
    to_road_end = length_km(__import__("shapely").LineString(path[:2]))
    assert gap.from_km > to_road_end  # it starts after the detour leaves the corridor
    assert gap.to_km < result.length_km


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"speed_kmh": 0}, "speed"),
        ({"speed_kmh": None}, "departure and speed_kmh"),
    ],
)
def test_bad_journeys(engine: CoverageEngine, road, kwargs, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_route(engine, road, departure=datetime(2023, 11, 5, 8, tzinfo=UTC), **kwargs)


def test_times_going_backwards(engine: CoverageEngine, road) -> None:
    t = datetime(2023, 11, 5, 8, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="backwards") as info:
        check_route(engine, road[:3], times=[t, t - timedelta(minutes=1), t])
    assert info.value.problems[0].location == "times"
