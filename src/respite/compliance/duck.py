"""The event/zone-window join in DuckDB (spatial extension): a second engine to check ours with.

Same semantics as :mod:`respite.compliance.frame`, written as SQL: a disc meets a zone when
``ST_Distance(zone, point) <= radius``; it is within when ``ST_Contains(zone, point)`` and
``ST_Distance(boundary, point) >= radius``. Candidates come from DuckDB's spatial join on the
disc's bounding square (padded by a few nanometres so that rounding can never lose a disc
that touches a zone exactly at its radius); the exact tests then decide. DuckDB's distances
do not round like GEOS's, so a distance within rounding of the radius (a disc touching a zone
or its boundary exactly) is judged by shapely, as the respite engine judges it: both engines
then agree bit for bit with the definition applied through shapely.

The spatial extension is loaded from the ``duckdb-extension-spatial`` package's file, with
extension auto-install and auto-load switched off and external access disabled after loading:
nothing is ever downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import shapely

from respite.compliance.columnar import DEFAULT_BATCH_ROWS, EventsFile, project
from respite.compliance.event_table import EventTable
from respite.compliance.frame import EventColumns, Pairs, ZoneWindows
from respite.compliance.join.exact import Judge
from respite.errors import InvalidInput, Problem, RespiteError
from respite.geometry.metric import LocalProjection

# Relative and absolute padding of the candidate square; far above float rounding (1e-16
# relative), far below anything that matters on the ground.
_PAD_RELATIVE = 1e-9
_PAD_ABSOLUTE = 1e-6
# A distance this close to the radius (relative to the coordinates' size) may round either
# way; such pairs are judged by shapely.
_TIE_RELATIVE = 1e-9

_NEAR = """
CREATE OR REPLACE TEMP TABLE near AS
SELECT eid, t_lo, t_hi, zid,
  CASE WHEN inside AND d_edge >= r THEN 2 ELSE 1 END AS place,
  abs(d_zone - r) <= tie OR (inside AND abs(d_edge - r) <= tie) AS doubt
FROM (
  SELECT e.eid, e.t_lo, e.t_hi, e.r, e.tie, z.zid, ST_Contains(z.geom, e.p) AS inside,
    ST_Distance(z.geom, e.p) AS d_zone, ST_Distance(z.edge, e.p) AS d_edge
  FROM (
    SELECT eid, t_lo, t_hi, r, tie, ST_Point(x, y) AS p,
      ST_MakeEnvelope(x - pad, y - pad, x + pad, y + pad) AS square
    FROM (
      SELECT *, r * (1 + $rel) + $abs * (1 + abs(x) + abs(y)) AS pad,
        $tie * (1 + abs(x) + abs(y) + r) AS tie
      FROM ev
    )
    WHERE t_lo < $t_max AND t_hi > $t_min
  ) e
  JOIN zones z ON ST_Intersects(z.geom, e.square)
)
WHERE d_zone <= r + tie
"""

_DOUBTS = "SELECT rowid AS k, eid, zid FROM near WHERE doubt"

_PAIRS = """
SELECT n.eid, w.rid,
  CASE WHEN w.t0 <= n.t_lo AND n.t_hi <= w.t1 THEN 2 ELSE 1 END AS time, n.place
FROM near n JOIN windows w ON w.zid = n.zid AND n.t_lo < w.t1 AND n.t_hi > w.t0
ORDER BY n.eid, w.rid
"""


def spatial_extension_path() -> Path:
    """The spatial extension file shipped for the installed DuckDB version."""
    try:
        import duckdb_extension_spatial  # noqa: PLC0415 - only the DuckDB engine needs it
    except ImportError:
        raise RespiteError(
            f"the DuckDB engine needs duckdb-extension-spatial=={duckdb.__version__}"
        ) from None
    base = Path(duckdb_extension_spatial.__file__).parent / "extensions"
    path = base / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
    if not path.is_file():
        raise RespiteError(
            f"no spatial extension for DuckDB {duckdb.__version__} at {path}; "
            f"install duckdb-extension-spatial=={duckdb.__version__}"
        )
    return path


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the shipped spatial extension and no way to reach outside."""
    config: dict[str, Any] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if threads is not None:
        config["threads"] = threads
    con = duckdb.connect(":memory:", config=config)
    con.execute(f"LOAD '{spatial_extension_path()}'")
    con.execute("SET enable_external_access = false")
    return con


