"""Space-time slot tables: which zone-window rows an event can meet, from its cell and time.

A layer serves one class of events (radius up to ``R``, time span up to ``S``). Its slots are
(coarse cell, time bucket) pairs: each row is listed in every coarse cell its zone's raster
(grown by R) touches, times every bucket its window (started ``S - 1`` seconds early) touches,
so an event needs only one lookup, at the slot of ``(x, y)`` and ``t_lo``. Growing the zone
side per class, instead of listing an event in every cell and bucket it spans, keeps the
number of candidates per event near the number of true pairs.

An entry packs ``value << 32 | row << 3 | code``: the place at coarse level (FULL, or CHECK:
look at the fine raster), whether every event of the class in that slot lies within the
window (no time test needed), and, when the coarse cell *is* the fine cell, the fine cell's
value (its run), which spares the query the raster lookup. Entries of a slot are sorted by
row, so candidates come out sorted by (event, row) with no sort at query time.

:func:`plan` picks each layer's coarse cell and bucket with a small cost model (building
entries against candidates per event); every choice gives the same pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from respite.compliance.frame import Float64Array, Int32Array, Int64Array
from respite.compliance.join.geom import FULL, NONE, Raster, stable_order

#: Entry codes (low 3 bits): the place at coarse level (FULL: within, whatever the point;
#: CHECK: look the point up in the fine raster), and whether the time test can be skipped.
PLACE_FULL, PLACE_CHECK = 0, 1
TIME_WITHIN = 4
ROW_MASK = (1 << 28) - 1
#: Entry value of a coarse cell: the fine raster must be asked.
LOOK_UP = -3

_MAX_SLOTS = 8_000_000
_MAX_ENTRIES = 12_000_000
_MAX_BUCKETS = 100_000
# Costs in nanoseconds on the reference machine (measured): building one entry; at query
# time one candidate, its time test, and its fine-raster lookup.
_COST_ENTRY = 80.0
_COST_CANDIDATE = 30.0
_COST_TIME = 10.0
_COST_LOOK_UP = 40.0
# Rasterising at a new coarseness: per raster cell and per edge.
_COST_RASTER_CELL = 50.0
_COST_RASTER_EDGE = 200.0
_FACTORS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128, 256, 512, 1024)


@dataclass(frozen=True, slots=True)
class Layer:
    """Slot table for one (radius class, span class); coarse cell = ``factor`` fine cells.

    Slot ``(b * ncy + cy) * ncx + cx`` holds ``entries[ptr[slot]:ptr[slot + 1]]``.
    """

    factor: int
    ncx: int
    ncy: int
    t0: int
    bucket: int
    nb: int
    ptr: npt.NDArray[np.int64]
    entries: npt.NDArray[np.int64]


def _buckets(start: Int64Array, end: Int64Array, span: int, t0: int, bucket: int) -> Int64Array:
    """First bucket of each row (for events of span up to ``span``) and how many it touches."""
    b0 = (start - span + 1 - t0) // bucket
    b1 = (end - 1 - t0) // bucket
    return np.stack([b0, b1 - b0 + 1])


@dataclass(frozen=True, slots=True)
class Plan:
    factor: int
    t0: int
    bucket: int
    nb: int


def plan(
    fine: Raster,
    zone: Int64Array,
    start: Int64Array,
    end: Int64Array,
    span: int,
    n_hint: int,
    *,
    n_edges: int = 0,
    built: frozenset[int] = frozenset({1}),
) -> Plan:
    """The coarse cell and time bucket expected to cost least (building plus ``n_hint``
    lookups), from the zones' raster sizes and the windows' times; rasters at a coarseness in
    ``built`` already exist.

    Candidates per event are estimated as entries per slot (events spread evenly): finer
    slots mean fewer candidates but more entries to build, and cells coarser than the fine
    raster mean a raster lookup for every candidate not certainly inside.
    """
    lo, hi = int(start.min()), int(end.max())
    # A window of duration d holds t_lo of a span-S event over d - S + 1 seconds: buckets that
    # long, starting where windows start, let long windows skip the time test entirely.
    bucket = max(int(np.median(end - start)) - span + 1, span, 1)
    bucket = max(bucket, math.ceil((hi - lo + span) / _MAX_BUCKETS))
    partial = float(np.mean(fine.cells[fine.cells != NONE] >= 0)) if len(fine.cells) else 1.0
    best: tuple[float, Plan] | None = None
    smallest: tuple[float, Plan] | None = None  # fewest entries, if nothing fits the limits
    while True:
        t0 = lo - bucket * -(-(span - 1) // bucket)
        nb = max(1, math.ceil((hi - t0) / bucket))
        count = _buckets(start, end, span, t0, bucket)[1]
        doubt = 1.0 - _certain_share(start, end, span, t0, bucket, count)
        for factor in _FACTORS:
            slots = -(-fine.grid.nx // factor) * -(-fine.grid.ny // factor) * nb
            cells = ((fine.width + factor - 1) // factor + 1) * (
                (fine.height + factor - 1) // factor + 1
            )
            entries = float(np.sum(cells[zone] * count))
            option = Plan(factor, t0, bucket, nb)
            if slots <= _MAX_SLOTS and (smallest is None or entries < smallest[0]):
                smallest = (entries, option)
            if slots > _MAX_SLOTS or entries > _MAX_ENTRIES:
                continue
            look = 0.0 if factor == 1 else min(1.0, partial * factor)
            per = _COST_CANDIDATE + _COST_TIME * doubt + _COST_LOOK_UP * look
            cost = entries * _COST_ENTRY + n_hint * entries / slots * per
            if factor not in built:  # rasters at this coarseness are still to be made
                raster = float(np.sum(cells)) * _COST_RASTER_CELL + n_edges * _COST_RASTER_EDGE
                cost += raster
            if best is None or cost < best[0]:
                best = (cost, option)
        if bucket >= hi - lo + span:
            break
        bucket *= 2
    if best is not None:
        return best[1]
    if smallest is not None:
        return smallest[1]
    # Zones scattered over a huge area: coarse cells as large as the slot limit requires.
    factor = _FACTORS[-1]
    while -(-fine.grid.nx // factor) * -(-fine.grid.ny // factor) * nb > _MAX_SLOTS:
        factor *= 2
    return Plan(factor, t0, bucket, nb)


def _certain_share(
    start: Int64Array, end: Int64Array, span: int, t0: int, bucket: int, count: Int64Array
) -> float:
    """The share of a layer's (row, bucket) pairs whose every event lies within the row's
    window (those buckets skip the time test)."""
    first = -((t0 - start) // bucket)  # first bucket starting at or after the window's start
    last = (end - span + 1 - t0) // bucket - 1  # last bucket whose events all end by its end
    certain = np.maximum(last - first + 1, 0)
    return float(certain.sum()) / max(float(count.sum()), 1.0)


def build(
    coarse: Raster,
    cells: Cells,
    plan: Plan,
    zone: Int64Array,
    start: Int64Array,
    end: Int64Array,
    span: int,
) -> Layer:
    """The slot table from the zones' ``coarse`` rasters (``factor`` fine cells per cell)."""
    grid = coarse.grid
    t0, bucket, nb = plan.t0, plan.bucket, plan.nb
    cell, cell_zone, code = cells.cell, cells.zone, cells.code
    n_zones = len(coarse.col0)
    per_zone = np.bincount(cell_zone, minlength=n_zones).astype(np.int64)
    zone_first = np.zeros(n_zones + 1, dtype=np.int64)
    np.cumsum(per_zone, out=zone_first[1:])

    b0, nbk = _buckets(start, end, span, t0, bucket)
    b0c = np.clip(b0, 0, nb)
    nbk = np.clip(b0 + nbk, 0, nb) - b0c
    rb_row = np.repeat(np.arange(len(zone), dtype=np.int64), nbk)
    rb_b = np.arange(len(rb_row), dtype=np.int64) - np.repeat(np.cumsum(nbk) - nbk - b0c, nbk)
    # Every event of the class with t_lo in the bucket lies within the window.
    lo_t = t0 + rb_b * bucket
    within = (start[rb_row] <= lo_t) & (lo_t + bucket - 1 + span <= end[rb_row])

    k = per_zone[zone[rb_row]]
    first = zone_first[zone[rb_row]]
    starts = np.cumsum(k) - k
    n_cells = grid.nx * grid.ny
    if len(k) == n_zones and (k == per_zone).all() and (first == zone_first[:-1]).all():
        slot, packed = cell.copy(), code.copy()  # one row per zone, in zone order, one bucket
    else:
        which = np.repeat(first - starts, k)
        which += np.arange(len(which), dtype=np.int64)
        slot, packed = np.take(cell, which), np.take(code, which)
    slot += np.repeat(rb_b * n_cells, k)
    packed |= np.repeat((rb_row << 3) | np.where(within, TIME_WITHIN, 0), k)
    order = stable_order(slot, nb * n_cells)
    ptr = np.zeros(nb * n_cells + 1, dtype=np.int64)
    np.cumsum(np.bincount(slot, minlength=nb * n_cells), out=ptr[1:])
    return Layer(plan.factor, grid.nx, grid.ny, t0, bucket, nb, ptr, np.take(packed, order))


