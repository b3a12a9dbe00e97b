"""Where the zones are: a few grids, each with cells sized for the zones it holds.

One uniform grid over all the zones' extent costs what that extent costs: a file with a
ceasefire over the whole of Sudan and a 1 km circle in Jabalia would need millions of cells
between Khartoum and Gaza, or cells so large that every Gaza question tests every polygon.
Here each zone is put on a *level* whose cell is about a tenth of the zone's own size
(``sqrt(area) / cells_per_zone``, coarser for a long thin zone so that no zone spans more than
``MAX_ZONE_CELLS`` cells); sizes within a factor ``LEVEL_RATIO`` of each other share a level.
A level lists, for each cell a zone touches, the zone and whether the cell lies strictly
inside it (then no point-in-polygon test is needed). A level whose occupied cells fill its
extent is a dense array indexed by cell number; one whose zones are scattered (Aleppo, Mariupol
and Gaza on one level) keeps only its occupied cells, sorted, and finds a cell by binary search
(a dict for single questions). The cost is then proportional to the cells the zones touch.

``layout="single"`` keeps the former design (one dense grid over every zone at the median
cell size, capped at ``MAX_CELLS``) so that benchmarks can compare both in one run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from respite.engine.raster import Frame, touched_cells

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Layout = Literal["levels", "single"]

# The public shapely.contains_xy spends most of a scalar call converting arguments to arrays;
# shapely.lib.contains_xy is the ufunc it wraps (same answers), about twice as fast for one
# point. Fall back to the public function if a shapely release stops exposing it.
_contains_xy = getattr(getattr(shapely, "lib", None), "contains_xy", shapely.contains_xy)

#: Cells per zone side, roughly; more means fewer point-in-polygon tests and more cells.
DEFAULT_CELLS_PER_ZONE = 10
#: Zones whose ideal cell sizes are within this factor share a level.
LEVEL_RATIO = 8.0
#: Most cells one zone's bounding box may span (a long corridor gets coarser cells).
MAX_ZONE_CELLS = 65_536
#: Most cells of one dense level (and of the whole grid in the ``single`` layout).
MAX_CELLS = 4_000_000
#: A level is dense when its extent has at most this many cells per occupied cell.
DENSE_FILL = 8


@dataclass(slots=True)
class _Level:
    """One grid: origin, cell size, and where each cell's entries are."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    #: dense: entry offsets per cell (``nx * ny + 1``); sparse: per occupied cell
    ptr: IntArray
    #: sparse only: the occupied cells' numbers, sorted (None when dense)
    keys: IntArray | None
    ptr_py: list[int]
    slots_py: dict[int, int] | None

    def cells(self, xs: FloatArray, ys: FloatArray) -> IntArray:
        ix = np.floor((xs - self.x0) / self.cell)
        iy = np.floor((ys - self.y0) / self.cell)
        inside = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        return np.where(inside, iy * self.nx + ix, -1).astype(np.int64)

    def slots(self, xs: FloatArray, ys: FloatArray) -> IntArray:
        """Per point: the row of ``ptr`` holding its cell's entries, or -1."""
        cells = self.cells(xs, ys)
        if self.keys is None:
            return cells
        if not len(self.keys):
            return np.full(len(cells), -1, dtype=np.int64)
        row = np.searchsorted(self.keys, cells)
        safe = np.minimum(row, len(self.keys) - 1)
        return np.where((cells >= 0) & (self.keys[safe] == cells), safe, -1)

    def slot_at(self, x: float, y: float) -> int:
        ix = math.floor((x - self.x0) / self.cell)
        iy = math.floor((y - self.y0) / self.cell)
        if not (0 <= ix < self.nx and 0 <= iy < self.ny):
            return -1
        cell = iy * self.nx + ix
        if self.slots_py is None:
            return cell
        return self.slots_py.get(cell, -1)


