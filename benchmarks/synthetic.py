"""Deterministic synthetic zone-windows and (point, time) questions for the coverage benchmark.

Zones are star-shaped 20-gons of about 0.7 km² with centres uniform over a square area around
Gaza (34.45E 31.45N); each has 3-6 one-off UTC windows of 2-10 h in a 30-day horizon. With
10,000 zones over 50 x 50 km a random point lies in ~3 zones and a random (point, time) pair
is covered about 10% of the time: enough hits that the time and space tests both matter.

Every random draw comes from ``numpy.random.default_rng([seed, stream])``, one stream per kind
of data, so a seed names a workload and the questions do not change with the zone count.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CENTRE_LON, CENTRE_LAT = 34.45, 31.45
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_AT_EQUATOR = 111.320
VERTICES = 20
ZONE_AREA_KM2 = 0.7
#: Each vertex radius is uniform in [RADIUS_LOW, 1] x the zone's maximum radius.
RADIUS_LOW = 0.6
MIN_WINDOWS, MAX_WINDOWS = 3, 6
MIN_HOURS, MAX_HOURS = 2, 10
HORIZON_START = int(datetime(2024, 9, 1, tzinfo=UTC).timestamp())
HORIZON_DAYS = 30
#: The file format allows at most 200 parts per pause; 100 keeps pauses realistic-ish.
PARTS_PER_PAUSE = 100

# Independent random streams (see the module docstring).
_ZONES, _WINDOWS, _CHECKS, _SINGLES = range(4)


@dataclass(frozen=True)
class Workload:
    """Zones, their windows and the questions, as plain arrays that every method shares."""

    #: (zones, VERTICES, 2) lon/lat of each zone's ring, not closed
    rings: FloatArray
    #: (zones, MAX_WINDOWS) UTC seconds; unused slots hold start == end == 0 (never covering)
    window_starts: IntArray
    window_ends: IntArray
    window_counts: IntArray
    horizon: tuple[int, int]
    #: bounds of the square area, (min_lon, min_lat, max_lon, max_lat)
    area: tuple[float, float, float, float]

    @property
    def zone_count(self) -> int:
        return len(self.rings)


@dataclass(frozen=True)
class Checks:
    """(point, time) questions: lon/lat degrees and UTC seconds."""

    lons: FloatArray
    lats: FloatArray
    times: IntArray

    def __len__(self) -> int:
        return len(self.lons)


def square_area(side_km: float) -> tuple[float, float, float, float]:
    """A side_km x side_km square centred on (CENTRE_LON, CENTRE_LAT), in degrees."""
    half_lon = side_km / 2 / km_per_deg_lon(CENTRE_LAT)
    half_lat = side_km / 2 / KM_PER_DEG_LAT
    return (
        CENTRE_LON - half_lon,
        CENTRE_LAT - half_lat,
        CENTRE_LON + half_lon,
        CENTRE_LAT + half_lat,
    )


def km_per_deg_lon(lat: float | FloatArray) -> Any:
    return KM_PER_DEG_LON_AT_EQUATOR * np.cos(np.radians(lat))


def make_workload(zones: int, seed: int, side_km: float = 50.0) -> Workload:
    area = square_area(side_km)
    horizon = (HORIZON_START, HORIZON_START + HORIZON_DAYS * 86_400)
    rings = _make_rings(np.random.default_rng([seed, _ZONES]), zones, area)
    starts, ends, counts = _make_windows(np.random.default_rng([seed, _WINDOWS]), zones, horizon)
    return Workload(rings, starts, ends, counts, horizon, area)


def _max_radius_km() -> float:
    # Area of a star polygon with n equally spaced rays: n/2 sin(2 pi / n) E[r_i r_(i+1)], and
    # for independent radii uniform in [a R, R] E[r_i r_(i+1)] = ((1 + a) / 2)^2 R^2.
    mean_factor = ((1 + RADIUS_LOW) / 2) ** 2
    return math.sqrt(
        ZONE_AREA_KM2 / (VERTICES / 2 * math.sin(2 * math.pi / VERTICES) * mean_factor)
    )


def _make_rings(
    rng: np.random.Generator, count: int, area: tuple[float, float, float, float]
) -> FloatArray:
    min_lon, min_lat, max_lon, max_lat = area
    centre_lon = rng.uniform(min_lon, max_lon, count)
    centre_lat = rng.uniform(min_lat, max_lat, count)
    # Jitter each ray by at most a quarter step so angles stay strictly increasing: the ring
    # is then star-shaped around its centre and therefore a valid simple polygon.
    step = 2 * math.pi / VERTICES
    jitter = rng.uniform(-0.25, 0.25, (count, VERTICES))
    angles = (np.arange(VERTICES) + jitter) * step
    radii_km = rng.uniform(RADIUS_LOW, 1.0, (count, VERTICES)) * _max_radius_km()
    dx_km, dy_km = radii_km * np.cos(angles), radii_km * np.sin(angles)
    lon = centre_lon[:, None] + dx_km / km_per_deg_lon(centre_lat)[:, None]
    lat = centre_lat[:, None] + dy_km / KM_PER_DEG_LAT
    return np.stack([lon, lat], axis=-1)


def _make_windows(
    rng: np.random.Generator, count: int, horizon: tuple[int, int]
) -> tuple[IntArray, IntArray, IntArray]:
    lo, hi = horizon
    counts = rng.integers(MIN_WINDOWS, MAX_WINDOWS + 1, count)
    durations = rng.integers(MIN_HOURS * 3600, MAX_HOURS * 3600 + 1, (count, MAX_WINDOWS))
    starts = lo + (rng.random((count, MAX_WINDOWS)) * (hi - lo - durations)).astype(np.int64)
    ends = starts + durations
    unused = np.arange(MAX_WINDOWS)[None, :] >= counts[:, None]
    starts[unused] = 0
    ends[unused] = 0
    return starts, ends, counts


def make_checks(workload: Workload, count: int, seed: int, *, stream: int = _CHECKS) -> Checks:
    """Points uniform over the workload's area, times uniform over its horizon."""
    rng = np.random.default_rng([seed, stream])
    min_lon, min_lat, max_lon, max_lat = workload.area
    lo, hi = workload.horizon
    return Checks(
        rng.uniform(min_lon, max_lon, count),
        rng.uniform(min_lat, max_lat, count),
        rng.integers(lo, hi, count),
    )


