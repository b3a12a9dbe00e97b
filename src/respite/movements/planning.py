"""Planning a movement against the pauses: pure functions (no web, no database).

:func:`plan_movement` resolves the route, asks :func:`respite.engine.check_route` which
stretches of the planned trip fall outside pause coverage, and lists the departures in the next
days at which the *whole* trip is covered (:func:`fitting_departures`).

How the fitting departures are found, exactly and without stepping through candidate times:
at constant speed the traveller's position is a function of the time since departure ``u``, so
each pause zone the route crosses is occupied during fixed offsets ``occ_z`` (the same spans
``check_route`` computes). Cut ``[0, T)`` at every end of every ``occ_z``: within each piece
``J = [u0, u1)`` the set ``Z`` of zones the traveller is in does not change. Departing at ``d``
the piece is covered iff ``[d + u0, d + u1)`` lies inside ``S_Z``, the union of the windows of
the zones in ``Z`` (back-to-back windows merged, as :class:`~respite.schedule.IntervalSet`
does), i.e. inside one interval ``[s, e)`` of ``S_Z``, i.e. ``s - u0 <= d <= e - u1``. The
departures that cover the whole trip are the intersection over the pieces of those intervals:
a few interval-set operations, to the second, whatever the length of the search.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point

from respite.engine import CoverageEngine, RouteCheck, check_route
from respite.engine.route import _zone_time_spans
from respite.errors import InvalidInput, NotFound
from respite.geometry import AreaCatalogue, normalise_name
from respite.movements.model import Area, MovementSpec, RouteSpec
from respite.schedule import IntervalSet, from_utc_seconds, utc_seconds

_GEOD = Geod(ellps="WGS84")
#: Governorates north of Wadi Gaza (the OCHA access reports' split), by pcode. Wadi Gaza runs
#: close to the Gaza / Deir al-Balah governorate boundary, which is the approximation used.
NORTH_OF_WADI_GAZA = frozenset({"PS0255", "PS0260"})
#: Fastest plausible road speed for a convoy; a shorter travel time is a typing mistake.
MAX_SPEED_KMH = 120.0
DEFAULT_SEARCH_DAYS = 3
MAX_SEARCH_DAYS = 14

Position = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Route:
    coordinates: tuple[Position, ...]
    length_km: float
    description: str
    area: Area
    #: pcode of the governorate holding the destination (None outside the Strip)
    destination_pcode: str | None


@dataclass(frozen=True, slots=True)
class Fit:
    """Departures between ``earliest`` and ``latest`` (both included) cover the whole trip."""

    earliest: datetime
    latest: datetime
    travel: timedelta
    pause_ids: tuple[str, ...]

    @property
    def arrival_by(self) -> datetime:
        return self.latest + self.travel


@dataclass(frozen=True, slots=True)
class Plan:
    route: Route
    travel: timedelta
    speed_kmh: float
    #: the trip at the earliest planned departure
    check: RouteCheck
    #: departures in the search period at which the whole trip is covered
    fits: tuple[Fit, ...]
    search_from: datetime
    search_to: datetime
    #: some departure inside the planned departure window covers the whole trip
    fits_planned_window: bool
    #: pauses covering any part of the planned trip
    pause_ids: tuple[str, ...]
    warnings: tuple[str, ...]


# -- routes ------------------------------------------------------------------------------------


def resolve_route(spec: RouteSpec, catalogue: AreaCatalogue | None = None) -> Route:
    """The route's positions (lon, lat), length, destination area; InvalidInput names the
    field (``route.road``, ``route.waypoints[2]``)."""
    catalogue = catalogue or AreaCatalogue.bundled()
    if spec.road is not None:
        try:
            road = catalogue.road(spec.road)
        except NotFound as error:
            raise InvalidInput(str(error), location="route.road") from None
        coordinates = [(float(x), float(y)) for x, y, *_ in road.geometry.coords]
        southbound = coordinates[0][1] >= coordinates[-1][1]
        if southbound != (spec.direction == "south"):
            coordinates.reverse()
        description = f"{road.name_en}, {spec.direction}bound ({road.name_ar})"
    elif spec.line is not None:
        coordinates = [(float(p[0]), float(p[1])) for p in spec.line["coordinates"]]
        description = "the notified line"
    else:
        coordinates = [
            _waypoint(point, index, catalogue) for index, point in enumerate(spec.waypoints or ())
        ]
        description = "by waypoints"
    points = np.asarray(coordinates, dtype=np.float64)
    lengths = _GEOD.inv(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])[2]
    length_km = float(np.sum(lengths)) / 1000
    if length_km <= 0:
        raise InvalidInput(
            "the route has no length: its positions are all the same", location="route"
        )
    area, pcode = area_of(coordinates[-1], catalogue)
    return Route(tuple(coordinates), round(length_km, 3), description, area, pcode)


def _waypoint(point: Any, index: int, catalogue: AreaCatalogue) -> Position:
    if not isinstance(point, str):
        lon, lat = point  # checked by RouteSpec: [lon, lat]
        return float(lon), float(lat)
    try:
        found = catalogue.crossing(point).geometry
        return float(found.x), float(found.y)
    except NotFound:
        pass
    wanted = normalise_name(point)
    for place in catalogue.places():
        if wanted in {normalise_name(n) for n in (place.name_en, place.name_ar, *place.aliases)}:
            return float(place.geometry.x), float(place.geometry.y)
    raise InvalidInput(
        f"no crossing or place named {point!r}; give [lon, lat]",
        location=f"route.waypoints[{index}]",
    )


def area_of(position: Position, catalogue: AreaCatalogue | None = None) -> tuple[Area, str | None]:
    """North or south of Wadi Gaza, and the governorate's pcode, for a position."""
    catalogue = catalogue or AreaCatalogue.bundled()
    point = Point(position)
    for governorate in catalogue.governorates():
        if governorate.geometry.covers(point):
            north = governorate.ref in NORTH_OF_WADI_GAZA
            return (Area.NORTH if north else Area.SOUTH), governorate.ref
    # Outside the Strip (a crossing): by latitude, at Wadi Gaza's mouth.
    return (Area.NORTH if position[1] >= 31.44 else Area.SOUTH), None