class ZoneGrid:
    """Candidate zones for points, with a "cell strictly inside the zone" flag per entry."""

    def __init__(
        self,
        geoms: npt.NDArray[np.object_],
        *,
        cells_per_zone: int = DEFAULT_CELLS_PER_ZONE,
        layout: Layout = "levels",
    ) -> None:
        if cells_per_zone < 1:
            raise ValueError("cells_per_zone must be at least 1")
        self.geoms = geoms
        self._geoms_py: list[BaseGeometry] = list(geoms)
        self.levels: list[_Level] = []
        zone_parts: list[IntArray] = []
        full_parts: list[BoolArray] = []
        if len(geoms):
            bounds = shapely.bounds(geoms)
            groups = (
                _single_level(bounds, shapely.area(geoms), cells_per_zone)
                if layout == "single"
                else _levels(bounds, shapely.area(geoms), cells_per_zone)
            )
            first = 0
            for cell, members in groups:
                level, zones, full = self._build(cell, members, bounds, first, layout)
                self.levels.append(level)
                zone_parts.append(zones)
                full_parts.append(full)
                first += len(zones)
        self.entry_zone = np.concatenate(zone_parts) if zone_parts else np.empty(0, np.int64)
        self.entry_full = np.concatenate(full_parts) if full_parts else np.empty(0, bool)
        self._entry_zone_py: list[int] = self.entry_zone.tolist()
        self._entry_full_py: list[bool] = self.entry_full.tolist()

    @property
    def cell_count(self) -> int:
        """Cells held by every level (dense levels count their whole extent)."""
        return sum(len(level.ptr) - 1 for level in self.levels)

    # -- build ---------------------------------------------------------------------------------

    def _build(
        self, cell: float, members: IntArray, bounds: FloatArray, first: int, layout: Layout
    ) -> tuple[_Level, IntArray, BoolArray]:
        box = bounds[members]
        x0, y0 = float(box[:, 0].min()), float(box[:, 1].min())
        nx = max(1, math.ceil((float(box[:, 2].max()) - x0) / cell) + 1)
        ny = max(1, math.ceil((float(box[:, 3].max()) - y0) / cell) + 1)
        # The same zone is often used by several parts (a governorate on many days, one
        # corridor in three announcements): rasterise each distinct geometry once.
        _, first_of, copies = np.unique(
            shapely.to_wkb(self.geoms[members]), return_index=True, return_inverse=True
        )
        shown = members[first_of]
        local, cells, full = touched_cells(
            self.geoms[shown], bounds[shown], Frame(x0, y0, cell, nx)
        )
        zones, cells, full = _with_copies(members, copies, local, cells, full)
        order = np.argsort(cells, kind="stable")
        cells, zones, full = cells[order], zones[order], full[order]
        keys, counts = np.unique(cells, return_counts=True)
        extent = nx * ny
        dense = layout == "single" or (
            extent <= MAX_CELLS and extent <= DENSE_FILL * max(len(keys), 512)
        )
        sparse_keys: IntArray | None = None
        slots_py: dict[int, int] | None = None
        if dense:
            counts = np.bincount(cells, minlength=extent)
        else:
            sparse_keys = keys.astype(np.int64)
            slots_py = dict(zip(sparse_keys.tolist(), range(len(sparse_keys)), strict=True))
        ptr = (first + np.concatenate([[0], np.cumsum(counts)])).astype(np.int64)
        level = _Level(x0, y0, cell, nx, ny, ptr, sparse_keys, ptr.tolist(), slots_py)
        return level, zones, full

    # -- queries -------------------------------------------------------------------------------

    def candidates(self, xs: FloatArray, ys: FloatArray) -> tuple[IntArray, IntArray]:
        """(point, entry) pairs: every entry of every cell each point falls in."""
        firsts, counts = [], []
        for level in self.levels:
            slot = level.slots(xs, ys)
            valid = slot >= 0
            safe = np.maximum(slot, 0)
            first = np.where(valid, level.ptr[safe], 0)
            firsts.append(first)
            counts.append(np.where(valid, level.ptr[safe + 1] - first, 0))
        if not firsts:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        first = np.concatenate(firsts)
        count = np.concatenate(counts)
        total = int(count.sum())
        point = np.repeat(np.tile(np.arange(len(xs), dtype=np.int64), len(firsts)), count)
        offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
        return point, np.repeat(first, count) + offset

    def inside(self, point: IntArray, entry: IntArray, xs: FloatArray, ys: FloatArray) -> BoolArray:
        """Which candidate pairs really lie in the zone's interior."""
        keep = self.entry_full[entry].copy()
        test = ~keep
        if test.any():
            zone = self.entry_zone[entry[test]]
            keep[test] = shapely.contains_xy(self.geoms[zone], xs[point[test]], ys[point[test]])
        return keep

    def zones_at(self, x: float, y: float) -> list[int]:
        """Zones containing one point (the scalar path: plain lists, no numpy calls)."""
        if not (math.isfinite(x) and math.isfinite(y)):
            return []
        found: list[int] = []
        zones, full, geoms = self._entry_zone_py, self._entry_full_py, self._geoms_py
        for level in self.levels:
            slot = level.slot_at(x, y)
            if slot < 0:
                continue
            for k in range(level.ptr_py[slot], level.ptr_py[slot + 1]):
                zone = zones[k]
                if full[k] or _contains_xy(geoms[zone], x, y):
                    found.append(zone)
        return found