@dataclass(frozen=True, slots=True)
class Cells:
    """Every (cell, zone) of a raster whose value is not NONE, zone-major: the grid's cell
    id, the zone, and the entry bits the cell contributes."""

    cell: Int64Array
    zone: Int64Array
    code: Int64Array


def raster_cells(coarse: Raster, factor: int) -> Cells:
    """The :class:`Cells` of ``coarse`` (``factor`` fine cells per cell; at 1 the entries
    carry the fine value)."""
    stride = coarse.width + 1
    # Per raster row: its zone, where it starts in ``cells`` and the grid id of its first cell
    # (no division by a per-zone stride is needed to place a cell).
    row_zone = np.repeat(np.arange(len(stride), dtype=np.int64), coarse.height)
    local = np.arange(len(row_zone), dtype=np.int64)
    local -= np.repeat(np.cumsum(coarse.height) - coarse.height, coarse.height)
    row_start = coarse.base[row_zone] + local * stride[row_zone]
    row_cell = (coarse.row0[row_zone] + local) * coarse.grid.nx + coarse.col0[row_zone]
    where = np.flatnonzero(coarse.cells != NONE)
    row = np.repeat(np.arange(len(row_zone), dtype=np.int32), stride[row_zone])[where]
    cell = where - row_start[row] + row_cell[row]
    value = coarse.cells[where].astype(np.int64)
    code = np.where(value == FULL, PLACE_FULL, PLACE_CHECK)
    code |= (value if factor == 1 else np.full_like(value, LOOK_UP)) << 32
    return Cells(cell, row_zone[row], code)


