"""``plan(problem, stop, seed=...)``: the planner's entry point, shaped like ``pyvrp.solve``.

Validates the problem (every problem at once), builds the covered road graph, cuts the
windows into shifts and the demand into drops, then solves period by period (see
:mod:`respite.planner.shifts`) with :func:`respite.planner.solver.run_pyvrp`, and explains
every undelivered drop (:mod:`respite.planner.reasons`).

Examples
--------
>>> from respite.planner import MaxIterations
>>> # result = plan(problem, MaxIterations(500), seed=1)
>>> # result.delivered_share(), [s.reason for s in result.shortfalls]
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import numpy as np
import pyvrp

from respite.planner.build import Cohort, PeriodModel, build_period, cohorts_of, fleet_shares
from respite.planner.model import Cargo, PlanningProblem
from respite.planner.reasons import CohortKey, cohort_key, explain, fits_in_shift
from respite.planner.result import (
    ItemOutcome,
    Leg,
    PlannedRoute,
    PlanResult,
    Reason,
    Shortfall,
    Stop,
)
from respite.planner.shifts import PRIZE_PER_LOAD, Drop, Shift, drops_of, periods_of, shifts_of
from respite.planner.solver import run_pyvrp
from respite.planner.stop import Stop as Budget
from respite.planner.travel import Travel
from respite.planner.validate import check_problem

#: (periods finished, periods in all, seconds into the current period's run)
PlanProgress = Callable[[int, int, float], None]

#: PyVRP's penalty ceiling per unit of excess load or second of lateness: above any prize, so
#: that breaking a rule never pays (PyVRP's default, 100,000, is below a full load's prize)
_PENALTY = 10.0 * max(PRIZE_PER_LOAD.values())

#: a period offers the solver at most this multiple of what its vehicles could carry
_OFFER_FACTOR = 1.5


def plan(
    problem: PlanningProblem,
    stop: Budget,
    seed: int = 0,
    *,
    progress: PlanProgress | None = None,
    max_visits: int = 1500,
) -> PlanResult:
    """Plan ``problem`` within the budget ``stop`` (e.g. ``MaxRuntime(10)``), reproducibly
    for a given ``seed`` and iteration budget. Raises ``InvalidInput`` on bad input."""
    began = time.perf_counter()
    check_problem(problem)
    travel = Travel.of(problem)
    shifts = shifts_of(problem)
    drops = drops_of(problem)
    shares = fleet_shares(problem)
    shift_cohorts = {
        s.index: _moving(problem, travel, s, cohorts_of(problem, s, shares)) for s in shifts
    }
    servable = _Servable(problem, travel)
    estimate = [
        len(_offer(problem, servable.filter(drops, shift_cohorts[s.index]), shift_cohorts[s.index]))
        for s in shifts
    ]
    periods = periods_of(shifts, estimate, max_visits)
    weights = [sum(estimate[s.index] for s in period) for period in periods]
    remaining = list(drops)
    routes: list[PlannedRoute] = []
    used: Counter[CohortKey] = Counter()
    feasible, iterations = True, 0
    for number, period in enumerate(periods):
        cohorts = [c for s in period for c in shift_cohorts[s.index]]
        offered = _offer(problem, servable.filter(remaining, cohorts), cohorts)
        if not offered or not cohorts:
            continue
        model = build_period(problem, travel, period, offered, shares)
        if model.data.num_clients + model.data.num_shipments == 0:
            continue
        share = weights[number] / max(sum(weights), 1)
        watch = None if progress is None else _period_watch(progress, number, len(periods))
        run = run_pyvrp(
            model.data, stop.for_share(share), seed=seed, progress=watch, max_penalty=_PENALTY
        )
        iterations += run.iterations
        period_routes, done, route_feasible = _extract(problem, travel, model, run.solution)
        feasible = feasible and route_feasible
        routes += period_routes
        for vehicle_type, count in done.vehicles.items():
            used[cohort_key(model.cohorts[vehicle_type])] += count
        delivered = set(done.drops)
        remaining = [d for d in remaining if d not in delivered]
        if progress is not None:
            progress(number + 1, len(periods), 0.0)
    all_cohorts = [c for s in shifts for c in shift_cohorts[s.index]]
    return PlanResult(
        problem=problem.name,
        timezone=problem.timezone,
        routes=tuple(sorted(routes, key=lambda r: (r.departure, r.vehicle))),
        items=_outcomes(problem, remaining),
        shortfalls=_shortfalls(problem, travel, shifts, all_cohorts, used, remaining),
        feasible=feasible,
        periods=len(periods),
        iterations=iterations,
        runtime=time.perf_counter() - began,
        upper_bound=_upper_bound(problem, all_cohorts),
    )


def _period_watch(
    progress: PlanProgress, number: int, total: int
) -> Callable[[float, float], None]:
    def tick(elapsed: float, best: float) -> None:
        del best
        progress(number, total, elapsed)

    return tick


def _offer(
    problem: PlanningProblem, drops: list[Drop] | tuple[Drop, ...], cohorts: list[Cohort]
) -> list[Drop]:
    """The most urgent drops, round-robin over places, up to 1.5 x what the cohorts carry."""
    room = dict.fromkeys(Cargo, 0.0)
    for c in cohorts:
        kind = problem.vehicles[c.kind]
        room[kind.cargo] += _OFFER_FACTOR * c.count * kind.capacity
    out = []
    for drop in drops:
        if room[drop.cargo] > 0:
            out.append(drop)
            room[drop.cargo] -= drop.amount
    return out


def _moving(
    problem: PlanningProblem, travel: Travel, shift: Shift, cohorts: list[Cohort]
) -> list[Cohort]:
    """The cohorts that can leave their depot under cover in ``shift`` at all."""
    km = travel.legs(shift.key, shift.zone).km
    first = len(problem.depots)
    return [c for c in cohorts if np.isfinite(km[c.depot, first:]).any()]


class _Servable:
    """Which drops some cohort could serve alone (cached per cohort, place and size)."""

    def __init__(self, problem: PlanningProblem, travel: Travel) -> None:
        self._problem = problem
        self._travel = travel
        self._known: dict[tuple[CohortKey, Cargo, int, int], bool] = {}

    def filter(self, drops: Iterable[Drop], cohorts: list[Cohort]) -> list[Drop]:
        return [d for d in drops if any(self._fits(c, d) for c in cohorts)]

    def _fits(self, cohort: Cohort, drop: Drop) -> bool:
        key = (cohort_key(cohort), drop.cargo, drop.item, drop.amount)
        if key not in self._known:
            self._known[key] = fits_in_shift(self._problem, self._travel, cohort, drop)
        return self._known[key]


class _Done:
    def __init__(self) -> None:
        self.drops: list[Drop] = []
        self.vehicles: Counter[int] = Counter()


def _extract(
    problem: PlanningProblem, travel: Travel, model: PeriodModel, solution: pyvrp.Solution
) -> tuple[list[PlannedRoute], _Done, bool]:
    done = _Done()
    routes = []
    feasible = True
    serial: Counter[int] = Counter()
    for route in solution.routes():
        if not route.is_feasible():
            feasible = False  # never report a route that breaks a window or a capacity
            continue
        vt = int(route.vehicle_type())
        serial[vt] += 1
        done.vehicles[vt] += 1
        routes.append(_route(problem, travel, model, route, vt, serial[vt], done))
    return routes, done, feasible


def _route(
    problem: PlanningProblem,
    travel: Travel,
    model: PeriodModel,
    route: pyvrp.Route,
    vt: int,
    number: int,
    done: _Done,
) -> PlannedRoute:
    cohort = model.cohorts[vt]
    kind = problem.vehicles[cohort.kind]
    depot = problem.depots[cohort.depot]
    legs_now = travel.legs(cohort.shift.key, cohort.shift.zone)

    def at(seconds: int) -> datetime:
        return model.epoch + timedelta(seconds=int(seconds))

    stops: list[Stop] = []
    legs: list[Leg] = []
    previous: tuple[int, int] | None = None  # (place index, time service ended)
    schedule = list(route.schedule())
    for position, activity in enumerate(schedule):
        place, action, amount, item = _activity(problem, model, activity, position, len(schedule))
        if activity.is_client():
            done.drops.append(model.visits[activity.idx].drop)
        elif activity.is_pickup():
            done.drops.append(model.rides[activity.idx])
        arrive = activity.start_time - activity.wait_duration
        if previous is not None:
            start_place, left = previous
            km = float(legs_now.km[start_place, place])
            drive = round(km / kind.speed_kmh * 3600)
            arrive = left + drive
            legs.append(
                Leg(
                    from_id=travel.places[start_place].id,
                    to_id=travel.places[place].id,
                    depart=at(left),
                    arrive=at(left + drive),
                    km=round(km, 3),
                    windows=cohort.shift.key,
                    path=tuple(legs_now.path(start_place, place)),
                )
            )
        stops.append(
            Stop(
                place_id=travel.places[place].id,
                name=travel.places[place].name,
                action=action,
                arrive=at(arrive),
                start=at(activity.start_time),
                end=at(activity.end_time),
                amount=amount,
                item_id=item,
            )
        )
        previous = (place, activity.end_time)
    return PlannedRoute(
        vehicle=f"{kind.id}@{depot.id} {cohort.start:%Y-%m-%dT%H:%MZ} #{number}",
        kind=kind.id,
        depot=depot.id,
        windows=cohort.shift.key,
        stops=tuple(stops),
        legs=tuple(legs),
    )


def _activity(
    problem: PlanningProblem,
    model: PeriodModel,
    activity: pyvrp.ScheduledActivity,
    position: int,
    count: int,
) -> tuple[int, str, int, str]:
    """(place index, action, amount, item id) of one scheduled activity."""
    depots, places = len(problem.depots), len(problem.destinations)
    if activity.is_depot():
        action = "depart" if position == 0 else "return" if position == count - 1 else "reload"
        return int(activity.idx), action, 0, ""
    if activity.is_client():
        drop = model.visits[activity.idx].drop
        return depots + drop.item, "deliver", drop.amount, problem.destinations[drop.item].id
    ride = model.rides[activity.idx]
    group = problem.evacuations[ride.item]
    pickup = depots + places + ride.item
    if activity.is_pickup():
        return pickup, "pickup", ride.amount, group.id
    return pickup + len(problem.evacuations), "dropoff", ride.amount, group.id


def _outcomes(problem: PlanningProblem, remaining: list[Drop]) -> tuple[ItemOutcome, ...]:
    left: Counter[tuple[Cargo, int]] = Counter()
    for drop in remaining:
        left[(drop.cargo, drop.item)] += drop.amount
    out = [
        ItemOutcome(p.id, p.name, "goods", p.priority, p.demand, p.demand - left[(Cargo.GOODS, i)])
        for i, p in enumerate(problem.destinations)
    ]
    out += [
        ItemOutcome(
            e.id, e.name, "people", e.priority, e.people, e.people - left[(Cargo.PEOPLE, i)]
        )
        for i, e in enumerate(problem.evacuations)
    ]
    return tuple(out)


def _shortfalls(
    problem: PlanningProblem,
    travel: Travel,
    shifts: tuple[Shift, ...],
    cohorts: list[Cohort],
    used: Counter[CohortKey],
    remaining: list[Drop],
) -> tuple[Shortfall, ...]:
    grouped: dict[tuple[Cargo, int, str], list[Drop]] = defaultdict(list)
    details: dict[tuple[Cargo, int, str], str] = {}
    known: dict[tuple[Cargo, int, int], tuple[Reason, str]] = {}
    for drop in remaining:
        alike = (drop.cargo, drop.item, drop.amount)  # same place and size: same answer
        if alike not in known:
            known[alike] = explain(problem, travel, shifts, cohorts, used, drop)
        reason, detail = known[alike]
        key = (drop.cargo, drop.item, reason.value)
        grouped[key].append(drop)
        details.setdefault(key, detail)
    out = []
    for (cargo, item, reason_name), parts in grouped.items():
        if cargo is Cargo.GOODS:
            name, item_id = problem.destinations[item].name, problem.destinations[item].id
        else:
            name, item_id = problem.evacuations[item].name, problem.evacuations[item].id
        out.append(
            Shortfall(
                item_id=item_id,
                name=name,
                cargo=cargo.value,
                amount=sum(d.amount for d in parts),
                priority=parts[0].priority,
                reason=Reason(reason_name),
                detail=details[(cargo, item, reason_name)],
            )
        )
    return tuple(sorted(out, key=lambda s: (s.priority, -s.amount, s.item_id)))


def _upper_bound(problem: PlanningProblem, cohorts: list[Cohort]) -> dict[str, int | None]:
    """What the crossings could pass: one full load per vehicle slot (throughput x hours,
    capped by the fleet). None for a cargo also carried from bases, whose vehicles may make
    as many trips as fit, so that no such bound exists."""
    bound: dict[str, int | None] = {cargo.value: 0 for cargo in Cargo}
    for c in cohorts:
        kind = problem.vehicles[c.kind]
        so_far = bound[kind.cargo.value]
        if problem.depots[c.depot].throughput_per_hour is None or so_far is None:
            bound[kind.cargo.value] = None
        else:
            bound[kind.cargo.value] = so_far + c.count * kind.capacity
    return bound
