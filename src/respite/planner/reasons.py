"""The binding reason for each undelivered drop, checked in the order a coordinator would ask.

1. *unreachable*: in no shift does a covered road lead from a depot with vehicles for this
   cargo to the place (and on to the drop-off) and back;
2. *demand over capacity*: the vehicles that can reach it are all smaller than the drop;
3. *window too short*: they can reach it, but no lone round trip (drive, wait for the
   place to open, serve, drive back) fits inside any shift;
4. *crossing capacity* / *fleet*: a lone trip fits, but every vehicle that could have made it
   was in use; crossing capacity when those vehicles were capped by a crossing's hourly
   throughput rather than by the fleet;
5. *not scheduled*: a vehicle that could have made the trip alone stayed free, so the solver's
   budget ran out before it fitted this drop in (more seconds may deliver it).
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

import numpy as np

from respite.planner.build import Cohort, covered, lone_trip_fits, service_seconds, stops_of
from respite.planner.model import Cargo, PlanningProblem
from respite.planner.result import Reason
from respite.planner.shifts import Drop, Shift, open_spans
from respite.planner.travel import Travel

CohortKey = tuple[int, int, int, object]


def cohort_key(cohort: Cohort) -> CohortKey:
    return (cohort.shift.index, cohort.kind, cohort.depot, cohort.start)


def explain(
    problem: PlanningProblem,
    travel: Travel,
    shifts: tuple[Shift, ...],
    cohorts: list[Cohort],
    used: Counter[CohortKey],
    drop: Drop,
) -> tuple[Reason, str]:
    """Why ``drop`` was not delivered, with a sentence of detail."""
    mine = [c for c in cohorts if problem.vehicles[c.kind].cargo is drop.cargo]
    stops = stops_of(problem, drop)
    reaching = [c for c in mine if covered(travel, c.shift, c.depot, stops)]
    if not reaching:
        bases = sorted({problem.depots[c.depot].id for c in mine}) or ["-"]
        return Reason.UNREACHABLE, (
            f"no open window covers a road to it from {', '.join(bases)} and back"
        )
    big_enough = [c for c in reaching if problem.vehicles[c.kind].capacity >= drop.amount]
    if not big_enough:
        largest = max(problem.vehicles[c.kind].capacity for c in reaching)
        return Reason.DEMAND_OVER_CAPACITY, (
            f"a part of {drop.amount} is more than the vehicles that reach it carry ({largest})"
        )
    fitting = [c for c in big_enough if fits_in_shift(problem, travel, c, drop)]
    if not fitting:
        trip = min(_round_trip(problem, travel, c, drop) for c in big_enough)
        longest = max(s.hours for s in shifts)
        return Reason.WINDOW_TOO_SHORT, (
            f"the shortest covered round trip with service takes {trip:.1f} h; "
            f"the longest window it can use lasts {longest:.1f} h"
        )
    free = [c for c in fitting if used[cohort_key(c)] < c.count]
    if not free:
        if any(c.limit == "crossing" for c in fitting):
            return Reason.CROSSING_CAPACITY, (
                "every vehicle slot the crossings' hourly throughput allowed in its windows "
                "was used"
            )
        return Reason.FLEET, "every vehicle that could reach it in its windows was in use"
    return Reason.NOT_SCHEDULED, (
        f"{len(free)} vehicle group(s) could have made the trip alone; give the solver more time"
    )


def fits_in_shift(problem: PlanningProblem, travel: Travel, cohort: Cohort, drop: Drop) -> bool:
    shift = cohort.shift
    if drop.cargo is Cargo.PEOPLE:
        return lone_trip_fits(problem, travel, cohort, drop, (shift.start, shift.end))
    opening = problem.destinations[drop.item].opening
    spans = open_spans(shift.start, shift.end, opening, problem.timezone)
    return any(lone_trip_fits(problem, travel, cohort, drop, span) for span in spans)


def _round_trip(problem: PlanningProblem, travel: Travel, cohort: Cohort, drop: Drop) -> float:
    """Hours of driving and service for a lone trip (no waiting)."""
    km = travel.legs(cohort.shift.key, cohort.shift.zone).km
    path = [cohort.depot, *stops_of(problem, drop), cohort.depot]
    drive = sum(float(km[a, b]) for a, b in itertools.pairwise(path))
    service = timedelta(seconds=service_seconds(problem, drop)) * (len(path) - 2)
    hours = drive / problem.vehicles[cohort.kind].speed_kmh + service.total_seconds() / 3600
    return float(hours) if np.isfinite(hours) else float("inf")
