"""Every bad input is a clear problem naming the item, found all at once; nothing is solved."""

from __future__ import annotations

from dataclasses import replace

import pytest
from shapely.geometry import LineString

from respite.errors import InvalidInput
from respite.planner import (
    Cargo,
    Depot,
    Destination,
    Evacuation,
    MaxIterations,
    MaxRuntime,
    RoadNetwork,
    TravelMatrix,
    VehicleKind,
    Window,
    plan,
)
from respite.planner.validate import check_problem

from .helpers import at, small_problem, with_destination


def problems_of(problem) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        plan(problem, MaxIterations(10))
    return [(p.location, p.message) for p in caught.value.problems]


def test_a_good_problem_passes() -> None:
    check_problem(small_problem())


def test_a_vehicle_kind_no_crossing_accepts() -> None:
    base = small_problem()
    closed = replace(base.depots[0], accepts=("bus",))
    bus = VehicleKind("bus", Cargo.PEOPLE, 40, 1, 50, ("base",))
    problem = replace(base, depots=(closed,), vehicles=(*base.vehicles, bus))
    assert problems_of(problem) == [
        ("vehicles[0] (truck)", "no crossing or base accepts it (allowed: base)")
    ]


def test_unknown_depot_of_a_vehicle_kind() -> None:
    base = small_problem()
    kind = replace(base.vehicles[0], depots=("nowhere",))
    assert problems_of(replace(base, vehicles=(kind,))) == [
        ("vehicles[0] (truck).depots", "unknown depot 'nowhere'")
    ]


def test_a_window_in_the_past() -> None:
    base = small_problem()
    late = replace(base, now=at(13))
    [(where, message)] = problems_of(late)
    assert where == "windows[0] (w0)"
    assert message.startswith("is in the past: it ended 2031-05-06T12:00:00+00:00")


def test_a_window_that_ends_before_it_starts() -> None:
    base = small_problem()
    backwards = Window("w0", at(12), at(8))
    assert problems_of(base.with_windows([backwards]))[0][0] == "windows[0] (w0)"


def test_an_indivisible_demand_over_every_capacity() -> None:
    problem = with_destination(small_problem(capacity=20), demand=25, divisible=False)
    assert problems_of(problem) == [
        (
            "destinations[0] (d0).demand",
            "25 cannot be split and is over every vehicle's capacity (largest 20)",
        )
    ]


def test_a_divisible_demand_over_capacity_is_split_not_refused() -> None:
    problem = with_destination(small_problem(capacity=20, count=3), demand=50)
    result = plan(problem, MaxRuntime(0.3), seed=1)
    assert result.delivered() == sum(d.demand for d in problem.destinations)


def test_evacuation_without_any_people_carrier() -> None:
    base = small_problem()
    group = Evacuation("ev", "Clinic", 36.01, 33.0, "Hospital", 36.02, 33.0, people=5)
    [(where, message)] = problems_of(replace(base, evacuations=(group,)))[:1]
    assert (where, message) == ("evacuations[0] (ev)", "no vehicle kind carries people")


def test_matrix_with_negative_and_missing_entries() -> None:
    base = small_problem()
    matrix = base.travel
    assert isinstance(matrix, TravelMatrix)
    rows = [list(r) for r in matrix.km]
    rows[0][1] = -3.0
    rows[2][3] = None
    broken = TravelMatrix(matrix.ids, tuple(tuple(r) for r in rows))
    assert problems_of(replace(base, travel=broken)) == [
        ("travel.km[0][1] (base -> d0)", "is negative (-3.0)"),
        ("travel.km[2][3] (d1 -> d2)", "is missing"),
    ]


def test_matrix_without_a_row_for_a_destination() -> None:
    base = small_problem()
    matrix = base.travel
    assert isinstance(matrix, TravelMatrix)
    short = TravelMatrix(matrix.ids[:-1], tuple(r[:-1] for r in matrix.km[:-1]))
    assert problems_of(replace(base, travel=short)) == [
        ("travel.ids", "'d2' has no row in the travel matrix")
    ]


def test_an_unreachable_destination_is_named() -> None:
    base = small_problem()
    far = Destination("aleppo", "Aleppo", 37.16, 36.2, demand=5)
    roads = RoadNetwork(roads=(LineString([(36.0, 33.0), (36.1, 33.0)]),), link_km=20)
    problem = replace(base, destinations=(*base.destinations, far), travel=roads)
    assert problems_of(problem) == [
        (
            "destinations[3] (aleppo)",
            "unreachable: no road or off-road link connects it to any depot",
        )
    ]


def test_every_problem_is_listed_at_once() -> None:
    base = small_problem()
    problem = replace(
        base,
        timezone="Mars/Olympus",
        depots=(*base.depots, Depot("base", "Again", 36.0, 33.0, throughput_per_hour=0)),
    )
    locations = [where for where, _ in problems_of(problem)]
    assert "timezone" in locations
    assert "depots" in locations  # the repeated id
    assert "depots[1] (base).throughput_per_hour" in locations


def test_bad_priority_and_naive_times() -> None:
    base = small_problem()
    naive = replace(base, now=base.now.replace(tzinfo=None))
    problem = with_destination(naive, priority=7)
    found = dict(problems_of(problem))
    assert found["now"] == "needs a UTC offset"
    assert found["destinations[0] (d0).priority"] == "must be 1, 2 or 3, not 7"


@pytest.mark.parametrize("seconds", [0, -1, float("nan")])
def test_stopping_criteria_validate(seconds: float) -> None:
    with pytest.raises(ValueError, match="MaxRuntime: seconds must be a positive number"):
        MaxRuntime(seconds)


def test_iteration_budget_validates() -> None:
    with pytest.raises(ValueError, match="MaxIterations: iterations must be >= 1"):
        MaxIterations(0)
