"""From pause windows to shifts, drops and planning periods.

*Shifts.* Windows may overlap (two pauses open at once). The window boundaries cut time into
pieces during which the same windows are open; each piece with at least one open window is a
shift, whose covered area is the union of those windows' zones. Vehicles work within one
shift and are back at their depot when it ends, so no vehicle is ever on a covered stretch
outside the windows that cover it (conservative when windows only touch: a vehicle returns at
the boundary).

*Drops and rides.* A destination's demand is split into drops of at most ``drop_size``
(default the largest goods capacity); an evacuation's people into rides of at most the
largest bus. Each drop and ride is one prize-collecting visit: optional, with a prize
proportional to its size and 10 times larger for each step of priority, so the solver
delivers as much as it can by priority and only then saves distance.

*Periods.* Shifts are solved together in one PyVRP model while the model stays small
(``max_visits`` client copies); a longer campaign is solved period by period in time order,
each period offered what is still undelivered (greedy across periods, joint within one).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import shapely
from shapely.geometry.base import BaseGeometry

from respite.planner.model import Cargo, PlanningProblem, Window

#: prize per full vehicle load, by priority (1 most urgent), against distances in units of
#: 10 m: a full load of the lowest priority is worth 1,000 km of driving (more than any round
#: trip in a place the size of the Gaza Strip). Much larger prizes swamp
#: PyVRP's penalties for overloading and late arrival and it returns infeasible solutions.
PRIZE_PER_LOAD = {1: 10_000_000, 2: 1_000_000, 3: 100_000}


@dataclass(frozen=True, slots=True)
class Shift:
    """A span in which the same windows are open; ``zone`` is None when they cover everything."""

    index: int
    start: datetime
    end: datetime
    windows: tuple[Window, ...]
    zone: BaseGeometry | None

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(sorted(w.id for w in self.windows))

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class Drop:
    """One vehicle-sized part of a destination's demand (``item`` indexes destinations) or of
    an evacuation (``item`` indexes evacuations)."""

    cargo: Cargo
    item: int
    part: int
    amount: int
    priority: int
    prize: int


def shifts_of(problem: PlanningProblem) -> tuple[Shift, ...]:
    """The shifts of the problem's windows, from ``problem.now`` on, in time order."""
    cuts = sorted(
        {problem.now}
        | {w.start for w in problem.windows if w.start > problem.now}
        | {w.end for w in problem.windows}
    )
    shifts: list[Shift] = []
    for start, end in itertools.pairwise(cuts):
        if start < problem.now:
            continue
        open_windows = tuple(w for w in problem.windows if w.start <= start and w.end >= end)
        if not open_windows:
            continue
        zones = [w.zone for w in open_windows]
        zone = None if any(z is None for z in zones) else shapely.union_all(zones)
        shifts.append(Shift(len(shifts), start, end, open_windows, zone))
    return tuple(shifts)


def drops_of(problem: PlanningProblem) -> tuple[Drop, ...]:
    """Every drop and ride, most urgent first."""
    largest = {
        cargo: max((v.capacity for v in problem.vehicles if v.cargo is cargo), default=1)
        for cargo in Cargo
    }
    drops: list[Drop] = []
    for index, place in enumerate(problem.destinations):
        size = place.drop_size or largest[Cargo.GOODS]
        drops += _split(Cargo.GOODS, index, place.demand, size, place.priority, largest)
    for index, group in enumerate(problem.evacuations):
        size = largest[Cargo.PEOPLE] if group.divisible else group.people
        drops += _split(Cargo.PEOPLE, index, group.people, size, group.priority, largest)
    return tuple(sorted(drops, key=lambda d: (d.priority, d.part, d.cargo, d.item)))


def _split(
    cargo: Cargo, item: int, amount: int, size: int, priority: int, largest: dict[Cargo, int]
) -> list[Drop]:
    parts = math.ceil(amount / size)
    out = []
    for part in range(parts):
        piece = min(size, amount - part * size)
        prize = max(1, round(PRIZE_PER_LOAD[priority] * piece / largest[cargo]))
        out.append(Drop(cargo, item, part, piece, priority, prize))
    return out


def periods_of(shifts: tuple[Shift, ...], copies: list[int], max_visits: int) -> list[list[Shift]]:
    """Consecutive shifts grouped so that each group's client copies stay under ``max_visits``
    (a single shift is never split); ``copies[i]`` estimates the copies shift ``i`` needs."""
    periods: list[list[Shift]] = []
    total = 0
    for shift in shifts:
        if periods and total + copies[shift.index] <= max_visits:
            periods[-1].append(shift)
            total += copies[shift.index]
        else:
            periods.append([shift])
            total = copies[shift.index]
    return periods


def open_spans(
    start: datetime, end: datetime, opening: tuple[tuple[time, time], ...], timezone: str
) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) inside the daily local ``opening`` hours (empty: all of it)."""
    if not opening:
        return [(start, end)]
    zone = ZoneInfo(timezone)
    spans: list[tuple[datetime, datetime]] = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    while datetime.combine(day, time(0), zone) < end:
        for open_at, close_at in opening:
            lo = datetime.combine(day, open_at, zone).astimezone(UTC)
            hi = datetime.combine(day, close_at, zone).astimezone(UTC)
            lo, hi = max(lo, start), min(hi, end)
            if lo < hi:
                spans.append((lo, hi))
        day += timedelta(days=1)
    return sorted(spans)
