"""One planning period as PyVRP data: depots, vehicle cohorts, visit copies, rides, profiles.

How the problem's rules become PyVRP's:

* **Windows.** Each (shift, speed) pair is a routing profile whose matrices hold the covered
  shortest paths of that shift (:mod:`respite.planner.travel`); a leg with no covered path is
  given PyVRP's largest value, so using it breaks the vehicle's time window. Vehicle types
  exist per shift and only within it (start no earlier than the shift, back by its end).
* **Several windows per place.** A drop gets one optional client per shift (and per opening
  span of the destination within it) whose time window is that span; the copies form a
  mutually exclusive client group, so the drop is delivered at most once, in whichever
  window the solver picks.
* **Crossing throughput.** Vehicles pass a crossing at its hourly rate: a crossing's vehicles
  in a shift are hourly cohorts of at most ``throughput_per_hour``, the k-th cohort may only
  leave in the k-th hour of the shift, for as long as the fleet lasts. This is how a queue at
  a gate behaves; a cohort vehicle left unused does not hand its slot to a later one.
* **Fleet.** A vehicle kind allowed at several depots is shared out between them in
  proportion to their throughput (largest remainder); each vehicle does one round
  trip per shift through a crossing (each entry needs a slot) and as many trips as fit from a
  base (a PyVRP reload at its depot); it is available again in the next shift.
* **Evacuations** are PyVRP shipments (pick-up before drop-off in the same route), in seats.
* **Heterogeneous fleet, several depots:** one vehicle type per (shift, kind, depot, cohort);
  load has two dimensions, pallets and seats.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

import numpy as np
import pyvrp

from respite.planner.model import Cargo, PlanningProblem, VehicleKind
from respite.planner.shifts import Drop, Shift, open_spans
from respite.planner.travel import Travel


@dataclass(frozen=True, slots=True)
class Cohort:
    """Vehicles of one kind that may leave one depot between ``start`` and ``start_late`` and
    must be back by ``end``; ``limit`` says what capped their number (crossing or fleet)."""

    shift: Shift
    kind: int
    depot: int
    start: datetime
    start_late: datetime
    end: datetime
    count: int
    limit: str


@dataclass(frozen=True, slots=True)
class Visit:
    """One optional copy of a drop: delivered in ``shift`` between ``start`` and ``end``."""

    drop: Drop
    shift: Shift
    start: datetime
    end: datetime


@dataclass(slots=True)
class PeriodModel:
    """PyVRP data and what each of its vehicle types, clients and shipments stands for."""

    data: pyvrp.ProblemData
    epoch: datetime
    cohorts: list[Cohort]
    visits: list[Visit]
    rides: list[Drop]
    profiles: list[tuple[Shift, float]]


def fleet_shares(problem: PlanningProblem) -> dict[tuple[int, int], int]:
    """How many vehicles of kind k are based at depot d: ``{(k, d): count}``."""
    depot_index = {d.id: i for i, d in enumerate(problem.depots)}
    shares: dict[tuple[int, int], int] = {}
    for k, kind in enumerate(problem.vehicles):
        bases = [
            depot_index[d]
            for d in kind.depots
            if problem.depots[depot_index[d]].accepts is None
            or kind.id in (problem.depots[depot_index[d]].accepts or ())
        ]
        rates = [problem.depots[d].throughput_per_hour for d in bases]
        fallback = max((r for r in rates if r is not None), default=1)
        weights = np.array([r if r is not None else fallback for r in rates], dtype=float)
        exact = kind.count * weights / weights.sum()
        counts = np.floor(exact).astype(int)
        for extra in np.argsort(-(exact - counts), kind="stable")[: kind.count - counts.sum()]:
            counts[extra] += 1
        for depot, count in zip(bases, counts, strict=True):
            shares[(k, depot)] = int(count)
    return shares


def cohorts_of(
    problem: PlanningProblem, shift: Shift, shares: dict[tuple[int, int], int]
) -> list[Cohort]:
    """The vehicle cohorts that may work in ``shift``: per depot and hour, its throughput is
    shared out between the vehicle kinds based there, one slot at a time in turn."""
    out: list[Cohort] = []
    hour = timedelta(hours=1)
    for d, depot in enumerate(problem.depots):
        based = {k: share for (k, at), share in sorted(shares.items()) if at == d and share > 0}
        for lo, hi in open_spans(shift.start, shift.end, depot.opening, problem.timezone):
            rate = depot.throughput_per_hour
            if rate is None:
                out += [Cohort(shift, k, d, lo, hi, hi, n, "fleet") for k, n in based.items()]
                continue
            hours = int(np.ceil((hi - lo) / hour))
            limit = "crossing" if rate * hours < sum(based.values()) else "fleet"
            left, begin = dict(based), lo
            while any(left.values()) and begin < hi:
                late = min(begin + hour, hi)
                slots: Counter[int] = Counter()
                for _ in range(rate):
                    waiting = [k for k in left if left[k] > slots[k]]
                    if not waiting:
                        break
                    slots[min(waiting, key=lambda k: slots[k])] += 1
                for k, n in sorted(slots.items()):
                    out.append(Cohort(shift, k, d, begin, late, hi, n, limit))
                    left[k] -= n
                begin = late
    return out


def service_seconds(problem: PlanningProblem, drop: Drop) -> int:
    if drop.cargo is Cargo.PEOPLE:
        return round(problem.evacuations[drop.item].service_minutes * 60)
    place = problem.destinations[drop.item]
    return round((place.service_minutes + place.minutes_per_unit * drop.amount) * 60)


def lone_trip_fits(
    problem: PlanningProblem,
    travel: Travel,
    cohort: Cohort,
    drop: Drop,
    span: tuple[datetime, datetime],
) -> bool:
    """Could one vehicle of ``cohort`` serve ``drop`` alone, starting service within ``span``,
    on covered legs, and be back by the cohort's end? (Leaving at once is never worse.)"""
    kind = problem.vehicles[cohort.kind]
    if kind.cargo is not drop.cargo or kind.capacity < drop.amount:
        return False
    km = travel.legs(cohort.shift.key, cohort.shift.zone).km
    path = [cohort.depot, *stops_of(problem, drop), cohort.depot]
    legs = [float(km[a, b]) for a, b in itertools.pairwise(path)]
    if not all(np.isfinite(legs)):
        return False
    service = timedelta(seconds=service_seconds(problem, drop))
    clock = cohort.start
    for leg in legs[:-1]:
        clock = max(clock + timedelta(hours=leg / kind.speed_kmh), span[0])
        if clock > span[1]:
            return False
        clock += service
    return clock + timedelta(hours=legs[-1] / kind.speed_kmh) <= cohort.end


