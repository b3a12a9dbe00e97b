"""Planning, pure: fitting departures computed exactly equal a brute-force route check (on a
grid, and to the second at every edge), on the real scenario; routes, areas and document checks name their field."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import respite.movements.planning as planning_module
from respite.engine import CoverageEngine, check_route
from respite.errors import InvalidInput
from respite.geometry import AreaCatalogue
from respite.movements.model import Area, MovementSpec
from respite.movements.planning import (
    fitting_departures,
    plan_movement,
    resolve_route,
    route_window,
)
from respite.schedule import from_utc_seconds, utc_seconds
from respite.validation import problems_from_pydantic

CATALOGUE = AreaCatalogue.bundled()
SALAH_AL_DIN = [(float(x), float(y)) for x, y in CATALOGUE.road("salah-al-din").geometry.coords]
#: Jabalia camp through Gaza City: crosses the tactical pause's blocks and the corridor, whose
#: windows overlap on 11 November 2023 (10:00-14:00 and 09:00-16:00 local).
JABALIA_TO_CORRIDOR = [
    (34.4850, 31.5330),
    (34.4700, 31.5100),
    (34.4600, 31.4950),
    (34.4400, 31.4770),
]
#: Kerem Shalom along the road of the daily 08:00-19:00 tactical pause from 16 June 2024.
KEREM_SHALOM = [(34.2684, 31.2247), (34.2900, 31.2600), (34.3000, 31.3000), (34.3100, 31.3400)]


def spec(**changes: Any) -> MovementSpec:
    document: dict[str, Any] = {
        "name": "test",
        "objective": "aid_in",
        "route": {"road": "salah-al-din", "direction": "south"},
        "departure": {"earliest": "2023-11-05T09:00", "latest": "2023-11-05T09:30"},
        "travel_minutes": 120,
        "timezone": "Asia/Gaza",
        "contacts": [{"name": "Lead", "phone": "+970 59 000 0000"}],
    }
    document.update(changes)
    return MovementSpec.model_validate(document)


#: The brute force checks a departure every STEP seconds (each check takes ~0.1 s); the edges
#: of every window found are then checked to the second.
STEP = 30 * 60


def brute_force(
    engine: CoverageEngine,
    route: list[tuple[float, float]],
    speed: float,
    start: datetime,
    end: datetime,
) -> set[int]:
    """Departures on the grid at which check_route says the whole trip is covered."""
    good = set()
    for t in range(utc_seconds(start), utc_seconds(end), STEP):
        if check_route(engine, route, departure=from_utc_seconds(t), speed_kmh=speed).fully_covered:
            good.add(t)
    return good


@pytest.mark.parametrize(
    ("route", "speed", "day"),
    [
        (SALAH_AL_DIN, 14.633 / 2, datetime(2023, 11, 5, tzinfo=UTC)),
        (SALAH_AL_DIN, 30.0, datetime(2023, 11, 7, tzinfo=UTC)),
        (SALAH_AL_DIN[::-1], 10.0, datetime(2023, 11, 11, tzinfo=UTC)),
        (JABALIA_TO_CORRIDOR, 3.0, datetime(2023, 11, 11, tzinfo=UTC)),
        (KEREM_SHALOM, 8.0, datetime(2024, 6, 17, tzinfo=UTC)),
        (SALAH_AL_DIN, 5.0, datetime(2023, 11, 25, tzinfo=UTC)),
    ],
)
def test_fitting_departures_equal_a_route_check_on_a_grid_and_at_the_edges(
    engine: CoverageEngine, route: list[tuple[float, float]], speed: float, day: datetime
) -> None:
    end = day + timedelta(days=1)
    exact = fitting_departures(engine, route, speed_kmh=speed, start=day, end=end)
    on_the_grid = {t for t in range(utc_seconds(day), utc_seconds(end), STEP) if exact.contains(t)}
    assert on_the_grid == brute_force(engine, route, speed, day, end)
    for first, after in exact:  # the edges are exact to the second
        for inside in (first, after - 1):
            check = check_route(engine, route, departure=from_utc_seconds(inside), speed_kmh=speed)
            assert check.fully_covered
        for outside in (first - 1, after):
            if day <= from_utc_seconds(outside) < end:
                check = check_route(
                    engine, route, departure=from_utc_seconds(outside), speed_kmh=speed
                )
                assert not check.fully_covered


def test_a_trip_longer_than_any_window_never_fits(engine: CoverageEngine) -> None:
    # 14.6 km at 2 km/h is 7.3 hours; the 5 November window lasted 4.
    day = datetime(2023, 11, 5, tzinfo=UTC)
    found = fitting_departures(
        engine, SALAH_AL_DIN, speed_kmh=2.0, start=day, end=day + timedelta(days=1)
    )
    assert found.is_empty


def test_plan_of_the_scenario_convoy(engine: CoverageEngine) -> None:
    found = plan_movement(engine, spec().in_utc(), search_days=7)
    assert found.route.area is Area.SOUTH
    assert found.route.destination_pcode == "PS0265"
    assert found.travel == timedelta(hours=2)
    [outside] = found.check.uncovered
    assert (outside.start, outside.end) == (
        datetime(2023, 11, 5, 7, 0, tzinfo=UTC),
        datetime(2023, 11, 5, 8, 0, tzinfo=UTC),
    )
    windows = [(f.earliest, f.latest) for f in found.fits]
    assert windows == [
        (datetime(2023, 11, 5, 8, tzinfo=UTC), datetime(2023, 11, 5, 10, tzinfo=UTC)),
        (datetime(2023, 11, 7, 11, tzinfo=UTC), datetime(2023, 11, 7, 12, tzinfo=UTC)),
        (datetime(2023, 11, 11, 7, tzinfo=UTC), datetime(2023, 11, 11, 12, tzinfo=UTC)),
    ]
    assert all(f.pause_ids == ("salah-al-din-corridor-2023-11",) for f in found.fits)
    assert found.fits_planned_window is False
    assert found.warnings == ()
    in_window = plan_movement(
        engine,
        spec(departure={"earliest": "2023-11-05T09:30", "latest": "2023-11-05T10:30"}).in_utc(),
    )
    assert in_window.fits_planned_window is True


def test_northbound_on_the_southbound_corridor_is_warned(engine: CoverageEngine) -> None:
    north = spec(
        route={"road": "salah-al-din", "direction": "north"},
        departure={"earliest": "2023-11-05T10:00", "latest": "2023-11-05T10:00"},
    )
    found = plan_movement(engine, north.in_utc())
    assert found.check.fully_covered
    assert found.route.area is Area.NORTH
    assert found.warnings == (
        "pause salah-al-din-corridor-2023-11 allows southbound movement only "
        "(Southbound movement only.); this route heads north",
    )


def test_routes_resolve_from_roads_lines_and_named_waypoints() -> None:
    south = resolve_route(spec().route)
    north = resolve_route(spec(route={"road": "Salah ad-Din Road", "direction": "north"}).route)
    assert south.coordinates == tuple(reversed(north.coordinates))
    assert south.coordinates[0][1] > south.coordinates[-1][1]
    named = resolve_route(spec(route={"waypoints": ["Karem Abu Salem", "Khan Yunis"]}).route)
    assert named.coordinates[0] == (34.27056, 31.22083)  # the crossing (its other name)
    assert named.area is Area.SOUTH and named.destination_pcode == "PS0270"
    line = resolve_route(
        spec(
            route={"line": {"type": "LineString", "coordinates": [[34.30, 31.34], [34.46, 31.51]]}}
        ).route
    )
    assert line.area is Area.NORTH and line.destination_pcode == "PS0260"


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({"route": {"road": "no-such-road", "direction": "south"}}, "route.road"),
        ({"route": {"waypoints": ["Nowhere at all", [34.3, 31.3]]}}, "route.waypoints[0]"),
        ({"route": {"waypoints": [[34.3, 31.3], [34.3, 31.3]]}}, "route"),
        ({"travel_minutes": 1}, "travel_minutes"),
    ],
)
def test_unusable_routes_name_the_field(
    engine: CoverageEngine, changes: dict[str, Any], location: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        plan_movement(engine, spec(**changes).in_utc())
    assert [p.location for p in raised.value.problems] == [location]


@pytest.mark.parametrize(
    ("document", "location"),
    [
        ({"timezone": None}, "departure.earliest"),
        ({"route": {"road": "salah-al-din"}}, "route.direction"),
        (
            {
                "route": {
                    "road": "salah-al-din",
                    "direction": "south",
                    "waypoints": [[1, 2], [3, 4]],
                }
            },
            "route.road",
        ),
        (
            {"route": {"line": {"type": "LineString", "coordinates": [[34.3, 31.3], [200, 31.4]]}}},
            "route.line.coordinates[1]",
        ),
        (
            {"departure": {"earliest": "2023-11-05T09:00", "latest": "2023-11-05T08:00"}},
            "departure.latest",
        ),
        ({"contacts": [{"name": "Lead"}]}, "contacts[0].phone"),
        ({"travel_minutes": None}, "travel_minutes"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_document_problems_name_the_field(document: dict[str, Any], location: str) -> None:
    base: dict[str, Any] = spec().model_dump(mode="json", exclude_none=True)
    for key, value in document.items():
        if value is None:
            base.pop(key)
        else:
            base[key] = value
    with pytest.raises(Exception) as raised:  # noqa: PT011 - a pydantic ValidationError
        MovementSpec.model_validate(base)
    locations = [p.location for p in problems_from_pydantic(raised.value)]  # type: ignore[arg-type]
    assert location in locations


def test_local_times_are_stored_in_utc_across_daylight_saving() -> None:
    # Gaza: UTC+02:00 in November 2023, UTC+03:00 in June 2024.
    november = spec().in_utc()
    june = spec(departure={"earliest": "2024-06-17T09:00", "latest": "2024-06-17T09:00"}).in_utc()
    assert november.departure.earliest == datetime(2023, 11, 5, 7, tzinfo=UTC)
    assert june.departure.earliest == datetime(2024, 6, 17, 6, tzinfo=UTC)
    offset = spec(departure={"earliest": "2023-11-05T07:00Z", "latest": "2023-11-05T07:00Z"})
    assert offset.in_utc().departure.earliest == november.departure.earliest


def test_route_window_is_the_days_windows_along_the_route(engine: CoverageEngine) -> None:
    day = datetime(2023, 11, 4, 22, tzinfo=UTC)  # 5 November, local midnight
    window = route_window(engine, SALAH_AL_DIN, start=day, end=day + timedelta(days=1))
    assert window.to_datetimes() == [
        (datetime(2023, 11, 5, 8, tzinfo=UTC), datetime(2023, 11, 5, 12, tzinfo=UTC))
    ]


def test_planning_docstring_examples_run() -> None:
    result = doctest.testmod(planning_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1
    assert result.failed == 0
