"""Zones as flat edge arrays and per-zone rasters: the geometry side of the join, in numpy.

Each zone is rasterised on a grid shared by all zones. A cell is FULL when every point of the
cell (grown by a rounding margin) is inside the zone and farther than ``radius`` from its
boundary, NONE when every such point is farther than ``radius`` from the zone, PARTIAL
otherwise. Only PARTIAL cells ever meet floating-point geometry, and they are chosen
conservatively: a cell is PARTIAL as soon as an edge comes within ``radius + margin`` of it,
so the rounding in which cell a point lands can never turn a boundary case into FULL or NONE.

FULL and NONE come from scanline parity on each cell row's centre line: an edge toggles the
cell where it crosses that line, and the running parity along the row is the inside-ness of
every cell centre no edge comes near (the cell holds no boundary, so it is all in or all out).

Runs make the exact test local. A run is a maximal stretch of PARTIAL cells in a raster row;
the cell just right of it is FULL or NONE, so no edge crosses its left side within the row,
and every point of that side has the same, known, inside-ness. A horizontal ray from a point
in the run therefore crosses the boundary, beyond the run, an odd number of times exactly
when that cell is FULL: the exact test only counts crossings with the run's own edges (those
that come within ``radius + margin`` of one of its cells, usually one or two), which are also
all the edges within ``radius`` of the point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from respite.compliance.frame import Float64Array, Int32Array, Int64Array

ObjectArray = npt.NDArray[np.object_]
Int8Array = npt.NDArray[np.int8]

#: Cell values: a PARTIAL cell holds its run (0 in rasters made without runs).
NONE, FULL = -1, -2
#: Rounding margin relative to the largest coordinate: orders of magnitude above the error of
#: any one floating-point step here, orders below anything a map could show.
_MARGIN = 1e-9
_RASTER_CELLS = 12_000_000


@dataclass(frozen=True, slots=True)
class Edges:
    """Every ring segment (a -> b) of the zones in use, zone-major, zero-length ones dropped."""

    ax: Float64Array
    ay: Float64Array
    bx: Float64Array
    by: Float64Array
    zone: Int64Array

    def __len__(self) -> int:
        return len(self.ax)


@dataclass(frozen=True, slots=True)
class Grid:
    """Cell (i, j) is ``[x0 + i*cell, x0 + (i+1)*cell) x [y0 + j*cell, ...)``."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    margin: float

    def coarsened(self, factor: int) -> Grid:
        """The grid of ``factor`` x ``factor`` blocks of this one (same origin)."""
        return Grid(
            self.x0,
            self.y0,
            self.cell * factor,
            -(-self.nx // factor),
            -(-self.ny // factor),
            self.margin,
        )


@dataclass(frozen=True, slots=True)
class Runs:
    """Run ``k``'s edges are ``count`` rows of ``edges`` (ax, ay, bx, by; copied per run, so
    one run's edges share cache lines) from ``first``, and ``after`` is 1 when the cell right
    of the run is FULL; ``info[k]`` packs ``first << (bits + 1) | count << 1 | after`` so a
    pair needs one lookup."""

    info: Int64Array
    bits: int
    edges: npt.NDArray[np.float64]
    #: the largest coordinate magnitude, for relative tolerances
    scale: float
    #: |det| above this has the exact sign for any point in the rasters and any edge (a
    #: bound on Shewchuk's, from the longest edge and the widest raster)
    orient_bound: float


@dataclass(frozen=True, slots=True)
class Raster:
    """Per-zone rasters on ``grid``: zone z's cell (col, row) is
    ``cells[base[z] + (row - row0[z]) * (width[z] + 1) + (col - col0[z])]`` (a spare column
    per row, never PARTIAL, keeps each row's running sums and runs to itself)."""

    grid: Grid
    radius: float
    col0: Int64Array
    row0: Int64Array
    width: Int64Array
    height: Int64Array
    base: Int64Array
    cells: Int32Array
    runs: Runs | None


def flat_edges(geoms: ObjectArray, ids: Int64Array) -> Edges:
    """The edges of ``geoms`` (Polygons/MultiPolygons), labelled with ``ids``."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, coord_of = shapely.get_coordinates(rings, return_index=True)
    same = coord_of[1:] == coord_of[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    zone = ids[part_of[ring_of[coord_of[:-1][same]]]]
    # A repeated vertex is no edge: it bounds nothing and its collinearity is meaningless.
    moving = (a[:, 0] != b[:, 0]) | (a[:, 1] != b[:, 1])
    a, b = a[moving], b[moving]
    return Edges(
        np.ascontiguousarray(a[:, 0]),
        np.ascontiguousarray(a[:, 1]),
        np.ascontiguousarray(b[:, 0]),
        np.ascontiguousarray(b[:, 1]),
        zone[moving].astype(np.int64),
    )


def fine_cell(bounds: Float64Array, edges: Edges) -> float:
    """A cell size: about a sixteenth of a typical zone, finer for zones of many short edges
    (so a run of boundary cells holds few edges), coarser when the rasters would grow too
    big."""
    w, h = bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]
    size = float(np.median(np.maximum(w, h)))
    lengths = np.hypot(edges.bx - edges.ax, edges.by - edges.ay)
    edge = float(np.median(lengths)) if len(lengths) else size
    cell = min(size / 16, max(2 * edge, size / 64))
    if not cell > 0:
        cell = max(size, 1.0)
    cells = float(np.sum((w / cell + 2) * (h / cell + 2)))
    if cells > _RASTER_CELLS:
        cell *= math.sqrt(cells / _RASTER_CELLS)
    return cell


def grid_for(bounds: Float64Array, cell: float, radius: float) -> Grid:
    """A grid covering every zone grown by ``radius`` and the margin, with a cell of slack on
    each side; never finer than the margin allows (tiny zones far from the origin)."""
    lo = float(bounds[:, :2].min()) - radius
    hi = float(bounds[:, 2:].max()) + radius
    margin = _MARGIN * max(abs(lo), abs(hi), cell, radius)
    cell = max(cell, 64 * margin)
    pad = radius + cell + 2 * margin
    x0, y0 = float(bounds[:, 0].min()) - pad, float(bounds[:, 1].min()) - pad
    x1, y1 = float(bounds[:, 2].max()) + pad, float(bounds[:, 3].max()) + pad
    # Cell indices are int32 in the probes; a grid too fine for that gets coarser cells.
    cell = max(cell, (x1 - x0) / 2**30, (y1 - y0) / 2**30)
    nx = math.floor((x1 - x0) / cell) + 1
    ny = math.floor((y1 - y0) / cell) + 1
    return Grid(x0, y0, cell, nx, ny, margin)


def _floor(values: Float64Array, origin: float, cell: float) -> Int64Array:
    return np.floor((values - origin) / cell).astype(np.int64)


def _exclusive(counts: Int64Array) -> Int64Array:
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def _expand(first: Int64Array, count: Int64Array) -> tuple[Int64Array, Int64Array]:
    """For runs ``first[k] .. first[k] + count[k] - 1``: (run of each item, item value)."""
    starts = _exclusive(count)
    total = int(starts[-1])
    run = np.repeat(np.arange(len(count), dtype=np.int64), count)
    value = np.arange(total, dtype=np.int64) + np.repeat(first - starts[:-1], count)
    return run, value


def stable_order(keys: Int64Array, key_max: int) -> Int64Array:
    """``np.argsort(keys, kind="stable")`` for keys in ``[0, key_max]``, as a radix sort on
    8- and 16-bit digits (numpy sorts those in linear time, wider keys by comparison)."""
    order: Int64Array | None = None
    shift = 0
    while order is None or key_max >> shift:
        wide = key_max >> shift >= 256
        digit = keys if order is None else np.take(keys, order)
        digit = (digit >> shift) & (0xFFFF if wide else 0xFF)
        step = np.argsort(digit.astype(np.uint16 if wide else np.uint8), kind="stable")
        order = step if order is None else np.take(order, step)
        shift += 16 if wide else 8
    return order.astype(np.int64, copy=False)


def rasterize(
    edges: Edges,
    bounds: Float64Array,
    ids: Int64Array,
    n_zones: int,
    grid: Grid,
    radius: float,
    *,
    runs: bool,
) -> Raster:
    """Rasters of the zones ``ids`` (``bounds`` in the same order), with their runs if asked."""
    c, reach = grid.cell, radius + grid.margin
    col0 = np.zeros(n_zones, dtype=np.int64)
    row0 = np.zeros(n_zones, dtype=np.int64)
    width = np.zeros(n_zones, dtype=np.int64)
    height = np.zeros(n_zones, dtype=np.int64)
    col0[ids] = _floor(bounds[:, 0] - reach, grid.x0, c)
    row0[ids] = _floor(bounds[:, 1] - reach, grid.y0, c)
    width[ids] = _floor(bounds[:, 2] + reach, grid.x0, c) - col0[ids] + 1
    height[ids] = _floor(bounds[:, 3] + reach, grid.y0, c) - row0[ids] + 1
    stride = width + 1
    base = _exclusive(stride * height)
    size = int(base[-1])

    z = edges.zone
    ylo, yhi = np.minimum(edges.ay, edges.by), np.maximum(edges.ay, edges.by)
    first = np.maximum(_floor(ylo - reach, grid.y0, c), row0[z])
    last = np.minimum(_floor(yhi + reach, grid.y0, c), row0[z] + height[z] - 1)
    pair_edge, pair_row = _expand(first, np.maximum(last - first + 1, 0))

    partial, pair_cell = _cover(
        edges, pair_edge, pair_row, grid, reach, col0, row0, stride, base, size
    )
    inside = _parity(edges, grid, col0, row0, height, stride, base, size)
    cells = np.where(inside, FULL, NONE).astype(np.int32)
    found = None
    if runs:
        extent = float(np.max((width + height) * c, initial=0.0)) + 2 * reach
        found, run_of = _runs(edges, partial, inside, pair_edge, pair_cell, extent)
        cells[partial] = run_of
    else:
        cells[partial] = 0
    return Raster(grid, radius, col0, row0, width, height, base[:-1], cells, found)


def _cover(
    edges: Edges,
    pe: Int64Array,
    pr: Int64Array,
    grid: Grid,
    reach: float,
    col0: Int64Array,
    row0: Int64Array,
    stride: Int64Array,
    base: Int64Array,
    size: int,
) -> tuple[npt.NDArray[np.bool_], Int64Array]:
    """Cells within ``reach`` of an edge: per (edge, row), the columns the part of the edge
    inside the row's band (grown by ``reach``) spans, grown by ``reach``. Also the first cell
    of each (edge, row) pair's columns."""
    c = grid.cell
    ax, ay, bx, by = edges.ax[pe], edges.ay[pe], edges.bx[pe], edges.by[pe]
    lo = np.maximum(grid.y0 + pr * c - reach, np.minimum(ay, by))
    hi = np.minimum(grid.y0 + (pr + 1) * c + reach, np.maximum(ay, by))
    dx, dy = bx - ax, by - ay
    slope = np.divide(dx, dy, out=np.zeros_like(dx), where=dy != 0)
    xmin, xmax = np.minimum(ax, bx), np.maximum(ax, bx)
    flat = dy == 0
    # |y - ay| <= |dy| here, so each x is within a few ulps of |dx| of the true crossing.
    xa = np.where(flat, xmin, np.clip(ax + (lo - ay) * slope, xmin, xmax))
    xb = np.where(flat, xmax, np.clip(ax + (hi - ay) * slope, xmin, xmax))
    z = edges.zone[pe]
    first = np.maximum(_floor(np.minimum(xa, xb) - reach, grid.x0, c), col0[z])
    last = np.minimum(_floor(np.maximum(xa, xb) + reach, grid.x0, c), col0[z] + stride[z] - 2)
    last = np.maximum(last, first)
    start = base[z] + (pr - row0[z]) * stride[z] + (first - col0[z])
    marks = np.bincount(start, minlength=size)
    marks -= np.bincount(start + (last - first + 1), minlength=size)
    return np.cumsum(marks, out=marks) > 0, start


def _parity(
    edges: Edges,
    grid: Grid,
    col0: Int64Array,
    row0: Int64Array,
    height: Int64Array,
    stride: Int64Array,
    base: Int64Array,
    size: int,
) -> npt.NDArray[np.bool_]:
    """Per cell, the parity of edge crossings on the row's centre line up to the cell."""
    c = grid.cell
    z = edges.zone
    ylo, yhi = np.minimum(edges.ay, edges.by), np.maximum(edges.ay, edges.by)
    # Rows whose centre may lie in [ylo, yhi), one spare on each side; the exact test below
    # decides with the same centre value everywhere.
    first = np.maximum(_floor(ylo, grid.y0 + c / 2, c), row0[z])
    last = np.minimum(_floor(yhi, grid.y0 + c / 2, c) + 1, row0[z] + height[z] - 1)
    pe, pr = _expand(first, np.maximum(last - first + 1, 0))
    ay, by = edges.ay[pe], edges.by[pe]
    yc = grid.y0 + (pr + 0.5) * c
    crossing = (ay > yc) != (by > yc)
    pe, pr, yc, ay, by = pe[crossing], pr[crossing], yc[crossing], ay[crossing], by[crossing]
    ax, bx = edges.ax[pe], edges.bx[pe]
    x = np.clip(ax + (yc - ay) * ((bx - ax) / (by - ay)), np.minimum(ax, bx), np.maximum(ax, bx))
    z = z[pe]
    col = np.clip(_floor(x, grid.x0, c), col0[z], col0[z] + stride[z] - 2)
    toggles = np.bincount(base[z] + (pr - row0[z]) * stride[z] + (col - col0[z]), minlength=size)
    return (np.cumsum(toggles, out=toggles) & 1).astype(bool)


def _runs(
    edges: Edges,
    partial: npt.NDArray[np.bool_],
    inside: npt.NDArray[np.bool_],
    pair_edge: Int64Array,
    pair_cell: Int64Array,
    extent: float,
) -> tuple[Runs, Int32Array]:
    """The runs of PARTIAL cells, their edges, and the run of each PARTIAL cell (in order)."""
    # The cell before a row's first cell is the previous row's spare one, never PARTIAL.
    begins = partial.copy()
    begins[1:] &= ~partial[:-1]
    run_of_cell = np.cumsum(begins, dtype=np.int64) - 1
    n_runs = int(run_of_cell[-1]) + 1 if len(run_of_cell) else 0
    ends = partial.copy()
    ends[:-1] &= ~partial[1:]
    after = inside[np.flatnonzero(ends) + 1].astype(np.int64)
    # A pair's columns are all PARTIAL, so they lie in the run of their first cell.
    run = run_of_cell[pair_cell]
    order = stable_order(run, max(n_runs - 1, 0))
    chosen = pair_edge[order]
    count = np.bincount(run, minlength=n_runs).astype(np.int64)
    bits = max(int(count.max(initial=0)).bit_length(), 1)
    info = ((_exclusive(count)[:-1] << bits | count) << 1) | after
    coords = np.stack(
        [edges.ax[chosen], edges.ay[chosen], edges.bx[chosen], edges.by[chosen]], axis=1
    )
    scale = max(float(np.abs(edges.ax).max(initial=0.0)), float(np.abs(edges.ay).max(initial=0.0)))
    longest = float(np.max(np.abs(edges.bx - edges.ax) + np.abs(edges.by - edges.ay), initial=0.0))
    # |left| + |right| <= (|dx| + |dy|) * max(|qx|, |qy|), and q is within the raster;
    # twice over for the roundings of the bound itself.
    bound = 2.0 * (3.0 + 16.0 * 2.0**-53) * 2.0**-53 * longest * extent
    found = Runs(info, bits, coords, scale, bound)
    return found, run_of_cell[partial].astype(np.int32)