class DuckJoin:
    """Zone-window rows loaded into DuckDB once; :meth:`join` runs any number of event sets."""

    def __init__(
        self, rows: ZoneWindows, *, connection: duckdb.DuckDBPyConnection | None = None
    ) -> None:
        """``connection``: one from :func:`connect` to reuse (its tables are replaced)."""
        self.rows = rows
        self._own = connection is None
        self._con = connect() if connection is None else connection
        zones = np.asarray(rows.zones, dtype=object)
        self._judge = Judge(zones)
        n = len(rows.zones)
        # Events outside every window never reach the (costlier) geometry tests.
        self._span = {
            "t_min": int(rows.start.min()) if len(rows) else 0,
            "t_max": int(rows.end.max()) if len(rows) else 0,
        }
        zone_table = pa.table(
            {
                "zid": pa.array(np.arange(n, dtype=np.int32)),
                "wkb": pa.array(shapely.to_wkb(zones), pa.binary()),
                "edge_wkb": pa.array(shapely.to_wkb(shapely.boundary(zones)), pa.binary()),
            }
        )
        window_table = pa.table(
            {
                "rid": np.arange(len(rows), dtype=np.int64),
                "zid": rows.zone,
                "t0": rows.start,
                "t1": rows.end,
            }
        )
        with self._registered(zone_table=zone_table, window_table=window_table):
            self._con.execute(
                "CREATE OR REPLACE TABLE zones AS SELECT zid, ST_GeomFromWKB(wkb) AS geom, "
                "ST_GeomFromWKB(edge_wkb) AS edge FROM zone_table"
            )
            self._con.execute("CREATE OR REPLACE TABLE windows AS SELECT * FROM window_table")

    def join(self, events: EventColumns) -> Pairs:
        """Every (event, row) pair that is not outside, sorted by event then row."""
        if len(events) == 0 or len(self.rows) == 0:
            return _empty()
        ev = pa.table(
            {
                "eid": np.arange(len(events), dtype=np.int64),
                "x": events.x,
                "y": events.y,
                "t_lo": events.t_lo,
                "t_hi": events.t_hi,
                "r": events.radius,
            }
        )
        with self._registered(ev=ev):
            self._con.execute(
                _NEAR,
                {"rel": _PAD_RELATIVE, "abs": _PAD_ABSOLUTE, "tie": _TIE_RELATIVE, **self._span},
            )
            self._judge_doubts(events)
            found = self._con.execute(_PAIRS).fetchnumpy()
        self._con.execute("DROP TABLE near")
        return Pairs(
            event=np.asarray(found["eid"], dtype=np.int64),
            row=np.asarray(found["rid"], dtype=np.int64),
            time=np.asarray(found["time"], dtype=np.int8),
            place=np.asarray(found["place"], dtype=np.int8),
        )

    def _judge_doubts(self, events: EventColumns) -> None:
        """Replace DuckDB's verdict by shapely's where a distance ties with the radius."""
        doubts = self._con.execute(_DOUBTS).fetchnumpy()
        if len(doubts["k"]) == 0:
            return
        eid = np.asarray(doubts["eid"], dtype=np.int64)
        zone = np.asarray(doubts["zid"], dtype=np.int64)
        place = self._judge.place(zone, events.x[eid], events.y[eid], events.radius[eid])
        verdict = pa.table({"k": np.asarray(doubts["k"], dtype=np.int64), "verdict": place})
        with self._registered(verdict=verdict):
            self._con.execute(
                "UPDATE near SET place = verdict.verdict FROM verdict WHERE near.rowid = verdict.k"
            )
        self._con.execute("DELETE FROM near WHERE place = 0")

    def close(self) -> None:
        if self._own:
            self._con.close()

    @contextmanager
    def _registered(self, **tables: pa.Table) -> Iterator[None]:
        for name, table in tables.items():
            self._con.register(name, table)
        try:
            yield
        finally:
            for name in tables:
                self._con.unregister(name)


def duckdb_join(
    events: EventColumns | EventTable | str | Path,
    rows: ZoneWindows,
    *,
    projection: LocalProjection | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> Pairs:
    """The join of ``events`` (metric columns, or a lon/lat table or events file with the
    ``projection`` of ``rows``) with ``rows``; event indices are positions in the input.

    A file with any bad row raises :class:`InvalidInput` listing them: positions would
    otherwise not be file positions.
    """
    engine = DuckJoin(rows)
    try:
        if isinstance(events, EventColumns):
            return engine.join(events)
        if projection is None:
            raise InvalidInput("lon/lat events need the zones' projection", location="projection")
        if isinstance(events, EventTable):
            return engine.join(project(events, projection))
        found: list[Pairs] = []
        problems: list[Problem] = []
        for batch in EventsFile(events).batches(batch_rows):
            problems.extend(batch.problems)
            if not problems:
                pairs = engine.join(project(batch.table, projection))
                found.append(_shifted(pairs, batch.first_row))
        if problems:
            raise InvalidInput(problems)
        return concat_pairs(found)
    finally:
        engine.close()


def concat_pairs(parts: list[Pairs]) -> Pairs:
    """Pairs of consecutive event ranges, already shifted, as one (still sorted)."""
    if not parts:
        return _empty()
    return Pairs(
        event=np.concatenate([p.event for p in parts]),
        row=np.concatenate([p.row for p in parts]),
        time=np.concatenate([p.time for p in parts]),
        place=np.concatenate([p.place for p in parts]),
    )


def _shifted(pairs: Pairs, offset: int) -> Pairs:
    return Pairs(pairs.event + offset, pairs.row, pairs.time, pairs.place)


def _empty() -> Pairs:
    return Pairs(
        event=np.zeros(0, dtype=np.int64),
        row=np.zeros(0, dtype=np.int64),
        time=np.zeros(0, dtype=np.int8),
        place=np.zeros(0, dtype=np.int8),
    )
