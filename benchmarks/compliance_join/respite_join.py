"""Respite's own engine: ``JoinIndex(rows).join(events)``, as a report calls it.

"Load" is Parquet to :class:`EventColumns` and :class:`ZoneWindows` (numpy arrays and shapely
polygons); "join" builds the index over the zone-windows and joins every event, so it counts
what :func:`respite.compliance.join.index.join` costs a caller.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.compliance_join.outcome import Outcome, PairArrays, best_of, timed
from benchmarks.compliance_join.workload import read_events, read_rows
from respite.compliance.frame import EventColumns, ZoneWindows
from respite.compliance.join.index import JoinIndex


def load(directory: Path) -> tuple[EventColumns, ZoneWindows]:
    events, rows = read_events(directory), read_rows(directory)
    columns = EventColumns(events.x, events.y, events.t_lo, events.t_hi, np.zeros(len(events)))
    zone = np.arange(len(rows), dtype=np.int32)
    return columns, ZoneWindows(tuple(rows.polygons), zone, rows.start, rows.end)


def run_respite(directory: Path, repeat: int, chunk: int, want_pairs: bool) -> Outcome:
    load_s, (columns, zone_windows) = timed(lambda: load(directory), "load")
    join_s, pairs = best_of(repeat, lambda: JoinIndex(zone_windows).join(columns))
    arrays = PairArrays(pairs.event, pairs.row, pairs.time, pairs.place)
    return Outcome(
        load_s,
        join_s,
        arrays.summary(len(zone_windows)),
        {"call": "JoinIndex(rows).join(events), the index built inside the timing"},
        arrays.in_order() if want_pairs else None,
    )