# -- fitting departures ------------------------------------------------------------------------


def _clock(coordinates: Sequence[Position], speed_kmh: float) -> tuple[np.ndarray, np.ndarray]:
    """Vertex positions and seconds after departure, computed as ``check_route`` does."""
    points = np.asarray(coordinates, dtype=np.float64)
    lengths = np.array(
        _GEOD.inv(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])[2], dtype=float
    )
    distance = np.concatenate([[0.0], np.cumsum(lengths)])
    return points, distance / (speed_kmh * 1000 / 3600)


def fitting_departures(
    engine: CoverageEngine,
    coordinates: Sequence[Position],
    *,
    speed_kmh: float,
    start: datetime,
    end: datetime,
) -> IntervalSet:
    """UTC seconds ``d`` in ``[start, end)`` at which the trip departing at ``d`` is covered all
    the way (``check_route(...).fully_covered``); computed exactly (see the module docstring).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from respite.scenarios import load_scenario
    >>> from respite.geometry import AreaCatalogue
    >>> road = AreaCatalogue.bundled().road("salah-al-din").geometry.coords
    >>> engine = CoverageEngine(load_scenario())
    >>> found = fitting_departures(engine, list(road), speed_kmh=14.633,
    ...     start=datetime(2023, 11, 5, tzinfo=UTC), end=datetime(2023, 11, 6, tzinfo=UTC))
    >>> [(a.isoformat(), b.isoformat()) for a, b in found.to_datetimes()]
    [('2023-11-05T08:00:00+00:00', '2023-11-05T11:00:01+00:00')]
    """
    lo, hi = utc_seconds(start), utc_seconds(end)
    engine_lo, engine_hi = engine.index.horizon
    points, clock = _clock(coordinates, speed_kmh)
    travel = round(float(clock[-1]))
    lo, hi = max(lo, engine_lo), min(hi, engine_hi - travel)
    if hi <= lo or travel <= 0:
        return IntervalSet.empty()
    geoms = engine.index.geoms
    line = LineString(points)
    zones = np.nonzero(shapely.intersects(geoms, line))[0].tolist() if len(geoms) else []
    occupied: dict[int, IntervalSet] = {}
    for zone in zones:
        spans = _zone_time_spans(geoms[zone], points, clock) & IntervalSet.from_pairs([(0, travel)])
        if not spans.is_empty:
            occupied[zone] = spans
    cuts = sorted({0, travel, *(t for s in occupied.values() for pair in s for t in pair)})
    offsets = engine.index.interval_offsets
    window = (lo - travel, hi + travel)
    schedules = {
        zone: IntervalSet(
            engine.index.starts[offsets[zone] : offsets[zone + 1]],
            engine.index.ends[offsets[zone] : offsets[zone + 1]],
        ).clip(*window)
        for zone in occupied
    }
    good = IntervalSet.from_pairs([(lo, hi)])
    for u0, u1 in itertools.pairwise(cuts):
        if u0 >= travel:
            break
        inside = [z for z, spans in occupied.items() if spans.contains(u0)]
        covering = IntervalSet.empty()
        for zone in inside:
            covering = covering | schedules[zone]
        good = good & IntervalSet.from_pairs(
            (s - u0, e - u1 + 1) for s, e in covering if e - s >= u1 - u0
        )
        if good.is_empty:
            break
    return good


