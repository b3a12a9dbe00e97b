"""The join engine: every (event, zone-window row) pair that is not outside, exactly.

Semantics are those of :mod:`respite.compliance.frame` (shapely's, on planar metres and UTC
seconds). Build a :class:`JoinIndex` once per set of rows and join any number of event sets::

    index = JoinIndex(rows)
    pairs = index.join(events)      # sorted by (event, row)

How it stays fast without giving up exactness:

* Events fall into classes by radius (0, then doubling) and time span (a second, a minute,
  an hour, ..., a day, a week, a month, ...). Each class has its own space-time slot table
  (``_join_layer``) in which the *zones* are grown by the class's radius and the *windows*
  started early by its span, so an event is looked up once, at its point and its start.
* Zones are rasterised (``_join_geom``): a point in a cell certainly inside a zone needs no
  geometry at all; in a cell an edge comes near, the exact test (``_join_exact``) reads only
  the one or two edges of that stretch of boundary cells, with orientation signs trusted only
  beyond their error bound; the rare pairs where floating point cannot be sure (points on a
  boundary among them) are decided by shapely itself, which defines the join.
* Events go through in chunks (bounded memory; two threads by default, since numpy releases
  the GIL in most of the work), each chunk's pairs coming out already sorted and copied
  into the result by its own thread, in chunk order (``_join_output``).

Measured on the issue's benchmark (5,000,000 events, 10,000 zone-windows, 2 cores), index
built inside the timing: about 0.6 s, and 1.5 s when every window spans the whole month (a
pure point-in-polygon join with 14.4 million pairs).
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

import numpy as np
import numpy.typing as npt
import shapely

from respite.compliance.frame import EventColumns, Float64Array, Int64Array, Pairs, ZoneWindows
from respite.compliance.join import geom
from respite.compliance.join import layer as slots
from respite.compliance.join.check import CheckedRows, check_events, check_rows
from respite.compliance.join.exact import Judge
from respite.compliance.join.output import Abandoned, Output
from respite.compliance.join.probe import Fine, Index, probe

__all__ = ["DEFAULT_CHUNK", "JoinIndex", "join"]

#: Events per chunk: enough that numpy's per-call overhead vanishes, few enough that a chunk's
#: arrays stay in the processor's cache (and two chunks in flight in tens of megabytes).
DEFAULT_CHUNK = 1 << 16
#: Time-span classes (seconds): the usual precisions exactly, then doubling (the last is
#: beyond any span between the checked times' limits).
_SPANS = np.array(
    [1, 60, 600, 3600, 3 * 3600, 6 * 3600, 12 * 3600]
    + [d * 86400 for d in (1, 2, 4, 7, 14, 31, 62, 92, 183, 366)]
    + [366 * 86400 * 2**k for k in range(1, 16)],
    dtype=np.int64,
)


class JoinIndex:
    """Zone-window rows prepared for joining events against; see the module docstring.

    Building checks the rows (InvalidInput naming each bad field) and extracts the zones'
    edges; the rasters and slot tables of each event class are built on first use.
    """

    def __init__(self, rows: ZoneWindows) -> None:
        self._rows: CheckedRows = check_rows(rows)
        self._used = np.unique(self._rows.zone)
        self._bounds: Float64Array = shapely.bounds(self._rows.geoms[self._used])
        self._edges = geom.flat_edges(self._rows.geoms[self._used], self._used)
        self._cell = geom.fine_cell(self._bounds, self._edges) if len(self._used) else 1.0
        self._fine: dict[int, Fine] = {}
        self._coarse: dict[tuple[int, int], tuple[geom.Raster, slots.Cells]] = {}
        self._layers: dict[int, slots.Layer] = {}
        self._index: Index | None = None
        self._judge = Judge(self._rows.geoms)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows.zone)

    # -- event classes ---------------------------------------------------------------------

    def _radius_of(self, radius_class: int) -> float:
        """The largest radius (metres) of a radius class; class 0 is exactly 0."""
        return 0.0 if radius_class == 0 else self._cell / 4 * 2.0 ** (radius_class - 1)

    def _radius_classes(self, radius: Float64Array) -> npt.NDArray[np.int64] | None:
        if not radius.any():
            return None
        out = np.zeros(len(radius), dtype=np.int64)
        pos = np.flatnonzero(radius > 0)
        r = radius[pos]
        k = 1 + np.maximum(np.ceil(np.log2(r / (self._cell / 4))), 0).astype(np.int64)
        # log2 rounding may land one class low; the class's radius must cover the event's.
        short = self._cell / 4 * np.exp2(k - 1) < r
        k[short] += 1
        out[pos] = k
        return out

    def _keys(
        self, t_lo: Int64Array, t_hi: Int64Array, radius: Float64Array
    ) -> npt.NDArray[np.int64]:
        """Each event's class: radius class * len(_SPANS) + span class."""
        keys = np.searchsorted(_SPANS, t_hi - t_lo).astype(np.int64)
        radius_classes = self._radius_classes(radius)
        if radius_classes is not None:
            keys += radius_classes * len(_SPANS)
        return keys

    # -- building ----------------------------------------------------------------------------

    def _fine_for(self, radius_class: int) -> Fine:
        found = self._fine.get(radius_class)
        if found is None:
            radius = self._radius_of(radius_class)
            grid = geom.grid_for(self._bounds, max(self._cell, radius), radius)
            raster = geom.rasterize(
                self._edges,
                self._bounds,
                self._used,
                len(self._rows.geoms),
                grid,
                radius,
                runs=True,
            )
            assert raster.runs is not None
            found = self._fine[radius_class] = Fine(raster, raster.runs, radius)
        return found

    def _coarse_for(self, radius_class: int, factor: int) -> tuple[geom.Raster, slots.Cells]:
        found = self._coarse.get((radius_class, factor))
        if found is None:
            fine = self._fine[radius_class]
            raster = fine.raster
            if factor > 1:
                grid = fine.raster.grid.coarsened(factor)
                raster = geom.rasterize(
                    self._edges,
                    self._bounds,
                    self._used,
                    len(self._rows.geoms),
                    grid,
                    fine.radius,
                    runs=False,
                )
            found = (raster, slots.raster_cells(raster, factor))
            self._coarse[(radius_class, factor)] = found
        return found

    def _ensure(self, keys: list[int], counts: list[int]) -> Index:
        """An index with the layers of every key in ``keys`` (``counts``: events expected)."""
        index = self._index
        if index is not None and index.keys.issuperset(keys):
            return index
        with self._lock:
            rows = self._rows
            plans: dict[int, slots.Plan] = {}
            for key, n in zip(keys, counts, strict=True):
                if key in self._layers:
                    continue
                rc, span = key // len(_SPANS), int(_SPANS[key % len(_SPANS)])
                fine = self._fine_for(rc)
                built = {f for (r, f) in self._coarse if r == rc}
                built |= {p.factor for k, p in plans.items() if k // len(_SPANS) == rc}
                plans[key] = slots.plan(
                    fine.raster,
                    rows.zone,
                    rows.start,
                    rows.end,
                    span,
                    max(n, 250_000),
                    n_edges=len(self._edges),
                    built=frozenset(built | {1}),
                )
            for key, plan in plans.items():
                self._coarse_for(key // len(_SPANS), plan.factor)
                self._layers[key] = self._layer(key, plan)
            if plans or self._index is None:
                self._index = Index(
                    frozenset(self._layers),
                    slots.concatenate(self._layers),
                    dict(self._fine),
                    len(_SPANS),
                    rows.zone,
                    rows.start,
                    rows.end,
                    self._judge,
                )
            return self._index

    def _layer(self, key: int, plan: slots.Plan) -> slots.Layer:
        rc, span = key // len(_SPANS), int(_SPANS[key % len(_SPANS)])
        coarse, cells = self._coarse[(rc, plan.factor)]
        rows = self._rows
        return slots.build(coarse, cells, plan, rows.zone, rows.start, rows.end, span)

    # -- joining -----------------------------------------------------------------------------

    def join(
        self, events: EventColumns, *, chunk_size: int = DEFAULT_CHUNK, workers: int = 2
    ) -> Pairs:
        """Every (event, row) pair that is not outside, sorted by event then row.

        ``chunk_size`` events are joined at a time, on ``workers`` threads; neither changes
        the result.
        """
        ev = check_events(events)
        n = len(ev.x)
        if n == 0 or len(self._rows.zone) == 0:
            return _empty()
        chunk = max(1, int(chunk_size))
        bounds = [(lo, min(lo + chunk, n)) for lo in range(0, n, chunk)]
        output = Output(n)

        def run(i: int) -> None:
            try:
                lo, hi = bounds[i]
                part = slice(lo, hi)
                t_lo, t_hi, radius = ev.t_lo[part], ev.t_hi[part], ev.radius[part]
                keys = self._keys(t_lo, t_hi, radius)
                # A class's layer is built by the first chunk that meets it, planned for the
                # whole call's share of such events.
                counts = np.bincount(keys)
                present = np.flatnonzero(counts)
                expected = (counts[present] * (n / (hi - lo))).astype(np.int64)
                index = self._ensure(present.tolist(), expected.tolist())
                found = probe(index, ev.x[part], ev.y[part], t_lo, t_hi, radius, keys, lo)
                output.put(i, found)
            except BaseException:
                output.fail()
                raise

        if workers > 1 and len(bounds) > 1:
            with ThreadPoolExecutor(max_workers=min(workers, len(bounds))) as pool:
                futures = [pool.submit(run, i) for i in range(len(bounds))]
                for waiting in wait(futures, return_when=FIRST_EXCEPTION).not_done:
                    waiting.cancel()  # after a failure, chunks not yet started need not be
                failures = [f.exception() for f in futures if not f.cancelled()]
                for failure in failures:
                    if failure is not None and not isinstance(failure, Abandoned):
                        raise failure
                for failure in failures:
                    if failure is not None:
                        raise failure
        else:
            for i in range(len(bounds)):
                run(i)
        return output.pairs()


def join(events: EventColumns, rows: ZoneWindows) -> Pairs:
    """``JoinIndex(rows).join(events)``."""
    return JoinIndex(rows).join(events)


def _empty() -> Pairs:
    return Pairs(
        event=np.empty(0, dtype=np.int64),
        row=np.empty(0, dtype=np.int64),
        time=np.empty(0, dtype=np.int8),
        place=np.empty(0, dtype=np.int8),
    )
