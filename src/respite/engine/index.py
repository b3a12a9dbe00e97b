"""A space-time index: which zone-windows cover a (point, instant)?

Why grids and not an R-tree: pause zones are few, large and overlapping, and the questions
come as floods of points. Grids sized for the zones (:mod:`respite.engine.grid`) are computed
once; each cell lists the zones touching it and whether the cell lies *strictly inside* the
zone. A point in such a cell needs no point-in-polygon test at all; only points in boundary
cells are tested, with shapely's prepared ``contains_xy``. Time is checked before space: every
zone's UTC intervals are packed into one sorted key array (``zone * span + offset``) so that a
single ``searchsorted`` answers the time question for millions of (point, zone) pairs at once.

Semantics: a point is covered by a zone when it lies in the zone's *interior* (a point exactly
on the boundary is not covered: when in doubt, the engine does not promise a pause), and an
instant ``t`` is covered by an interval when ``start <= t < end``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from respite.engine.grid import DEFAULT_CELLS_PER_ZONE, Layout, ZoneGrid
from respite.schedule import IntervalSet

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


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
        layout: Layout = "levels",
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
        self.grid = ZoneGrid(self.geoms, cells_per_zone=cells_per_zone, layout=layout)

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

    # -- queries -------------------------------------------------------------------------------

    def hits(self, xs: FloatArray, ys: FloatArray, ts: IntArray) -> Hits:
        """Every (point, zone) pair where the zone covers point i at instant ts[i]."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        ts = np.asarray(ts, dtype=np.int64)
        point, entry = self.grid.candidates(xs, ys)
        zone = self.grid.entry_zone[entry]
        interval = self._time_hits(zone, ts[point])
        timely = interval >= 0
        point, entry, zone, interval = point[timely], entry[timely], zone[timely], interval[timely]
        keep = self.grid.inside(point, entry, xs, ys)
        return Hits(point[keep], zone[keep], interval[keep])

    def containing(self, xs: FloatArray, ys: FloatArray) -> tuple[IntArray, IntArray]:
        """Every (point, zone) pair where the zone contains the point, whatever the time."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        point, entry = self.grid.candidates(xs, ys)
        zone = self.grid.entry_zone[entry]
        keep = self.grid.inside(point, entry, xs, ys)
        return point[keep], zone[keep]

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
            elif (
                not covering
                and i < len(starts)
                and (
                    best is None
                    or starts[i] < best_start
                    # Windows opening together: the first zone in the pauses' order, whichever
                    # order the grid lists them in (the page answers the same way).
                    or (starts[i] == best_start and zone < best[0])
                )
            ):
                best, best_start = (zone, offsets[zone] + i), starts[i]
        return covering, (None if covering else best)

    def zones_at(self, x: float, y: float) -> list[int]:
        """Zones containing one point (the fast scalar path used by ``status``)."""
        return self.grid.zones_at(x, y)
