"""plan() on small problems whose answers are known: by hand, or by brute force."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from datetime import time

import pytest
from shapely.geometry import box

from respite.planner import (
    Cargo,
    Depot,
    Evacuation,
    MaxIterations,
    MaxRuntime,
    Reason,
    RoadNetwork,
    TravelMatrix,
    VehicleKind,
    Window,
    plan,
)

from .helpers import at, small_problem, with_destination


def brute_force_km(matrix: TravelMatrix, capacity: int, demands: dict[str, int]) -> float:
    """The shortest set of depot round trips serving every destination (tiny instances)."""
    places = list(demands)
    best = float("inf")
    row = {p: i for i, p in enumerate(matrix.ids)}

    def trip(order: tuple[str, ...]) -> float:
        path = ["base", *order, "base"]
        return sum(matrix.km[row[a]][row[b]] or 0.0 for a, b in itertools.pairwise(path))

    for order in itertools.permutations(places):
        for cuts in itertools.product([False, True], repeat=len(order) - 1):
            trips, current = [], [order[0]]
            for place, cut in zip(order[1:], cuts, strict=True):
                if cut:
                    trips.append(tuple(current))
                    current = []
                current.append(place)
            trips.append(tuple(current))
            if all(sum(demands[p] for p in t) <= capacity for t in trips):
                best = min(best, sum(trip(t) for t in trips))
    return best


@pytest.mark.parametrize(
    ("positions", "demands", "capacity"),
    [
        ((10.0, 20.0, 30.0), (10, 10, 10), 100),  # one trip out to km 30 and back: 60 km
        ((10.0, 20.0, 30.0), (60, 60, 60), 100),  # each load alone: 20 + 40 + 60 km
        ((5.0, 25.0, 26.0, 40.0), (30, 40, 30, 50), 80),
    ],
)
def test_shortest_plan_matches_brute_force(positions, demands, capacity) -> None:
    problem = small_problem(
        positions=positions, demands=demands, capacity=capacity, count=4, windows=((6, 20),)
    )
    result = plan(problem, MaxRuntime(0.5), seed=2)
    assert result.feasible
    assert result.delivered() == sum(demands)
    assert isinstance(problem.travel, TravelMatrix)
    expected = brute_force_km(
        problem.travel, capacity, {d.id: d.demand for d in problem.destinations}
    )
    assert sum(r.km for r in result.routes) == pytest.approx(expected, abs=1e-6)


def test_routes_stay_inside_the_windows() -> None:
    problem = small_problem(windows=((8, 10), (14, 16)), count=1, capacity=10)
    result = plan(problem, MaxRuntime(0.3), seed=1)
    assert result.delivered() == 30
    for route in result.routes:
        opened = [w for w in problem.windows if w.id in route.windows]
        assert len(opened) == 1
        window = opened[0]
        for leg in route.legs:
            assert window.start <= leg.depart <= leg.arrive <= window.end
            assert leg.windows == (window.id,)


def test_a_drop_with_two_windows_is_delivered_once() -> None:
    problem = small_problem(demands=(10,), positions=(10.0,), windows=((8, 10), (14, 16)))
    result = plan(problem, MaxRuntime(0.3), seed=1)
    deliveries = [s for r in result.routes for s in r.stops if s.action == "deliver"]
    assert [s.amount for s in deliveries] == [10]


def test_crossing_throughput_caps_departures_per_hour() -> None:
    # 1 truck an hour, a 3-hour window, 5 one-truck drops 10 km away: 3 go, 2 wait
    problem = small_problem(
        demands=(20, 20, 20, 20, 20),
        positions=(10.0,) * 5,
        capacity=20,
        count=5,
        throughput=1,
        windows=((8, 11),),
    )
    result = plan(problem, MaxRuntime(0.3), seed=1)
    hours = Counter(r.departure.hour for r in result.routes)
    assert max(hours.values()) == 1
    assert result.delivered() == 60
    assert {s.reason for s in result.shortfalls} == {Reason.CROSSING_CAPACITY}
    assert result.upper_bound["goods"] == 60


def test_the_fleet_binds_when_the_crossing_does_not() -> None:
    problem = small_problem(
        demands=(20, 20, 20),
        positions=(100.0,) * 3,
        capacity=20,
        count=2,
        throughput=10,
        windows=((8, 12),),
        speed=60,
    )
    result = plan(problem, MaxRuntime(0.3), seed=1)
    assert result.delivered() == 40
    assert [(s.reason, s.amount) for s in result.shortfalls] == [(Reason.FLEET, 20)]


def test_a_window_too_short_for_the_round_trip() -> None:
    # 150 km each way at 60 km/h is 5 hours of driving; the window lasts 4
    problem = small_problem(demands=(10, 10), positions=(10.0, 150.0), windows=((8, 12),))
    result = plan(problem, MaxRuntime(0.3), seed=1)
    [short] = result.shortfalls
    assert (short.item_id, short.reason) == ("d1", Reason.WINDOW_TOO_SHORT)
    assert "5.0 h" in short.detail and "4.0 h" in short.detail


def test_opening_hours_of_a_destination_narrow_its_windows() -> None:
    problem = small_problem(demands=(10,), positions=(10.0,), windows=((6, 18),))
    # 13:00-14:00 in Damascus (UTC+3) is 10:00-11:00 UTC
    problem = with_destination(problem, opening=((time(13), time(14)),))
    result = plan(problem, MaxRuntime(0.3), seed=1)
    [stop] = [s for r in result.routes for s in r.stops if s.action == "deliver"]
    assert at(10) <= stop.start <= at(11)


def test_priority_one_is_served_first_when_the_fleet_is_short() -> None:
    problem = small_problem(
        demands=(20, 20, 20),
        positions=(10.0, 20.0, 30.0),
        capacity=20,
        count=1,
        throughput=1,
        windows=((8, 9),),
        priorities=(3, 3, 1),
    )
    result = plan(problem, MaxRuntime(0.3), seed=1)
    delivered = {i.item_id: i.delivered for i in result.items}
    assert delivered == {"d0": 0, "d1": 0, "d2": 20}


def _zoned() -> tuple:
    """A depot at the edge of two zones: west open 8-12, east open 14-18 (UTC)."""
    west = box(35.95, 32.9, 36.05, 33.1)
    east = box(36.05, 32.9, 36.15, 33.1)
    problem = small_problem(windows=())
    problem = replace(
        problem,
        depots=(Depot("base", "Base", 36.05, 33.0),),  # on the border
        windows=(Window("west", at(8), at(12), west), Window("east", at(14), at(18), east)),
        destinations=(
            replace(problem.destinations[0], id="w", lon=36.0, lat=33.0),
            replace(problem.destinations[1], id="e", lon=36.1, lat=33.0),
        ),
        travel=RoadNetwork(),
        cover_needed=box(35.9, 32.8, 36.2, 33.2),
    )
    return problem, west, east


def test_each_place_is_served_in_the_window_that_covers_its_roads() -> None:
    problem, _, _ = _zoned()
    result = plan(problem, MaxRuntime(0.3), seed=1)
    served = {
        s.place_id: r.windows for r in result.routes for s in r.stops if s.action == "deliver"
    }
    assert served == {"w": ("west",), "e": ("east",)}


def test_a_place_no_window_covers_is_unreachable() -> None:
    problem, west, _ = _zoned()
    only_west = problem.with_windows([problem.windows[0]])
    result = plan(only_west, MaxRuntime(0.3), seed=1)
    [short] = result.shortfalls
    assert (short.item_id, short.reason) == ("e", Reason.UNREACHABLE)
    del west


def test_evacuations_are_picked_up_before_they_are_dropped_off() -> None:
    problem, _, _ = _zoned()
    bus = VehicleKind("bus", Cargo.PEOPLE, 30, 1, 40, ("base",))
    group = Evacuation("ev", "Clinic", 36.02, 33.02, "Hospital", 36.0, 32.95, people=50)
    problem = replace(problem, vehicles=(*problem.vehicles, bus), evacuations=(group,))
    result = plan(problem, MaxRuntime(0.5), seed=1)
    assert result.feasible
    assert result.delivered("people") == 50  # two trips of the one bus from its base
    for route in result.routes:
        actions = [s.action for s in route.stops if s.item_id == "ev"]
        for pick, drop in zip(actions[::2], actions[1::2], strict=True):
            assert (pick, drop) == ("pickup", "dropoff")


def test_same_seed_and_iterations_give_the_same_plan() -> None:
    problem = small_problem(demands=(30, 40, 50), capacity=60, count=3)
    first = plan(problem, MaxIterations(300), seed=7)
    second = plan(problem, MaxIterations(300), seed=7)
    assert [r.stops for r in first.routes] == [r.stops for r in second.routes]
