"""The synthetic compliance workload, written once to Parquet for every engine to read.

Planar metric coordinates (metres, a [0, side] square; SQL engines store them as EPSG:32636
but compute planar) and UTC seconds. Zones are 20-gons of ~0.7 km²: vertex ``k`` at angle
``2 pi k / 20`` jittered by up to ±0.1 rad (less than half the 0.314 rad step, so angles stay
increasing and every ring is star-shaped, hence simple), at ``475 m x U(0.8, 1.2)`` from a
centre uniform in the square. One window per zone: a start uniform over 30 days from
2023-11-01T00:00Z and 2-8 h in whole minutes (``spatial_only``: the whole 30 days, so only
space decides). Events: half uniform in the square, half Gaussian (sigma 600 m) around
uniformly chosen zone centres, clipped to the square; times uniform over the 30 days; 80%
exact (one second), 20% dated to a day (a local day in UTC+2, as many reports are).

Each kind of draw has its own ``numpy.random.default_rng([seed, stream])``, so the zones do not
change with the event count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

FULL_EVENTS, FULL_ZONES, FULL_SIDE_M = 5_000_000, 10_000, 50_000.0
VERTICES = 20
ANGLE_JITTER = 0.1
R0_M, R_LOW, R_HIGH = 475.0, 0.8, 1.2
EPOCH = int(datetime(2023, 11, 1, tzinfo=UTC).timestamp())
DAYS = 30
HORIZON = (EPOCH, EPOCH + DAYS * 86_400)
MIN_MINUTES, MAX_MINUTES = 2 * 60, 8 * 60
SIGMA_M = 600.0
DAY_DATED_SHARE = 0.2
LOCAL_OFFSET_S = 2 * 3600  # UTC+2: a "day" report covers local midnight to midnight
EVENTS_FILE, ROWS_FILE = "events.parquet", "rows.parquet"

_ZONES, _WINDOWS, _PLACES, _TIMES = range(4)


@dataclass(frozen=True)
class Spec:
    events: int
    zones: int
    side_m: float
    seed: int
    spatial_only: bool

    @classmethod
    def scaled(cls, events: int, zones: int, seed: int, spatial_only: bool) -> Spec:
        # Fewer zones on a smaller square keep zone density, and so the pairs per event, as in
        # the full workload: a small run then measures the same kind of work.
        side = FULL_SIDE_M * math.sqrt(zones / FULL_ZONES)
        return cls(events, zones, side, seed, spatial_only)


@dataclass(frozen=True)
class Rows:
    """Zone-window rows; row ``i`` has its own polygon (one window per zone)."""

    polygons: npt.NDArray[np.object_]
    start: IntArray
    end: IntArray

    def __len__(self) -> int:
        return len(self.start)


@dataclass(frozen=True)
class Events:
    x: FloatArray
    y: FloatArray
    t_lo: IntArray
    t_hi: IntArray

    def __len__(self) -> int:
        return len(self.x)


def make_rows(spec: Spec) -> tuple[Rows, FloatArray]:
    """The rows and the zone centres, (zones, 2)."""
    rng = np.random.default_rng([spec.seed, _ZONES])
    n = spec.zones
    centres = rng.uniform(0.0, spec.side_m, (n, 2))
    angles = 2 * math.pi * np.arange(VERTICES) / VERTICES
    angles = angles + rng.uniform(-ANGLE_JITTER, ANGLE_JITTER, (n, VERTICES))
    radii = R0_M * rng.uniform(R_LOW, R_HIGH, (n, VERTICES))
    rings = np.stack(
        [
            centres[:, :1] + radii * np.cos(angles),
            centres[:, 1:] + radii * np.sin(angles),
        ],
        axis=-1,
    )
    polygons = shapely.polygons(rings)
    if spec.spatial_only:
        start = np.full(n, HORIZON[0], dtype=np.int64)
        end = np.full(n, HORIZON[1], dtype=np.int64)
    else:
        times = np.random.default_rng([spec.seed, _WINDOWS])
        start = HORIZON[0] + times.integers(0, DAYS * 86_400, n)
        end = start + 60 * times.integers(MIN_MINUTES, MAX_MINUTES + 1, n)
    return Rows(polygons, start.astype(np.int64), end.astype(np.int64)), centres


def make_events(spec: Spec, centres: FloatArray) -> Events:
    n = spec.events
    places = np.random.default_rng([spec.seed, _PLACES])
    # Exactly half of each kind, in random order (a real feed interleaves them).
    gaussian = places.permutation(n) < n // 2
    xy = places.uniform(0.0, spec.side_m, (n, 2))
    around = centres[places.integers(0, len(centres), int(gaussian.sum()))]
    xy[gaussian] = np.clip(around + places.normal(0.0, SIGMA_M, (len(around), 2)), 0.0, spec.side_m)
    times = np.random.default_rng([spec.seed, _TIMES])
    t = HORIZON[0] + times.integers(0, DAYS * 86_400, n)
    day_dated = times.permutation(n) < round(n * DAY_DATED_SHARE)
    local_midnight = (t + LOCAL_OFFSET_S) // 86_400 * 86_400 - LOCAL_OFFSET_S
    t_lo = np.where(day_dated, local_midnight, t).astype(np.int64)
    t_hi = t_lo + np.where(day_dated, 86_400, 1)
    return Events(xy[:, 0].copy(), xy[:, 1].copy(), t_lo, t_hi.astype(np.int64))


def write(spec: Spec, directory: Path) -> tuple[int, int]:
    """Both Parquet files in ``directory``; returns (events, rows) written."""
    rows, centres = make_rows(spec)
    events = make_events(spec, centres)
    pq.write_table(
        pa.table(
            {
                "event": np.arange(len(events), dtype=np.int64),
                "x": events.x,
                "y": events.y,
                "t_lo": events.t_lo,
                "t_hi": events.t_hi,
                "radius": np.zeros(len(events)),
            }
        ),
        directory / EVENTS_FILE,
    )
    pq.write_table(
        pa.table(
            {
                "row": np.arange(len(rows), dtype=np.int64),
                "start": rows.start,
                "end": rows.end,
                "wkb": pa.array(shapely.to_wkb(rows.polygons).tolist(), type=pa.binary()),
            }
        ),
        directory / ROWS_FILE,
    )
    return len(events), len(rows)


def read_events(directory: Path) -> Events:
    table = pq.read_table(directory / EVENTS_FILE)
    if not np.array_equal(table["event"].to_numpy(), np.arange(table.num_rows)):
        raise ValueError(f"{directory / EVENTS_FILE}: event ids must be 0..n-1 in order")
    # Every engine here joins points; a disc would need a different predicate in each.
    if np.any(table["radius"].to_numpy() != 0):
        raise ValueError(f"{directory / EVENTS_FILE}: radius must be 0 for this benchmark")
    return Events(
        table["x"].to_numpy(),
        table["y"].to_numpy(),
        table["t_lo"].to_numpy(),
        table["t_hi"].to_numpy(),
    )


def read_rows(directory: Path) -> Rows:
    table = pq.read_table(directory / ROWS_FILE)
    if not np.array_equal(table["row"].to_numpy(), np.arange(table.num_rows)):
        raise ValueError(f"{directory / ROWS_FILE}: row ids must be 0..n-1 in order")
    wkb = np.array(table["wkb"].to_pylist(), dtype=object)
    return Rows(shapely.from_wkb(wkb), table["start"].to_numpy(), table["end"].to_numpy())
