"""One chunk of events through the index: slots, candidates, time test, place test.

Candidates are generated event by event in input order, and each slot's entries are sorted by
row, so every array here stays sorted by (event, row): the output needs no sort. Each stage
only narrows the arrays (selections keep order), and the costly stages run on what is left:
the time test on entries not already known to be within, the fine raster on coarse boundary
cells, the exact test on fine boundary cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from respite.compliance.frame import OVERLAPS, WITHIN, Float64Array, Int32Array, Int64Array
from respite.compliance.join import exact
from respite.compliance.join.geom import FULL, NONE, Raster, Runs
from respite.compliance.join.layer import (
    LOOK_UP,
    PLACE_CHECK,
    ROW_MASK,
    TIME_WITHIN,
    Tables,
    fine_cells,
    lookup,
)

Int8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Fine:
    """What a radius class needs at query time: its fine rasters (with runs) and radius."""

    raster: Raster
    runs: Runs
    radius: float


@dataclass(frozen=True, slots=True)
class Index:
    """The read-only state a probe uses (safe to share between threads)."""

    keys: frozenset[int]  # the event classes it has layers for
    tables: Tables
    fine: dict[int, Fine]  # radius class -> rasters
    spans: int  # event class key = radius class * spans + span class
    row_zone: Int64Array
    start: Int64Array
    end: Int64Array
    judge: exact.Judge


@dataclass(frozen=True, slots=True)
class Found:
    """A chunk's pairs, compact (event within the chunk, row as int32): they are widened to
    int64 once, as they are copied into the result (``_join_output``)."""

    offset: int
    events: int  # in the chunk
    event: Int32Array
    row: Int32Array
    time: Int8Array
    place: Int8Array


def probe(
    index: Index,
    x: Float64Array,
    y: Float64Array,
    t_lo: Int64Array,
    t_hi: Int64Array,
    radius: Float64Array,
    keys: Int64Array,
    offset: int,
) -> Found:
    """Every pair of the events (a chunk of the caller's, starting at ``offset``)."""
    n = len(x)
    present = np.flatnonzero(np.bincount(keys))
    classes = present // index.spans
    ix = np.empty(n, dtype=np.int32)
    iy = np.empty(n, dtype=np.int32)
    inside = np.empty(n, dtype=bool)
    radius_class: Int64Array | int
    if classes[0] == classes[-1]:
        radius_class = int(classes[0])
        ix, iy, inside = fine_cells(index.fine[radius_class].raster, x, y)
    else:
        radius_class = keys // index.spans
        for rc in np.unique(classes).tolist():
            sel = np.flatnonzero(radius_class == rc)
            ix[sel], iy[sel], inside[sel] = fine_cells(index.fine[rc].raster, x[sel], y[sel])
    key: int | Int64Array = int(present[0]) if len(present) == 1 else keys
    first, count = lookup(index.tables, key, ix, iy, inside, t_lo)
    del inside

    event, packed = _candidates(first, count, index.tables.entries)
    time = np.full(len(event), WITHIN, dtype=np.int8)
    test = np.flatnonzero((packed & TIME_WITHIN) == 0)
    if len(test):
        r = np.take(packed, test) >> 3
        r &= ROW_MASK
        e = np.take(event, test)
        s, en = np.take(index.start, r), np.take(index.end, r)
        lo, hi = np.take(t_lo, e), np.take(t_hi, e)
        keep = np.ones(len(event), dtype=bool)
        keep[test] = (lo < en) & (hi > s)
        time[test] = np.where((s <= lo) & (hi <= en), WITHIN, OVERLAPS)
        if not keep.all():
            kept = np.flatnonzero(keep)
            event, packed, time = np.take(event, kept), np.take(packed, kept), np.take(time, kept)

    place = np.full(len(event), WITHIN, dtype=np.int8)
    check = np.flatnonzero(packed & PLACE_CHECK)
    row = packed >> 3
    row &= ROW_MASK
    if len(check):
        value = np.take(packed, check) >> 32
        ev, rows = np.take(event, check), np.take(row, check)
        place[check] = _place(index, ev, rows, value, ix, iy, x, y, radius, radius_class)
    del packed
    if not (place > 0).all():
        keep = np.flatnonzero(place > 0)
        event, row = np.take(event, keep), np.take(row, keep)
        time, place = np.take(time, keep), np.take(place, keep)
    return Found(offset, n, event.astype(np.int32), row.astype(np.int32), time, place)


def _candidates(
    first: Int64Array, count: Int64Array, entries: npt.NDArray[np.int64]
) -> tuple[Int64Array, npt.NDArray[np.int64]]:
    """(event, packed entry) for every entry in every event's slot, in event order."""
    # One np.repeat (which holds the GIL), the rest as takes (which do not).
    event = np.repeat(np.arange(len(count), dtype=np.int64), count)
    first -= np.cumsum(count)
    first += count
    which = np.take(first, event)
    which += np.arange(len(which), dtype=np.int64)
    return event, np.take(entries, which)


def _place(
    index: Index,
    event: Int64Array,
    row: Int64Array,
    value: Int64Array,
    ix: Int32Array,
    iy: Int32Array,
    x: Float64Array,
    y: Float64Array,
    radius: Float64Array,
    classes: Int64Array | int,
) -> Int8Array:
    """The place of candidates whose coarse cell is not FULL, given their entry's value."""
    place = np.zeros(len(event), dtype=np.int8)
    for rc, part in _by_class(classes, event):
        fine = index.fine[rc]
        e = event if part is None else np.take(event, part)
        z = np.take(index.row_zone, row if part is None else np.take(row, part))
        v = value.copy() if part is None else np.take(value, part)
        look = np.flatnonzero(v == LOOK_UP)
        if len(look):
            el = np.take(e, look)
            v[look] = _lookup(fine.raster, np.take(z, look), np.take(ix, el), np.take(iy, el))
        got = np.where(v == FULL, WITHIN, 0).astype(np.int8)
        runs = np.flatnonzero(v >= 0)
        if len(runs):
            e, z = np.take(e, runs), np.take(z, runs)
            r = None if fine.radius == 0 else np.take(radius, e)
            px, py = np.take(x, e), np.take(y, e)
            got[runs] = exact.place(fine.runs, np.take(v, runs), px, py, r, index.judge, z)
        if part is None:
            place = got
        else:
            place[part] = got
    return place


def _by_class(
    classes: Int64Array | int, event: Int64Array
) -> Sequence[tuple[int, Int64Array | None]]:
    """The candidates of each radius class (None: all of them)."""
    if isinstance(classes, int):
        return [(classes, None)]
    of = np.take(classes, event)
    return [(int(rc), np.flatnonzero(of == rc)) for rc in np.unique(of).tolist()]


def _lookup(raster: Raster, z: Int64Array, ix: Int32Array, iy: Int32Array) -> Int32Array:
    """Each point's cell value in its zone's raster (NONE off the raster)."""
    lx = ix - np.take(raster.col0, z)
    ly = iy - np.take(raster.row0, z)
    width = np.take(raster.width, z)
    ok = (lx >= 0) & (lx < width) & (ly >= 0) & (ly < np.take(raster.height, z))
    at = np.take(raster.base, z) + ly * (width + 1) + lx
    at *= ok
    return np.where(ok, np.take(raster.cells, at), NONE).astype(np.int32)