def stops_of(problem: PlanningProblem, drop: Drop) -> list[int]:
    """Place indexes a drop visits (see :func:`respite.planner.travel.places_of`)."""
    depots, places = len(problem.depots), len(problem.destinations)
    if drop.cargo is Cargo.GOODS:
        return [depots + drop.item]
    pickup = depots + places + drop.item
    return [pickup, pickup + len(problem.evacuations)]


def covered(travel: Travel, shift: Shift, depot: int, drop_stops: list[int]) -> bool:
    """Is there a covered path from ``depot`` to the drop's places and back in ``shift``?"""
    km = travel.legs(shift.key, shift.zone).km
    path = [depot, *drop_stops, depot]
    return all(np.isfinite(km[a, b]) for a, b in itertools.pairwise(path))


def build_period(
    problem: PlanningProblem,
    travel: Travel,
    shifts: list[Shift],
    drops: list[Drop],
    shares: dict[tuple[int, int], int],
) -> PeriodModel:
    """The PyVRP data for ``shifts`` offering ``drops`` (those no cohort can serve are left out)."""
    epoch = shifts[0].start
    cohorts = [c for shift in shifts for c in cohorts_of(problem, shift, shares)]
    speeds = sorted({problem.vehicles[c.kind].speed_kmh for c in cohorts})
    profiles = [(shift, speed) for shift in shifts for speed in speeds]
    profile_of = {(p[0].index, p[1]): i for i, p in enumerate(profiles)}

    def sec(moment: datetime) -> int:
        return max(0, int((moment - epoch).total_seconds()))

    locations = [pyvrp.Location(x=p.lon, y=p.lat, name=p.id) for p in travel.places]
    depots = [pyvrp.Depot(location=i, name=d.id) for i, d in enumerate(problem.depots)]
    vehicle_types = []
    for c in cohorts:
        kind: VehicleKind = problem.vehicles[c.kind]
        load = [kind.capacity, 0] if kind.cargo is Cargo.GOODS else [0, kind.capacity]
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=c.count,
                capacity=load,
                start_depot=c.depot,
                end_depot=c.depot,
                tw_early=sec(c.start),
                start_late=sec(c.start_late),
                tw_late=sec(c.end),
                profile=profile_of[(c.shift.index, kind.speed_kmh)],
                # at a base (no throughput) a vehicle may come back, reload and go again;
                # through a crossing every entry needs a slot, so one trip per cohort vehicle
                reload_depots=[] if problem.depots[c.depot].throughput_per_hour else [c.depot],
                name=f"{kind.id}@{problem.depots[c.depot].id}",
            )
        )
    visits: list[Visit] = []
    clients: list[pyvrp.Client] = []
    groups: list[pyvrp.ClientGroup] = []
    rides: list[Drop] = []
    shipments: list[pyvrp.Shipment] = []
    spans_of: dict[tuple[int, int], list[Visit]] = {}
    for drop in drops:
        if drop.cargo is Cargo.PEOPLE:
            if _ride_possible(problem, travel, cohorts, drop, shifts):
                rides.append(drop)
                shipments.append(_shipment(problem, drop, sec(shifts[-1].end)))
            continue
        alike = (drop.item, drop.amount)  # drops of one place and size have the same copies
        if alike not in spans_of:
            spans_of[alike] = _copies(problem, travel, cohorts, drop, shifts)
        copies = [replace(v, drop=drop) for v in spans_of[alike]]
        group = len(groups) if len(copies) > 1 else None
        if group is not None:
            groups.append(pyvrp.ClientGroup(required=False))
        for visit in copies:
            if group is not None:
                groups[group].add_client(len(clients))
            visits.append(visit)
            clients.append(
                pyvrp.Client(
                    location=len(problem.depots) + drop.item,
                    delivery=[drop.amount, 0],
                    pickup=[0, 0],
                    service_duration=service_seconds(problem, drop),
                    tw_early=sec(visit.start),
                    tw_late=sec(visit.end),
                    prize=drop.prize,
                    required=False,
                    group=group,
                )
            )
    distances, durations = [], []
    # A leg with no covered path costs more than any route could and takes longer than the
    # whole period, so using it always breaks the vehicle's time window. (PyVRP's own
    # "missing" value, 2**44, would swamp the averages its penalties start from.)
    span = int((shifts[-1].end - epoch).total_seconds())
    finite = [
        legs.km[np.isfinite(legs.km)] for legs in (travel.legs(s.key, s.zone) for s in shifts)
    ]
    longest = max((float(f.max()) for f in finite if f.size), default=1.0)
    for shift, speed in profiles:
        km = travel.legs(shift.key, shift.zone).km
        blocked = ~np.isfinite(km)
        # distances in units of 10 m (see PRIZE_PER_LOAD); a blocked leg costs 10 x the longest
        decametres = np.where(
            blocked, round(longest * 1000), np.round(np.where(blocked, 0, km) * 100)
        )
        seconds = np.where(
            blocked, 2 * span + 86_400, np.round(np.where(blocked, 0, km) / speed * 3600)
        )
        distances.append(decametres.astype(np.int64))
        durations.append(seconds.astype(np.int64))
    data = pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        # PyVRP's stubs spell the matrix type ndarray[int], which numpy's types never match
        distance_matrices=cast(Any, distances),
        duration_matrices=cast(Any, durations),
        groups=groups,
        shipments=shipments,
    )
    return PeriodModel(data, epoch, cohorts, visits, rides, profiles)


