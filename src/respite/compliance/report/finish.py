"""A report from an accumulator: the counts per window, part and pause, margins, baselines.

:meth:`~respite.compliance.report.accumulate.Accumulator.finish` calls :func:`from_accumulator`;
the counting rules are those of :mod:`respite.compliance.report.build`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from respite.compliance.frame import INSIDE, POSSIBLY, Int8Array, Int64Array
from respite.compliance.report.events import event_entries
from respite.compliance.report.model import (
    Baseline,
    BaselineDay,
    ComplianceReport,
    Counts,
    Margin,
    NearReport,
    PartReport,
    TypeCount,
    WindowReport,
)
from respite.compliance.report.phases import AFTER, BEFORE, DURING

if TYPE_CHECKING:
    # Type-only: the accumulator calls this module to finish, and the plan builds accumulators.
    from respite.compliance.report.accumulate import Accumulator


def from_accumulator(acc: Accumulator) -> ComplianceReport:
    """The report of everything added to ``acc`` (what ``acc.finish()`` returns)."""
    return _Builder(acc).report()


class _Builder:
    def __init__(self, acc: Accumulator) -> None:
        self.acc = acc
        self.plan = plan = acc.plan
        self.table, self.x, self.y = acc.events()
        self.pairs = acc.pairs()
        self.klass: Int8Array = self.pairs.klass
        # Pairs grouped by row: row r's pairs are by_row[bounds[r]:bounds[r + 1]].
        self.by_row = np.argsort(self.pairs.row, kind="stable")
        self.bounds = np.searchsorted(self.pairs.row[self.by_row], np.arange(len(plan.rows) + 1))
        self.row_counts = [self._row(r) for r in range(len(plan.rows))]
        self.rows_of = {
            (int(w), int(ph)): r
            for r, (w, ph) in enumerate(zip(plan.row_window, plan.row_phase, strict=True))
            if w >= 0
        }

    def report(self) -> ComplianceReport:
        plan, pause = self.plan, self.plan.pause
        scoped = {(s.part, s.phase): self._scope(i) for i, s in enumerate(plan.scopes)}
        windows = [self._window(w) for w in range(len(plan.windows))]
        parts = []
        for p, part in enumerate(plan.parts):
            own = [w for w in range(len(plan.windows)) if plan.windows[w].part == p]
            parts.append(
                PartReport(
                    id=part.id,
                    name=part.name.en if part.name else part.id,
                    zone=part.zone,
                    approximation=part.zone_spec.approximation,
                    during=scoped[(p, DURING)],
                    before=scoped[(p, BEFORE)],
                    after=scoped[(p, AFTER)],
                    baseline=self._baseline(own),
                    windows=tuple(windows[w] for w in own),
                )
            )
        near_rows = {int(plan.row_near[r]): r for r in np.flatnonzero(plan.row_near >= 0)}
        near = tuple(
            NearReport(feature, self.row_counts[near_rows[f]])
            for f, feature in enumerate(plan.near)
        )
        listed = self._listed()
        entries = event_entries(plan, self.table, self.x, self.y, self.pairs.take(listed))
        return ComplianceReport(
            pause_id=pause.id,
            pause_name=pause.spec.name.en,
            kind=pause.kind.value,
            status=pause.latest.status.value,
            version=pause.latest.version,
            timezone=pause.timezone,
            options=plan.options,
            projection=plan.projection,
            events_seen=self.acc.seen,
            during=scoped[(None, DURING)],
            before=scoped[(None, BEFORE)],
            after=scoped[(None, AFTER)],
            baseline=self._baseline(list(range(len(plan.windows)))),
            parts=tuple(parts),
            near=near,
            events=entries,
            pairs_total=len(self.pairs),
        )

    def _listed(self) -> Int64Array:
        """The pairs to list: all, or the first ``list_events`` by phase (the window's own
        first, baseline last), then event, then row."""
        limit = self.plan.options.list_events
        if limit is None or limit >= len(self.pairs):
            return np.arange(len(self.pairs), dtype=np.int64)
        rank = np.array([0, 1, 2, 4, 3], dtype=np.int8)[self.plan.row_phase[self.pairs.row]]
        order = np.lexsort((self.pairs.row, self.pairs.event, rank))
        return np.sort(order[:limit]).astype(np.int64)

    def _row(self, r: int) -> Counts:
        picked = self.by_row[self.bounds[r] : self.bounds[r + 1]]
        overlap = int(self.acc.row_time[r])
        return self._counts(self.pairs.event[picked], self.klass[picked], overlap)

    def _scope(self, s: int) -> Counts:
        scope = self.plan.scopes[s]
        member = np.zeros(len(self.plan.rows), dtype=np.bool_)
        member[scope.rows] = True
        mask = member[self.pairs.row]
        events, klass = self.pairs.event[mask], self.klass[mask]
        # Pairs are sorted by event: the best class per event is a max over each run.
        distinct, first = np.unique(events, return_index=True)
        best = np.maximum.reduceat(klass, first) if len(first) else klass[:0]
        return self._counts(distinct, best, int(self.acc.scope_time[s]))

    def _counts(self, events: Int64Array, klass: Int8Array, overlap: int) -> Counts:
        table = self.table
        inside, possibly = events[klass == INSIDE], events[klass == POSSIBLY]
        if table is None or len(events) == 0:
            return Counts(0, 0, overlap, (), 0, 0, 0, 0)
        types = sorted(set(table.event_type[events].tolist()))
        by_type = tuple(
            TypeCount(
                t,
                int((table.event_type[inside] == t).sum()),
                int((table.event_type[possibly] == t).sum()),
            )
            for t in types
        )
        f_in, f_pos = table.fatalities[inside], table.fatalities[possibly]
        return Counts(
            inside=len(inside),
            possibly=len(possibly),
            outside=overlap - len(events),
            by_type=by_type,
            fatalities_inside=int(f_in[f_in >= 0].sum()),
            fatalities_possibly=int(f_pos[f_pos >= 0].sum()),
            unknown_fatalities_inside=int((f_in < 0).sum()),
            unknown_fatalities_possibly=int((f_pos < 0).sum()),
        )

    def _window(self, w: int) -> WindowReport:
        occ = self.plan.windows[w]
        margins = []
        for phase in (BEFORE, AFTER):
            r = self.rows_of.get((w, phase))
            rows = self.plan.rows
            margins.append(
                None
                if r is None
                else Margin(int(rows.start[r]), int(rows.end[r]), self.row_counts[r])
            )
        return WindowReport(
            part=self.plan.parts[occ.part].id,
            number=occ.index + 1,
            start=occ.start,
            end=occ.end,
            cut=occ.cut,
            during=self.row_counts[self.rows_of[(w, DURING)]],
            before=margins[0],
            after=margins[1],
            baseline=self._baseline([w]),
        )

    def _baseline(self, windows: Sequence[int]) -> Baseline:
        uses, rows = self.plan.baseline, self.plan.rows
        days: list[BaselineDay] = []
        mine = np.isin(uses.window, windows)
        # A window longer than a day has fewer baseline spans than baseline_days (windows.py).
        last = int(uses.day[mine].max()) if mine.any() else 0
        for day in range(1, last + 1):
            picked = np.flatnonzero(np.isin(uses.window, windows) & (uses.day == day))
            counts = [self.row_counts[int(uses.row[u])] for u in picked]
            single = len(windows) == 1 and len(picked) == 1
            r = int(uses.row[picked[0]]) if single else None
            days.append(
                BaselineDay(
                    day=day,
                    inside=sum(c.inside for c in counts),
                    possibly=sum(c.possibly for c in counts),
                    outside=sum(c.outside for c in counts),
                    start=None if r is None else int(rows.start[r]),
                    end=None if r is None else int(rows.end[r]),
                    shift_days=int(uses.shift_days[picked[0]]) if single else None,
                )
            )
        during = [self.row_counts[self.rows_of[(w, DURING)]] for w in windows]
        return Baseline(
            days=tuple(days),
            during_inside=sum(c.inside for c in during),
            during_possibly=sum(c.possibly for c in during),
        )