def fine_cells(
    raster: Raster, x: Float64Array, y: Float64Array
) -> tuple[Int32Array, Int32Array, npt.NDArray[np.bool_]]:
    """Each point's fine cell (column, row) and whether it lies on the grid at all."""
    grid = raster.grid
    fx = x - grid.x0
    fx /= grid.cell
    fy = y - grid.y0
    fy /= grid.cell
    inside = (fx >= 0) & (fx < grid.nx) & (fy >= 0) & (fy < grid.ny)
    # Clip before the cast: far-away points would overflow int32 (and warn).
    np.clip(fx, 0, grid.nx - 1, out=fx)
    np.clip(fy, 0, grid.ny - 1, out=fy)
    return fx.astype(np.int32), fy.astype(np.int32), inside


@dataclass(frozen=True, slots=True)
class Tables:
    """Every layer's slots and entries in one pair of arrays, so that a chunk of events of
    several classes is looked up in one pass: ``info[slot]`` packs ``first << bits | count``
    (one gather per event), and the per-key arrays give each layer's parameters."""

    info: npt.NDArray[np.int64] | Int32Array
    bits: int
    entries: npt.NDArray[np.int64]
    t0: Int64Array
    bucket: Int64Array
    nb: Int64Array
    factor: Int64Array
    ncx: Int64Array
    ncy: Int64Array
    slot0: Int64Array


def concatenate(layers: dict[int, Layer]) -> Tables:
    size = max(layers) + 1
    params = {name: np.zeros(size, dtype=np.int64) for name in _PARAMS}
    infos: list[Int64Array] = []
    entries: list[npt.NDArray[np.int64]] = []
    slot0 = first = 0
    for key, layer in sorted(layers.items()):
        for name in _PARAMS[:-1]:
            params[name][key] = getattr(layer, name)
        params["slot0"][key] = slot0
        infos.append(layer.ptr + first)
        entries.append(layer.entries)
        slot0 += len(layer.ptr) - 1
        first += len(layer.entries)
    counts = np.concatenate([np.diff(p) for p in infos])
    bits = max(int(counts.max(initial=0)).bit_length(), 1)
    starts = np.concatenate([p[:-1] for p in infos])
    kind = np.int32 if (first << bits) < 2**31 else np.int64
    info = ((starts << bits) | counts).astype(kind)
    return Tables(info, bits, np.concatenate(entries), **params)


_PARAMS = ("t0", "bucket", "nb", "factor", "ncx", "ncy", "slot0")


def lookup(
    tables: Tables,
    key: int | npt.NDArray[np.integer],
    ix: Int32Array,
    iy: Int32Array,
    inside: npt.NDArray[np.bool_],
    t_lo: Int64Array,
) -> tuple[Int64Array, Int64Array]:
    """(first entry, entry count) per event, from its class key, fine cell and ``t_lo``;
    ``key`` is one int when every event has the same."""

    def param(name: str) -> Int64Array | int:
        values: Int64Array = getattr(tables, name)
        return int(values[key]) if isinstance(key, int) else np.take(values, key)

    b = t_lo - param("t0")
    b //= param("bucket")
    ok = (b >= 0) & (b < param("nb"))
    ok &= inside
    factor = param("factor")
    if isinstance(factor, int) and factor == 1:
        cx, cy = ix.astype(np.int64), iy.astype(np.int64)
    else:
        cx, cy = ix // factor, iy // factor
    slot = b * param("ncy")
    slot += cy
    slot *= param("ncx")
    slot += cx
    slot += param("slot0")
    slot *= ok
    info = np.take(tables.info, slot).astype(np.int64)
    info *= ok
    count = info & ((1 << tables.bits) - 1)
    info >>= tables.bits
    return info, count
