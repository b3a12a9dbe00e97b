"""Every problem with a planning problem, found in one pass, each naming the item.

A plan is never attempted on bad input and never comes back empty without a reason: what
can be known before solving (an unknown depot, a vehicle kind no crossing accepts, a window
already over, a demand no vehicle can carry in one piece, a bad travel matrix) is an
``InvalidInput`` listing every such problem; what depends on the solution (a window too
short, a crossing at capacity) is a *reason* on the undelivered item in the result.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from respite.errors import InvalidInput, Problem
from respite.planner.model import Cargo, PlanningProblem, TravelMatrix

_PRIORITIES = (1, 2, 3)


def check_problem(problem: PlanningProblem) -> None:
    """Raise ``InvalidInput`` listing every problem found; return quietly if there is none."""
    found = [
        *_check_basics(problem),
        *_check_windows(problem),
        *_check_depots(problem),
        *_check_vehicles(problem),
        *_check_demands(problem),
        *_check_matrix(problem),
    ]
    if found:
        raise InvalidInput(found)


def _named(collection: str, index: int, item_id: str) -> str:
    return f"{collection}[{index}] ({item_id})"


def _aware(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() is not None


def _position(where: str, lon: float, lat: float) -> Iterable[Problem]:
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        yield Problem(where, f"position ({lon}, {lat}) is not a longitude/latitude")


def _duplicates(collection: str, ids: Iterable[str]) -> Iterable[Problem]:
    for item_id, count in Counter(ids).items():
        if count > 1:
            yield Problem(collection, f"id {item_id!r} is used {count} times")


def _hours(where: str, opening: tuple[tuple[time, time], ...]) -> Iterable[Problem]:
    for index, (start, end) in enumerate(opening):
        if not start < end:
            yield Problem(f"{where}.opening[{index}]", f"opens at {start} but closes at {end}")


def _check_basics(problem: PlanningProblem) -> Iterable[Problem]:
    try:
        ZoneInfo(problem.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        yield Problem("timezone", f"unknown time zone {problem.timezone!r} (an IANA name)")
    if not _aware(problem.now):
        yield Problem("now", "needs a UTC offset")
    for collection, ids in (
        ("depots", [d.id for d in problem.depots]),
        ("vehicles", [v.id for v in problem.vehicles]),
        ("windows", [w.id for w in problem.windows]),
        ("destinations", [d.id for d in problem.destinations]),
        ("evacuations", [e.id for e in problem.evacuations]),
    ):
        yield from _duplicates(collection, ids)
    if not problem.depots:
        yield Problem("depots", "a plan needs at least one crossing or base")
    if not problem.destinations and not problem.evacuations:
        yield Problem("destinations", "nothing to deliver: no destinations and no evacuations")


def _check_windows(problem: PlanningProblem) -> Iterable[Problem]:
    if not problem.windows:
        yield Problem("windows", "no pause windows: nothing may move on covered stretches")
    for index, window in enumerate(problem.windows):
        where = _named("windows", index, window.id)
        if not (_aware(window.start) and _aware(window.end)):
            yield Problem(where, "start and end need a UTC offset")
            continue
        if window.end <= window.start:
            yield Problem(where, f"ends ({window.end.isoformat()}) before it starts")
        elif _aware(problem.now) and window.end <= problem.now:
            yield Problem(
                where,
                f"is in the past: it ended {window.end.isoformat()}, before the plan's time "
                f"{problem.now.isoformat()}",
            )
        if window.zone is not None and (window.zone.is_empty or not window.zone.is_valid):
            yield Problem(f"{where}.zone", "is empty or not a valid geometry")


def _check_depots(problem: PlanningProblem) -> Iterable[Problem]:
    kinds = {v.id for v in problem.vehicles}
    for index, depot in enumerate(problem.depots):
        where = _named("depots", index, depot.id)
        yield from _position(where, depot.lon, depot.lat)
        if depot.throughput_per_hour is not None and depot.throughput_per_hour < 1:
            yield Problem(f"{where}.throughput_per_hour", "must be at least 1 vehicle an hour")
        yield from _hours(where, depot.opening)
        for kind in depot.accepts or ():
            if kind not in kinds:
                yield Problem(f"{where}.accepts", f"unknown vehicle kind {kind!r}")


def _check_vehicles(problem: PlanningProblem) -> Iterable[Problem]:
    depots = {d.id: d for d in problem.depots}
    for index, kind in enumerate(problem.vehicles):
        where = _named("vehicles", index, kind.id)
        if kind.capacity < 1:
            yield Problem(f"{where}.capacity", "must be at least 1")
        if kind.count < 0:
            yield Problem(f"{where}.count", "cannot be negative")
        if not (math.isfinite(kind.speed_kmh) and kind.speed_kmh > 0):
            yield Problem(f"{where}.speed_kmh", "must be a positive number")
        unknown = [d for d in kind.depots if d not in depots]
        for depot_id in unknown:
            yield Problem(f"{where}.depots", f"unknown depot {depot_id!r}")
        accepting = [d for d in kind.depots if d in depots and _accepts(depots[d].accepts, kind.id)]
        if not unknown and not accepting:
            yield Problem(
                where, f"no crossing or base accepts it (allowed: {', '.join(kind.depots) or '-'})"
            )


def _accepts(accepts: tuple[str, ...] | None, kind: str) -> bool:
    return accepts is None or kind in accepts


def _largest(problem: PlanningProblem, cargo: Cargo) -> int:
    return max((v.capacity for v in problem.vehicles if v.cargo is cargo), default=0)


def _check_demands(problem: PlanningProblem) -> Iterable[Problem]:
    for index, place in enumerate(problem.destinations):
        where = _named("destinations", index, place.id)
        yield from _position(where, place.lon, place.lat)
        yield from _amount(where, "demand", place.demand, place.divisible, Cargo.GOODS, problem)
        if place.priority not in _PRIORITIES:
            yield Problem(f"{where}.priority", f"must be 1, 2 or 3, not {place.priority}")
        for name in ("service_minutes", "minutes_per_unit"):
            value = getattr(place, name)
            if not (math.isfinite(value) and value >= 0):
                yield Problem(f"{where}.{name}", "must be a number >= 0")
        if place.drop_size is not None and not 1 <= place.drop_size <= max(
            _largest(problem, Cargo.GOODS), 1
        ):
            yield Problem(f"{where}.drop_size", "must be between 1 and the largest capacity")
        yield from _hours(where, place.opening)
    for index, group in enumerate(problem.evacuations):
        where = _named("evacuations", index, group.id)
        yield from _position(where, group.lon, group.lat)
        yield from _position(f"{where}.to", group.to_lon, group.to_lat)
        yield from _amount(where, "people", group.people, group.divisible, Cargo.PEOPLE, problem)
        if group.priority not in _PRIORITIES:
            yield Problem(f"{where}.priority", f"must be 1, 2 or 3, not {group.priority}")


def _amount(
    where: str, name: str, amount: int, divisible: bool, cargo: Cargo, problem: PlanningProblem
) -> Iterable[Problem]:
    largest = _largest(problem, cargo)
    if amount < 1:
        yield Problem(f"{where}.{name}", "must be at least 1")
    elif largest == 0:
        yield Problem(where, f"no vehicle kind carries {cargo.value}")
    elif not divisible and amount > largest:
        yield Problem(
            f"{where}.{name}",
            f"{amount} cannot be split and is over every vehicle's capacity (largest {largest})",
        )


def _check_matrix(problem: PlanningProblem) -> Iterable[Problem]:
    matrix = problem.travel
    if not isinstance(matrix, TravelMatrix):
        return
    size = len(matrix.ids)
    if len(matrix.km) != size or any(len(row) != size for row in matrix.km):
        yield Problem("travel.km", f"must be a square {size} x {size} matrix, one row per id")
        return
    yield from _duplicates("travel.ids", matrix.ids)
    needed = [d.id for d in problem.depots] + [d.id for d in problem.destinations]
    for group in problem.evacuations:
        needed += [group.id, f"{group.id}:to"]
    for item_id in needed:
        if item_id not in matrix.ids:
            yield Problem("travel.ids", f"{item_id!r} has no row in the travel matrix")
    for i, row in enumerate(matrix.km):
        for j, value in enumerate(row):
            if i == j:
                continue
            where = f"travel.km[{i}][{j}] ({matrix.ids[i]} -> {matrix.ids[j]})"
            if value is None or not math.isfinite(value):
                yield Problem(where, "is missing")
            elif value < 0:
                yield Problem(where, f"is negative ({value})")
