"""Route checks: which stretches of a journey fall outside pause coverage?

A journey is a line with a time at every vertex (given, or from a departure time and a
constant speed). Position along the line is then a function of time, so each zone's spatial
overlap with a straight segment maps to a time span, which is intersected with that zone's
windows; the union over zones is the covered part of the journey, computed exactly (to the
second) rather than by sampling. Distances are geodesic (WGS84).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString

from respite.engine.coverage import CoverageEngine
from respite.errors import InvalidInput
from respite.schedule import IntervalSet, from_utc_seconds, utc_seconds

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class Stretch:
    """A piece of the journey: where (km from the start, end points) and when."""

    from_km: float
    to_km: float
    start: datetime
    end: datetime
    start_point: tuple[float, float]
    end_point: tuple[float, float]
    #: pause ids covering this stretch (empty for an uncovered stretch)
    pause_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RouteCheck:
    departure: datetime
    arrival: datetime
    length_km: float
    covered_fraction: float
    uncovered: tuple[Stretch, ...]
    covered: tuple[Stretch, ...]

    @property
    def fully_covered(self) -> bool:
        return not self.uncovered


def check_route(
    engine: CoverageEngine,
    coordinates: Sequence[tuple[float, float]],
    *,
    departure: datetime | None = None,
    speed_kmh: float | None = None,
    times: Sequence[datetime] | None = None,
) -> RouteCheck:
    """Check a journey along ``coordinates`` (lon, lat) against the engine's pauses.

    Give either ``departure`` and ``speed_kmh`` or one time per vertex in ``times``
    (non-decreasing; a repeated position with a later time is a wait there).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> from respite.scenarios import load_scenario
    >>> engine = CoverageEngine(load_scenario())
    >>> check = check_route(engine, [(34.445, 31.49), (34.40, 31.45)],
    ...     departure=datetime(2023, 11, 5, 8, 30, tzinfo=UTC), speed_kmh=5)
    >>> check.fully_covered
    False
    """
    points = np.asarray(coordinates, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) < 2:
        raise InvalidInput("a route needs at least two [lon, lat] positions", location="route")
    if not np.isfinite(points).all():
        raise InvalidInput("route positions must be finite numbers", location="route")
    lengths = np.array(
        _GEOD.inv(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])[2], dtype=float
    )
    distance = np.concatenate([[0.0], np.cumsum(lengths)])
    clock = _vertex_times(distance, departure, speed_kmh, times, len(points))
    journey = IntervalSet.from_pairs([(round(clock[0]), round(clock[-1]))])

    covered_by: dict[str, IntervalSet] = {}
    line = LineString(points)
    geoms = engine.index.geoms
    candidates: list[int] = (
        np.nonzero(shapely.intersects(geoms, line))[0].tolist() if len(geoms) else []
    )
    for zone in candidates:
        pause, _, _ = engine.part_of(zone)
        spans = _zone_time_spans(geoms[zone], points, clock)
        window = _slice(engine, zone)
        schedule = IntervalSet(engine.index.starts[window], engine.index.ends[window])
        hit = spans & schedule & journey
        if not hit.is_empty:
            covered_by[pause.id] = covered_by.get(pause.id, IntervalSet.empty()) | hit
    covered = IntervalSet.empty()
    for spans in covered_by.values():
        covered = covered | spans
    gaps = journey - covered

    def stretch(start: int, end: int, ids: tuple[str, ...] = ()) -> Stretch:
        d0, d1 = np.interp([start, end], clock, distance)
        return Stretch(
            from_km=round(float(d0) / 1000, 3),
            to_km=round(float(d1) / 1000, 3),
            start=from_utc_seconds(start),
            end=from_utc_seconds(end),
            start_point=_point_at(points, distance, float(d0)),
            end_point=_point_at(points, distance, float(d1)),
            pause_ids=ids,
        )

    covered_stretches = []
    for start, end in covered:
        ids = tuple(sorted(p for p, s in covered_by.items() if s.contains(start)))
        covered_stretches.append(stretch(start, end, ids))
    total = journey.total_seconds()
    return RouteCheck(
        departure=from_utc_seconds(round(clock[0])),
        arrival=from_utc_seconds(round(clock[-1])),
        length_km=round(float(distance[-1]) / 1000, 3),
        covered_fraction=covered.total_seconds() / total if total else 1.0,
        uncovered=tuple(stretch(s, e) for s, e in gaps),
        covered=tuple(covered_stretches),
    )


def _slice(engine: CoverageEngine, zone: int) -> slice:
    offsets = engine.index.interval_offsets
    return slice(int(offsets[zone]), int(offsets[zone + 1]))


def _vertex_times(
    distance: np.ndarray,
    departure: datetime | None,
    speed_kmh: float | None,
    times: Sequence[datetime] | None,
    count: int,
) -> np.ndarray:
    if times is not None:
        if departure is not None or speed_kmh is not None:
            raise InvalidInput("give times per vertex, or departure and speed, not both")
        if len(times) != count:
            raise InvalidInput(
                f"{len(times)} times for {count} positions; give one per position",
                location="times",
            )
        clock = np.array([utc_seconds(t) for t in times], dtype=float)
        if (np.diff(clock) < 0).any():
            raise InvalidInput("times must not go backwards", location="times")
        moving = np.diff(distance) > 0
        if ((np.diff(clock) == 0) & moving).any():
            raise InvalidInput(
                "two different positions have the same time (infinite speed)", location="times"
            )
        return clock
    if departure is None or speed_kmh is None:
        raise InvalidInput("give departure and speed_kmh, or times per vertex")
    if not 0 < speed_kmh <= 300:
        raise InvalidInput("speed must be above 0 and at most 300 km/h", location="speed_kmh")
    seconds = distance / (speed_kmh * 1000 / 3600)
    return utc_seconds(departure) + seconds


def _zone_time_spans(zone: object, points: np.ndarray, clock: np.ndarray) -> IntervalSet:
    """Times at which the traveller is inside ``zone`` (ignoring the zone's windows)."""
    spans: list[tuple[float, float]] = []
    for i in range(len(points) - 1):
        a, b = points[i], points[i + 1]
        t0, t1 = float(clock[i]), float(clock[i + 1])
        if t1 <= t0:
            continue
        if np.array_equal(a, b):
            if shapely.contains_xy(zone, a[0], a[1]):
                spans.append((t0, t1))
            continue
        segment = LineString([a, b])
        inside = shapely.intersection(zone, segment)
        for piece in getattr(inside, "geoms", [inside]):
            if piece.is_empty or piece.geom_type != "LineString":
                continue
            u = [segment.project(shapely.Point(c), normalized=True) for c in piece.coords]
            spans.append((t0 + min(u) * (t1 - t0), t0 + max(u) * (t1 - t0)))
    # Merge in continuous time first (consecutive segments meet at fractional seconds),
    # then round to the nearest second, the resolution of every answer.
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1e-6:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return IntervalSet.from_pairs((round(s), round(e)) for s, e in merged if round(e) > round(s))


def _point_at(points: np.ndarray, distance: np.ndarray, d: float) -> tuple[float, float]:
    i = int(np.clip(np.searchsorted(distance, d, side="right") - 1, 0, len(points) - 2))
    span = distance[i + 1] - distance[i]
    f = 0.0 if span == 0 else (d - distance[i]) / span
    lon, lat = points[i] + f * (points[i + 1] - points[i])
    return round(float(lon), 6), round(float(lat), 6)