def _copies(
    problem: PlanningProblem,
    travel: Travel,
    cohorts: list[Cohort],
    drop: Drop,
    shifts: list[Shift],
) -> list[Visit]:
    place = problem.destinations[drop.item]
    out = []
    for shift in shifts:
        mine = [c for c in cohorts if c.shift is shift]
        for span in open_spans(shift.start, shift.end, place.opening, problem.timezone):
            if any(lone_trip_fits(problem, travel, c, drop, span) for c in mine):
                out.append(Visit(drop, shift, span[0], span[1]))
    return out


def _ride_possible(
    problem: PlanningProblem,
    travel: Travel,
    cohorts: list[Cohort],
    drop: Drop,
    shifts: list[Shift],
) -> bool:
    span = (shifts[0].start, shifts[-1].end)
    return any(lone_trip_fits(problem, travel, c, drop, span) for c in cohorts)


def _shipment(problem: PlanningProblem, drop: Drop, end: int) -> pyvrp.Shipment:
    service = service_seconds(problem, drop)
    depots, places = len(problem.depots), len(problem.destinations)
    pickup = depots + places + drop.item
    return pyvrp.Shipment(
        pickup_location=pickup,
        delivery_location=pickup + len(problem.evacuations),
        pickup_tw_late=end,
        pickup_service_duration=service,
        delivery_tw_late=end,
        delivery_service_duration=service,
        amount=[0, drop.amount],
        prize=drop.prize,
        required=False,
    )
