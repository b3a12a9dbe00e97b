"""The planning problem: who must get where, with what, through which crossings, in which windows.

Everything here is plain data; :func:`respite.planner.validate.check_problem` says, all at
once, what is wrong with a problem (each problem names the item, e.g.
``destinations[3] (nasser-hospital): no window covers a road to it``), and
:func:`respite.planner.plan` solves it.

Units: goods in pallets, people in seats; distances in km; speeds in km/h; times are aware
``datetime`` objects (stored and computed in UTC, shown in ``PlanningProblem.timezone``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from enum import StrEnum

from shapely.geometry.base import BaseGeometry


class Cargo(StrEnum):
    """What a vehicle carries: pallets of goods or seated people."""

    GOODS = "goods"
    PEOPLE = "people"


@dataclass(frozen=True, slots=True)
class Window:
    """A time in which vehicles may be on the stretches inside ``zone`` (None: everywhere).

    One occurrence of a pause part (a daily pause gives one window per day).
    """

    id: str
    start: datetime
    end: datetime
    zone: BaseGeometry | None = None
    pause_id: str = ""
    part_id: str = ""


@dataclass(frozen=True, slots=True)
class Depot:
    """Where vehicles start and end: a crossing (with a throughput) or a base (health facility).

    ``throughput_per_hour`` is how many vehicles may pass per hour (None: no limit);
    ``opening`` the daily local opening hours (empty: always open); ``accepts`` the vehicle
    kinds it lets through (None: all).
    """

    id: str
    name: str
    lon: float
    lat: float
    throughput_per_hour: int | None = None
    opening: tuple[tuple[time, time], ...] = ()
    accepts: tuple[str, ...] | None = None
    kind: str = "crossing"


@dataclass(frozen=True, slots=True)
class Destination:
    """A distribution point, hospital, shelter or vaccination site with a demand in units of
    goods (pallets; for vaccination teams, children to vaccinate: a team carries the doses).

    ``priority`` 1 is the most urgent (1-3). A divisible demand is delivered in drops of at
    most ``drop_size`` (default: the largest capacity of the goods vehicles); a drop's
    service takes ``service_minutes`` plus ``minutes_per_unit`` for each unit.
    """

    id: str
    name: str
    lon: float
    lat: float
    demand: int
    priority: int = 2
    service_minutes: float = 30.0
    opening: tuple[tuple[time, time], ...] = ()
    divisible: bool = True
    drop_size: int | None = None
    minutes_per_unit: float = 0.0


@dataclass(frozen=True, slots=True)
class Evacuation:
    """People to pick up at one place and bring to another (a hospital, a shelter)."""

    id: str
    name: str
    lon: float
    lat: float
    to_name: str
    to_lon: float
    to_lat: float
    people: int
    priority: int = 1
    service_minutes: float = 20.0
    divisible: bool = True


@dataclass(frozen=True, slots=True)
class VehicleKind:
    """A kind of vehicle: how many, what it carries, how fast, from which depots."""

    id: str
    cargo: Cargo
    capacity: int
    count: int
    speed_kmh: float
    depots: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TravelMatrix:
    """Given road distances in km between named locations (depots, destinations, evacuation
    points and their drop-offs); ``km[i][j]`` from ``ids[i]`` to ``ids[j]``; None is missing."""

    ids: tuple[str, ...]
    km: tuple[tuple[float | None, ...], ...]


@dataclass(frozen=True, slots=True)
class RoadNetwork:
    """Roads (lon/lat lines) plus straight off-road links of at most ``link_km``, each
    ``detour`` times its straight length (the shipped road data has only the main roads)."""

    roads: tuple[BaseGeometry, ...] = ()
    link_km: float = 12.0
    detour: float = 1.3


@dataclass(frozen=True, slots=True)
class PlanningProblem:
    """A day's or a campaign's movements to plan.

    ``now`` is when the plan is made (windows that have ended by then are an error);
    ``cover_needed`` is the area where a vehicle may only drive inside an open window's
    zone (None: everywhere); ``travel`` the road network or a given matrix.
    """

    name: str
    timezone: str
    now: datetime
    depots: tuple[Depot, ...]
    vehicles: tuple[VehicleKind, ...]
    windows: tuple[Window, ...]
    destinations: tuple[Destination, ...] = ()
    evacuations: tuple[Evacuation, ...] = ()
    travel: RoadNetwork | TravelMatrix = field(default_factory=RoadNetwork)
    cover_needed: BaseGeometry | None = None

    def with_windows(self, windows: Sequence[Window]) -> PlanningProblem:
        return replace(self, windows=tuple(windows))
