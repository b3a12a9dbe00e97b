"""What a plan says: timed routes, what is delivered, and what is not with its binding reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Reason(StrEnum):
    """Why a part of a demand is left undelivered (the first limit that binds)."""

    #: no window covers a road to it from a depot whose vehicles carry it
    UNREACHABLE = "unreachable"
    #: a covered road exists, but no single round trip fits inside any window
    WINDOW_TOO_SHORT = "window too short"
    #: the vehicles that can reach it are larger than the crossings let through in the hours
    CROSSING_CAPACITY = "crossing capacity"
    #: every vehicle that could have served it in a window was already in use
    FLEET = "fleet"
    #: the vehicles that can reach it are smaller than the smallest part it comes in
    DEMAND_OVER_CAPACITY = "demand over capacity"
    #: a lone trip would fit and a vehicle was free: the solver's budget ran out first
    NOT_SCHEDULED = "not scheduled"


@dataclass(frozen=True, slots=True)
class Stop:
    """A place on a route: ``arrive`` (UTC), service from ``start`` to ``end``."""

    place_id: str
    name: str
    action: str  # depart, deliver, pickup, dropoff, return
    arrive: datetime
    start: datetime
    end: datetime
    amount: int = 0
    item_id: str = ""


@dataclass(frozen=True, slots=True)
class Leg:
    """A stretch driven between two stops, under the named pause windows."""

    from_id: str
    to_id: str
    depart: datetime
    arrive: datetime
    km: float
    windows: tuple[str, ...]
    path: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class PlannedRoute:
    vehicle: str
    kind: str
    depot: str
    windows: tuple[str, ...]
    stops: tuple[Stop, ...]
    legs: tuple[Leg, ...]

    @property
    def km(self) -> float:
        return round(sum(leg.km for leg in self.legs), 3)

    @property
    def departure(self) -> datetime:
        return self.stops[0].end

    @property
    def arrival(self) -> datetime:
        return self.stops[-1].arrive


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Part of a destination's demand or an evacuation left undelivered, and why."""

    item_id: str
    name: str
    cargo: str
    amount: int
    priority: int
    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    item_id: str
    name: str
    cargo: str
    priority: int
    demand: int
    delivered: int


@dataclass(frozen=True, slots=True)
class PlanResult:
    """The answer of :func:`respite.planner.plan`."""

    problem: str
    timezone: str
    routes: tuple[PlannedRoute, ...]
    items: tuple[ItemOutcome, ...]
    shortfalls: tuple[Shortfall, ...]
    feasible: bool
    periods: int
    iterations: int
    runtime: float
    #: units of each cargo the crossings could pass in the windows, at most (None: carried
    #: from bases too, where vehicles may make several trips)
    upper_bound: dict[str, int | None]

    def demand(self, cargo: str = "goods") -> int:
        return sum(i.demand for i in self.items if i.cargo == cargo)

    def delivered(self, cargo: str = "goods") -> int:
        return sum(i.delivered for i in self.items if i.cargo == cargo)

    def delivered_share(self, cargo: str = "goods") -> float:
        demand = self.demand(cargo)
        return self.delivered(cargo) / demand if demand else 1.0

    def delivered_by_priority(self) -> dict[int, tuple[int, int]]:
        """``{priority: (delivered, demand)}`` over all cargo."""
        out: dict[int, tuple[int, int]] = {}
        for item in self.items:
            done, total = out.get(item.priority, (0, 0))
            out[item.priority] = (done + item.delivered, total + item.demand)
        return dict(sorted(out.items()))