def route_window(
    engine: CoverageEngine, coordinates: Sequence[Position], *, start: datetime, end: datetime
) -> IntervalSet:
    """The windows, within ``[start, end)``, of the pause zones the route crosses (the time
    a convoy on that route could use, before any wait at a holding point)."""
    lo, hi = utc_seconds(start), utc_seconds(end)
    geoms = engine.index.geoms
    line = LineString(np.asarray(coordinates, dtype=np.float64))
    zones = np.nonzero(shapely.intersects(geoms, line))[0].tolist() if len(geoms) else []
    offsets = engine.index.interval_offsets
    found = IntervalSet.empty()
    for zone in zones:
        found = found | IntervalSet(
            engine.index.starts[offsets[zone] : offsets[zone + 1]],
            engine.index.ends[offsets[zone] : offsets[zone + 1]],
        )
    return found.clip(lo, hi)


# -- the plan ----------------------------------------------------------------------------------


def plan_movement(
    engine: CoverageEngine,
    spec: MovementSpec,
    *,
    search_days: int = DEFAULT_SEARCH_DAYS,
    search_from: datetime | None = None,
    catalogue: AreaCatalogue | None = None,
) -> Plan:
    """Check the planned trip and find fitting departures; ``spec`` must be in UTC.

    The search runs for ``search_days`` days from ``search_from`` (default: midnight, local
    time, of the day of the earliest planned departure).
    """
    if not 1 <= search_days <= MAX_SEARCH_DAYS:
        raise InvalidInput(f"search 1 to {MAX_SEARCH_DAYS} days", location="days")
    route = resolve_route(spec.route, catalogue)
    travel = spec.travel_time(route.length_km)
    if travel <= timedelta(0):
        raise InvalidInput("the arrival must come after the departure", location="arrival")
    speed = route.length_km / (travel.total_seconds() / 3600)
    if speed > MAX_SPEED_KMH:
        location = "travel_minutes" if spec.speed_kmh is None else "speed_kmh"
        raise InvalidInput(
            f"{route.length_km} km in {travel} would be {speed:.0f} km/h; "
            f"at most {MAX_SPEED_KMH:.0f} km/h is plausible",
            location=location,
        )
    departure = spec.departure.earliest
    check = check_route(engine, route.coordinates, departure=departure, speed_kmh=speed)
    if search_from is None:
        local = departure.astimezone(ZoneInfo(spec.timezone))
        search_from = local.replace(hour=0, minute=0, second=0, microsecond=0)
    search_to = search_from + timedelta(days=search_days)
    good = fitting_departures(
        engine, route.coordinates, speed_kmh=speed, start=search_from, end=search_to
    )
    actual = timedelta(seconds=round((check.arrival - check.departure).total_seconds()))
    fits = tuple(_fit(engine, route, speed, actual, s, e) for s, e in good)
    planned = IntervalSet.from_pairs(
        [(utc_seconds(departure), utc_seconds(spec.departure.latest) + 1)]
    )
    pause_ids = tuple(sorted({p for s in check.covered for p in s.pause_ids}))
    return Plan(
        route=route,
        travel=actual,
        speed_kmh=round(speed, 2),
        check=check,
        fits=fits,
        search_from=search_from,
        search_to=search_to,
        fits_planned_window=not (good & planned).is_empty,
        pause_ids=pause_ids,
        warnings=tuple(_rule_warnings(engine, route, {*pause_ids, *_fit_ids(fits)})),
    )


def _fit(
    engine: CoverageEngine, route: Route, speed: float, travel: timedelta, start: int, end: int
) -> Fit:
    earliest = from_utc_seconds(start)
    covered = check_route(engine, route.coordinates, departure=earliest, speed_kmh=speed)
    ids = tuple(sorted({p for s in covered.covered for p in s.pause_ids}))
    return Fit(earliest, from_utc_seconds(end - 1), travel, ids)


def _fit_ids(fits: Sequence[Fit]) -> set[str]:
    return {p for fit in fits for p in fit.pause_ids}


def _rule_warnings(engine: CoverageEngine, route: Route, pause_ids: set[str]) -> list[str]:
    """Movement rules of the pauses the trip uses that the route seems to break."""
    start, end = route.coordinates[0], route.coordinates[-1]
    heading = "south" if end[1] < start[1] else "north"
    warnings = []
    for pause_id in sorted(pause_ids):
        pause = engine.pauses.get(pause_id)
        if pause is None:
            continue
        for rule in pause.spec.movement_rules:
            if rule.rule == "direction_only" and rule.direction in ("north", "south"):
                if rule.direction != heading:
                    warnings.append(
                        f"pause {pause_id} allows {rule.direction}bound movement only "
                        f"({rule.text.en}); this route heads {heading}"
                    )
            elif rule.rule in ("vehicles_banned", "on_foot_only", "no_return"):
                warnings.append(f"pause {pause_id}: {rule.text.en}")
    return warnings


__all__ = [
    "DEFAULT_SEARCH_DAYS",
    "MAX_SEARCH_DAYS",
    "Fit",
    "Plan",
    "Route",
    "area_of",
    "fitting_departures",
    "plan_movement",
    "resolve_route",
    "route_window",
]
