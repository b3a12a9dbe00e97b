"""Feeding events to a report plan in chunks, and merging the partial results.

A Parquet file read in batches, or a Dask partition each, becomes one :class:`Accumulator`
per chunk; merged, they give the same report as one pass over all events. What is kept is
small: the events that paired with some row (for the event list), and per row and per scope
the number of events overlapping its time at all (for the "outside" counts).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from respite.compliance.event_table import EventTable
from respite.compliance.frame import (
    OVERLAPS,
    WITHIN,
    EventColumns,
    Float64Array,
    Int8Array,
    Int64Array,
    Pairs,
    ZoneWindows,
)
from respite.compliance.report.finish import from_accumulator
from respite.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from respite.compliance.report.model import ComplianceReport
    from respite.compliance.windows import ReportPlan

PairsOf = Callable[[EventColumns, ZoneWindows], Pairs]
_MAX_PROBLEMS = 20


def default_pairs_of(events: EventColumns, rows: ZoneWindows) -> Pairs:
    """``respite.compliance.join.index.join``: builds the index for these rows on every call."""
    # Looked up at call time: callers that bring their own join never load the engine.
    engine = importlib.import_module("respite.compliance.join.index")
    pairs: Pairs = engine.join(events, rows)
    return pairs


def _index_join(rows: ZoneWindows) -> Callable[[EventColumns], Pairs]:
    engine = importlib.import_module("respite.compliance.join.index")
    join: Callable[[EventColumns], Pairs] = engine.JoinIndex(rows).join
    return join


class Accumulator:
    """Partial counts for one :class:`ReportPlan`; ``add`` chunks, ``merge``, ``finish``."""

    def __init__(self, plan: ReportPlan) -> None:
        self.plan = plan
        self.seen = 0
        self.row_time = np.zeros(len(plan.rows), dtype=np.int64)
        self.scope_time = np.zeros(len(plan.scopes), dtype=np.int64)
        self._tables: list[EventTable] = []
        self._xy: list[tuple[Float64Array, Float64Array]] = []
        self._pairs: list[Pairs] = []
        self._kept = 0
        # The default join's index, built on first use and reused for every later chunk.
        self._index: Callable[[EventColumns], Pairs] | None = None

    def __getstate__(self) -> dict[str, object]:
        # The index stays behind when an accumulator travels (to or from a Dask worker).
        return {**self.__dict__, "_index": None}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    def add(self, table: EventTable, *, pairs_of: PairsOf | None = None) -> None:
        """Count one chunk of events (positions in ``table`` are this chunk's).

        ``pairs_of`` joins events with the plan's rows; by default the engine of
        :mod:`respite.compliance.join.index`, its index built once per accumulator.
        """
        _check(table, self.seen)
        x, y = self.plan.project(table.lon, table.lat)
        columns = EventColumns(x, y, table.t_lo, table.t_hi, table.radius_m.astype(np.float64))
        if pairs_of is not None:
            pairs = pairs_of(columns, self.plan.rows)
        else:
            if self._index is None:
                self._index = _index_join(self.plan.rows)
            pairs = self._index(columns)
        self._count_time(table)
        self.seen += len(table)
        if len(pairs) == 0:
            return
        paired = np.unique(pairs.event)
        local = np.searchsorted(paired, pairs.event).astype(np.int64)
        self._tables.append(table.take(paired))
        self._xy.append((x[paired], y[paired]))
        self._pairs.append(
            Pairs(event=local + self._kept, row=pairs.row, time=pairs.time, place=pairs.place)
        )
        self._kept += len(paired)

    def _count_time(self, table: EventTable) -> None:
        # An event overlaps [start, end) unless it ends by start or begins at/after end; with
        # t_lo < t_hi the two exclusions are disjoint, so subtracting them counts it once.
        lo = np.sort(table.t_lo)
        hi = np.sort(table.t_hi)
        rows = self.plan.rows
        self.row_time += np.searchsorted(lo, rows.end, side="left") - np.searchsorted(
            hi, rows.start, side="right"
        )
        for s, scope in enumerate(self.plan.scopes):
            self.scope_time[s] += _overlapping(scope.starts, scope.ends, table)

    def merge(self, other: Accumulator) -> Accumulator:
        """A new accumulator holding both (``self``'s events first); neither is changed."""
        same = other.plan is self.plan or other.plan.fingerprint == self.plan.fingerprint
        if not same:
            raise ValueError("only accumulators of the same ReportPlan can be merged")
        out = Accumulator(self.plan)
        out._index = self._index
        out.seen = self.seen + other.seen
        out.row_time = self.row_time + other.row_time
        out.scope_time = self.scope_time + other.scope_time
        out._tables = [*self._tables, *other._tables]
        out._xy = [*self._xy, *other._xy]
        shifted = [_offset(p, self._kept) for p in other._pairs]
        out._pairs = [*self._pairs, *shifted]
        out._kept = self._kept + other._kept
        return out

    def events(self) -> tuple[EventTable | None, Float64Array, Float64Array]:
        """The paired events kept so far, with their metric x and y."""
        if not self._tables:
            return None, np.empty(0), np.empty(0)
        names = EventTable.__dataclass_fields__
        table = EventTable(
            **{n: np.concatenate([getattr(t, n) for t in self._tables]) for n in names}
        )
        x = np.concatenate([xy[0] for xy in self._xy])
        y = np.concatenate([xy[1] for xy in self._xy])
        return table, x, y

    def pairs(self) -> Pairs:
        """Every pair so far, sorted by kept event then row."""
        if not self._pairs:
            empty = np.empty(0, dtype=np.int64)
            return Pairs(empty, empty.copy(), _int8(empty), _int8(empty))
        event = np.concatenate([p.event for p in self._pairs])
        row = np.concatenate([p.row for p in self._pairs])
        order = np.lexsort((row, event))
        return Pairs(
            event=event[order],
            row=row[order],
            time=np.concatenate([p.time for p in self._pairs])[order],
            place=np.concatenate([p.place for p in self._pairs])[order],
        )

    def finish(self) -> ComplianceReport:
        return from_accumulator(self)


def _overlapping(starts: Int64Array, ends: Int64Array, table: EventTable) -> int:
    # Intervals are disjoint and sorted: the only candidate is the first ending after t_lo.
    if len(starts) == 0 or len(table) == 0:
        return 0
    first = np.searchsorted(ends, table.t_lo, side="right")
    found = first < len(starts)
    hit = found & (starts[np.minimum(first, len(starts) - 1)] < table.t_hi)
    return int(hit.sum())


def _offset(pairs: Pairs, by: int) -> Pairs:
    return Pairs(pairs.event + by, pairs.row, pairs.time, pairs.place)


def _int8(values: Int64Array) -> Int8Array:
    return values.astype(np.int8)


def _check(table: EventTable, offset: int) -> None:
    """Refuse events a report could not place honestly, naming each (up to 20)."""
    checks = (
        ("lon", ~(np.isfinite(table.lon) & (np.abs(table.lon) <= 180)), "not a longitude"),
        ("lat", ~(np.isfinite(table.lat) & (np.abs(table.lat) <= 90)), "not a latitude"),
        ("occurred_until", table.t_hi <= table.t_lo, "must be after occurred_from"),
        ("radius_m", ~(np.isfinite(table.radius_m) & (table.radius_m >= 0)), "must be >= 0"),
    )
    problems = []
    for field, bad, message in checks:
        for i in np.flatnonzero(bad)[:_MAX_PROBLEMS].tolist():
            key = table.key[i]
            problems.append(Problem(f"events[{offset + i}].{field}", f"{message} (event {key})"))
    if problems:
        raise InvalidInput(problems[:_MAX_PROBLEMS])


__all__ = ["OVERLAPS", "WITHIN", "Accumulator", "PairsOf", "default_pairs_of"]