def make_single_checks(workload: Workload, count: int, seed: int) -> Checks:
    """Questions for the one-at-a-time ``status`` timing, independent of the batch ones."""
    return make_checks(workload, count, seed, stream=_SINGLES)


def polygons(workload: Workload) -> npt.NDArray[np.object_]:
    """The zones as shapely polygons (rings are closed by shapely)."""
    return shapely.polygons(workload.rings)


def mean_area_km2(workload: Workload) -> float:
    degrees = shapely.area(polygons(workload))
    lat = workload.rings[:, :, 1].mean(axis=1)
    return float(np.mean(degrees * km_per_deg_lon(lat) * KM_PER_DEG_LAT))


def pause_document(workload: Workload) -> str:
    """The workload as a ``respite-pauses/1`` JSON file: one part per zone, in zone order."""
    parts = [_part(workload, zone) for zone in range(workload.zone_count)]
    pauses = [
        {
            "id": f"bench-{first // PARTS_PER_PAUSE:04d}",
            "name": {"en": f"Synthetic benchmark pause {first // PARTS_PER_PAUSE}"},
            "kind": "humanitarian_pause",
            "timezone": "UTC",
            "parts": parts[first : first + PARTS_PER_PAUSE],
            "sources": [{"title": "synthetic benchmark data"}],
        }
        for first in range(0, len(parts), PARTS_PER_PAUSE)
    ]
    document = {"format": "respite-pauses/1", "scenario": "synthetic-benchmark", "pauses": pauses}
    return json.dumps(document)


def _part(workload: Workload, zone: int) -> dict[str, Any]:
    ring = workload.rings[zone].tolist()
    count = int(workload.window_counts[zone])
    windows = [
        {"start": _iso(int(start)), "end": _iso(int(end))}
        for start, end in zip(
            workload.window_starts[zone, :count], workload.window_ends[zone, :count], strict=True
        )
    ]
    return {
        "id": f"zone-{zone:05d}",
        "zone": {"geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}},
        "windows": windows,
    }


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