def _ideal_cells(bounds: FloatArray, areas: FloatArray, cells_per_zone: int) -> FloatArray:
    width = bounds[:, 2] - bounds[:, 0]
    height = bounds[:, 3] - bounds[:, 1]
    # A zone without area (never accepted from a pause file, but possible in the library) is
    # sized by its bounding box.
    size = np.where(areas > 0, np.sqrt(np.maximum(areas, 0)), np.maximum(width, height))
    cell = size / cells_per_zone
    return np.maximum(np.maximum(cell, np.sqrt(width * height / MAX_ZONE_CELLS)), 1e-6)


def _levels(
    bounds: FloatArray, areas: FloatArray, cells_per_zone: int
) -> list[tuple[float, IntArray]]:
    ideal = _ideal_cells(bounds, areas, cells_per_zone)
    reference = float(np.median(ideal))
    # Levels are powers of LEVEL_RATIO around the median, so that a typical file (zones of
    # one size) has one level whatever the spread of sizes around it.
    rank = np.round(np.log(ideal / reference) / math.log(LEVEL_RATIO)).astype(np.int64)
    groups = []
    for value in np.unique(rank):
        members = np.flatnonzero(rank == value)
        cell = float(np.median(ideal[members]))
        groups.append((cell, members.astype(np.int64)))
    return groups


def _single_level(
    bounds: FloatArray, areas: FloatArray, cells_per_zone: int
) -> list[tuple[float, IntArray]]:
    width = float(bounds[:, 2].max() - bounds[:, 0].min())
    height = float(bounds[:, 3].max() - bounds[:, 1].min())
    typical = float(np.median(np.sqrt(areas[areas > 0]))) if (areas > 0).any() else 0.01
    cell = max(typical / cells_per_zone, math.sqrt(max(width * height, 1e-12) / MAX_CELLS), 1e-6)
    return [(cell, np.arange(len(bounds), dtype=np.int64))]


def _with_copies(
    members: IntArray, copies: IntArray, local: IntArray, cells: IntArray, full: BoolArray
) -> tuple[IntArray, IntArray, BoolArray]:
    """Entries of each distinct geometry repeated for every zone that has that geometry.

    ``copies[i]`` is the distinct geometry of ``members[i]``; ``local`` indexes distinct ones.
    """
    by_distinct = np.argsort(copies, kind="stable")
    how_many = np.bincount(copies, minlength=int(local.max()) + 1 if len(local) else 0)
    start = np.concatenate([[0], np.cumsum(how_many)[:-1]]).astype(np.int64)
    repeat = how_many[local]
    offset = np.arange(int(repeat.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(repeat) - repeat, repeat
    )
    zones = members[by_distinct[np.repeat(start[local], repeat) + offset]]
    return zones, np.repeat(cells, repeat), np.repeat(full, repeat)


__all__ = ["DEFAULT_CELLS_PER_ZONE", "Layout", "ZoneGrid"]
