"""A space-time index: which zone-windows cover a (point, instant)?

Why a grid and not an R-tree: pause zones are few, large and overlapping, and the questions
come as floods of points. A uniform grid over the zones' extent is computed once; each cell
lists the zones touching it and whether the cell lies *strictly inside* the zone. A point in
such a cell needs no point-in-polygon test at all; only points in boundary cells are tested,
with shapely's prepared ``contains_xy``. Time is checked before space: every zone's UTC
intervals are packed into one sorted key array (``zone * span + offset``) so that a single
``searchsorted`` answers the time question for millions of (point, zone) pairs at once.

Semantics: a point is covered by a zone when it lies in the zone's *interior* (a point exactly
on the boundary is not covered: when in doubt, the engine does not promise a pause), and an
instant ``t`` is covered by an interval when ``start <= t < end``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from respite.schedule import IntervalSet

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# The public shapely.contains_xy spends most of a scalar call converting arguments to arrays;
# shapely.lib.contains_xy is the ufunc it wraps (same answers), about twice as fast for one
# point. Fall back to the public function if a shapely release stops exposing it.
_contains_xy = getattr(getattr(shapely, "lib", None), "contains_xy", shapely.contains_xy)

#: Cells per zone side, roughly; more means fewer point-in-polygon tests and a bigger grid.
DEFAULT_CELLS_PER_ZONE = 10
MAX_CELLS = 4_000_000
_BUILD_CHUNK = 256


@dataclass(frozen=True, slots=True)
class Hits:
    """Pairs (point index, zone index) where the zone covers the point at its instant."""

    points: IntArray
    zones: IntArray
    #: index into the zone's intervals (``SpaceTimeIndex.interval_of``) that covers the pair
    intervals: IntArray


class SpaceTimeIndex:
    """Grid-over-zones plus packed intervals; see the module docstring."""

    def __init__(
        self,
        zones: Sequence[BaseGeometry],
        schedules: Sequence[IntervalSet],
        horizon: tuple[int, int],
        *,
        cells_per_zone: int = DEFAULT_CELLS_PER_ZONE,
    ) -> None:
        if len(zones) != len(schedules):
            raise ValueError("zones and schedules must have the same length")
        lo, hi = horizon
        if hi <= lo:
            raise ValueError("horizon end must be after its start")
        self.horizon = (lo, hi)
        self.geoms = np.asarray(list(zones), dtype=object)
        shapely.prepare(self.geoms)
        self._pack_times(schedules, lo, hi)
        self._build_grid(cells_per_zone)

    def __len__(self) -> int:
        return len(self.geoms)

    # -- time ----------------------------------------------------------------------------------

    def _pack_times(self, schedules: Sequence[IntervalSet], lo: int, hi: int) -> None:
        clipped = [s.clip(lo, hi) for s in schedules]
        counts = np.array([len(s) for s in clipped], dtype=np.int64)
        self.interval_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        starts = [s.starts for s in clipped if len(s)]
        ends = [s.ends for s in clipped if len(s)]
        self.starts = np.concatenate(starts) if starts else np.empty(0, np.int64)
        self.ends = np.concatenate(ends) if ends else np.empty(0, np.int64)
        self.interval_zone = np.repeat(np.arange(len(clipped), dtype=np.int64), counts)
        self._span = hi - lo + 1
        self._keys = self.interval_zone * self._span + (self.starts - lo)
        # Plain lists for the single-query path: bisect on a list, and indexing a list, beat
        # numpy's per-call overhead when one point is asked about.
        self._starts_py = [s.starts.tolist() for s in clipped]
        self._ends_py = [s.ends.tolist() for s in clipped]
        self._offsets_py: list[int] = self.interval_offsets.tolist()
        self.starts_py: list[int] = self.starts.tolist()
        self.ends_py: list[int] = self.ends.tolist()

    def interval_at(self, zone: int, t: int) -> int:
        """Index (into ``starts``/``ends``) of the zone's interval covering t, or -1."""
        starts = self._starts_py[zone]
        i = bisect_right(starts, t) - 1
        if i >= 0 and t < self._ends_py[zone][i]:
            return int(self.interval_offsets[zone]) + i
        return -1

    def _time_hits(self, zones: IntArray, times: IntArray) -> IntArray:
        lo = self.horizon[0]
        idx = np.searchsorted(self._keys, zones * self._span + (times - lo), side="right") - 1
        safe = np.maximum(idx, 0)
        ok = (
            (idx >= self.interval_offsets[zones]) & (times < self.ends[safe])
            if len(self.ends)
            else np.zeros(len(zones), dtype=bool)
        )
        return np.where(ok, idx, -1)

    # -- space ---------------------------------------------------------------------------------

    def _build_grid(self, cells_per_zone: int) -> None:
        n = len(self.geoms)
        if n == 0:
            self.x0 = self.y0 = 0.0
            self.cell = 1.0
            self.nx = self.ny = 1
            self.cell_ptr = np.zeros(2, dtype=np.int64)
            self.entry_zone = np.empty(0, np.int64)
            self.entry_full = np.empty(0, bool)
            self._single_path()
            return
        bounds = shapely.bounds(self.geoms)
        self.x0, self.y0 = float(bounds[:, 0].min()), float(bounds[:, 1].min())
        width = float(bounds[:, 2].max()) - self.x0
        height = float(bounds[:, 3].max()) - self.y0
        areas = shapely.area(self.geoms)
        typical = float(np.median(np.sqrt(areas[areas > 0]))) if (areas > 0).any() else 0.01
        cell = typical / cells_per_zone
        # Keep the grid bounded in memory whatever the zones look like.
        cell = max(cell, math.sqrt(max(width * height, 1e-12) / MAX_CELLS), 1e-6)
        self.cell = cell
        self.nx = max(1, math.ceil(width / cell) + 1)
        self.ny = max(1, math.ceil(height / cell) + 1)

        cells_parts, zones_parts, full_parts = [], [], []
        for first in range(0, n, _BUILD_CHUNK):
            chunk = np.arange(first, min(first + _BUILD_CHUNK, n))
            c, z, f = self._cells_of(chunk, bounds[chunk])
            cells_parts.append(c)
            zones_parts.append(z)
            full_parts.append(f)
        cells = np.concatenate(cells_parts)
        order = np.argsort(cells, kind="stable")
        self.entry_zone = np.concatenate(zones_parts)[order]
        self.entry_full = np.concatenate(full_parts)[order]
        counts = np.bincount(cells[order], minlength=self.nx * self.ny)
        self.cell_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._single_path()

    def _single_path(self) -> None:
        # Copies as Python lists for zones_at: one point never pays numpy's call overhead.
        self._cell_ptr_py: list[int] = self.cell_ptr.tolist()
        self._entry_zone_py: list[int] = self.entry_zone.tolist()
        self._entry_full_py: list[bool] = self.entry_full.tolist()
        self._geoms_py: list[BaseGeometry] = list(self.geoms)

    def _cells_of(
        self, zones: IntArray, bounds: FloatArray
    ) -> tuple[IntArray, IntArray, BoolArray]:
        ix0 = np.floor((bounds[:, 0] - self.x0) / self.cell).astype(np.int64)
        iy0 = np.floor((bounds[:, 1] - self.y0) / self.cell).astype(np.int64)
        ix1 = np.floor((bounds[:, 2] - self.x0) / self.cell).astype(np.int64)
        iy1 = np.floor((bounds[:, 3] - self.y0) / self.cell).astype(np.int64)
        wx, wy = ix1 - ix0 + 1, iy1 - iy0 + 1
        per = wx * wy
        zone = np.repeat(zones, per)
        k = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
        ix = np.repeat(ix0, per) + k % np.repeat(wx, per)
        iy = np.repeat(iy0, per) + k // np.repeat(wx, per)
        x, y = self.x0 + ix * self.cell, self.y0 + iy * self.cell
        boxes = shapely.box(x, y, x + self.cell, y + self.cell)
        geoms = self.geoms[zone]
        touching = shapely.intersects(geoms, boxes)
        # contains_properly: the whole closed cell is interior, so every point in it is covered.
        full = shapely.contains_properly(geoms[touching], boxes[touching])
        return (iy * self.nx + ix)[touching], zone[touching], full

    def _cells(self, xs: FloatArray, ys: FloatArray) -> IntArray:
        ix = np.floor((xs - self.x0) / self.cell)
        iy = np.floor((ys - self.y0) / self.cell)
        inside = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        cells = np.where(inside, iy * self.nx + ix, -1)
        return cells.astype(np.int64)

    # -- queries -------------------------------------------------------------------------------

    def hits(self, xs: FloatArray, ys: FloatArray, ts: IntArray) -> Hits:
        """Every (point, zone) pair where the zone covers point i at instant ts[i]."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        ts = np.asarray(ts, dtype=np.int64)
        point, entry = self._candidates(xs, ys)
        zone = self.entry_zone[entry]
        interval = self._time_hits(zone, ts[point])
        timely = interval >= 0
        point, entry, zone, interval = point[timely], entry[timely], zone[timely], interval[timely]
        keep = self._inside(point, entry, zone, xs, ys)
        return Hits(point[keep], zone[keep], interval[keep])

    def containing(self, xs: FloatArray, ys: FloatArray) -> tuple[IntArray, IntArray]:
        """Every (point, zone) pair where the zone contains the point, whatever the time."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        point, entry = self._candidates(xs, ys)
        zone = self.entry_zone[entry]
        keep = self._inside(point, entry, zone, xs, ys)
        return point[keep], zone[keep]

    def _candidates(self, xs: FloatArray, ys: FloatArray) -> tuple[IntArray, IntArray]:
        cells = self._cells(xs, ys)
        valid = cells >= 0
        first = np.where(valid, self.cell_ptr[np.maximum(cells, 0)], 0)
        count = np.where(valid, self.cell_ptr[np.maximum(cells, 0) + 1] - first, 0)
        total = int(count.sum())
        point = np.repeat(np.arange(len(xs), dtype=np.int64), count)
        offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
        return point, np.repeat(first, count) + offset

    def _inside(
        self, point: IntArray, entry: IntArray, zone: IntArray, xs: FloatArray, ys: FloatArray
    ) -> BoolArray:
        keep = self.entry_full[entry].copy()
        test = ~keep
        if test.any():
            keep[test] = shapely.contains_xy(
                self.geoms[zone[test]], xs[point[test]], ys[point[test]]
            )
        return keep

    def probe(
        self, x: float, y: float, t: int
    ) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
        """For one point and instant: the (zone, interval) pairs covering it, and if there are
        none, the (zone, interval) of the earliest window that will.

        This is ``zones_at`` and ``lookup`` fused: one pass with local names, because a single
        question is answered in microseconds and call overhead would dominate.
        """
        covering: list[tuple[int, int]] = []
        best: tuple[int, int] | None = None
        best_start = 0
        starts_of, ends_of, offsets = self._starts_py, self._ends_py, self._offsets_py
        for zone in self.zones_at(x, y):
            starts = starts_of[zone]
            i = bisect_right(starts, t)
            if i > 0 and t < ends_of[zone][i - 1]:
                covering.append((zone, offsets[zone] + i - 1))
            elif not covering and i < len(starts) and (best is None or starts[i] < best_start):
                best, best_start = (zone, offsets[zone] + i), starts[i]
        return covering, (None if covering else best)

    def zones_at(self, x: float, y: float) -> list[int]:
        """Zones containing one point (the fast scalar path used by ``status``)."""
        if not (math.isfinite(x) and math.isfinite(y)):
            return []
        ix = math.floor((x - self.x0) / self.cell)
        iy = math.floor((y - self.y0) / self.cell)
        if not (0 <= ix < self.nx and 0 <= iy < self.ny):
            return []
        cell = iy * self.nx + ix
        first, last = self._cell_ptr_py[cell], self._cell_ptr_py[cell + 1]
        zones, full, geoms = self._entry_zone_py, self._entry_full_py, self._geoms_py
        return [
            zones[k] for k in range(first, last) if full[k] or _contains_xy(geoms[zones[k]], x, y)
        ]
