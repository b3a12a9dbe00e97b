"""DuckDB with its spatial extension, loaded from the ``duckdb_extension_spatial`` package file.

Nothing is downloaded: autoinstall and autoload of known extensions are off, and the extension
is LOADed by path. "Load" is Parquet into two in-memory tables with GEOMETRY columns. "Join"
is one statement that aggregates the count, class split and checksum, so that no pair crosses
into Python. Its formulation matters more than anything else here: with the time test written
as two comparisons (``t_lo < end AND t_hi > start``) DuckDB 1.5.5's planner either proves them
always true from column statistics (``--spatial-only``) and then falls back to a CROSS_PRODUCT
with a filter, or, once ``ST_Contains`` appears in the select list, prefers an IE_JOIN on the
times with ``ST_Intersects`` as a filter: minutes instead of seconds. Written as the single
overlap test ``greatest(t_lo, start) < least(t_hi, end)`` (the same predicate; neither side
belongs to one table, so it cannot become a comparison join) the planner always picks its
SPATIAL_JOIN operator (an R-tree built on the zone-windows, probed by the streamed points) with
the time test on top. The run refuses any other plan.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import duckdb_extension_spatial
import numpy as np

from benchmarks.compliance_join.outcome import Outcome, PairArrays, best_of, timed
from benchmarks.compliance_join.pairs import SQL_SUMMARY, from_row, sql_hash
from benchmarks.compliance_join.workload import EVENTS_FILE, ROWS_FILE
from respite.compliance.frame import OVERLAPS, WITHIN

PAIRS_SQL = """
    SELECT e.event AS event, z.row AS row,
           z.start <= e.t_lo AND e.t_hi <= z."end" AS tw,
           ST_Contains(z.geom, e.geom) AS pw
    FROM events e JOIN zone_windows z
      ON ST_Intersects(z.geom, e.geom) AND greatest(e.t_lo, z.start) < least(e.t_hi, z."end")
"""

#: Join operators that would mean the planner did not use the spatial join (see above).
SLOW_OPERATORS = ("CROSS_PRODUCT", "IE_JOIN", "NESTED_LOOP_JOIN", "BLOCKWISE_NL_JOIN", "PIECEWISE")


def extension_path() -> Path:
    package = Path(os.path.dirname(duckdb_extension_spatial.__file__))
    path = package / "extensions" / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no spatial extension for duckdb {duckdb.__version__} in the "
            "duckdb-extension-spatial package (their versions must match)"
        )
    return path


def connect(threads: int) -> duckdb.DuckDBPyConnection:
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "threads": threads,
    }
    con = duckdb.connect(config=config)
    con.execute("SET enable_progress_bar = false")  # it would write into the child's stdout
    con.execute(f"LOAD '{extension_path()}'")
    return con


def load(con: duckdb.DuckDBPyConnection, directory: Path) -> None:
    con.execute(
        "CREATE TABLE events AS SELECT event, ST_Point(x, y) AS geom, t_lo, t_hi "
        f"FROM read_parquet('{directory / EVENTS_FILE}')"
    )
    con.execute(
        'CREATE TABLE zone_windows AS SELECT row, start, "end", ST_GeomFromWKB(wkb) AS geom '
        f"FROM read_parquet('{directory / ROWS_FILE}')"
    )


def summary_sql(rows: int) -> str:
    pairs = PAIRS_SQL.replace(
        "SELECT e.event AS event, z.row AS row,",
        f"SELECT {sql_hash('e.event', 'z.row', rows)} AS h,",
    )
    return f"SELECT {SQL_SUMMARY} FROM ({pairs}) p"


def run_duckdb(directory: Path, repeat: int, chunk: int, want_pairs: bool) -> Outcome:
    threads = os.cpu_count() or 1
    con = connect(threads)
    load_s, _ = timed(lambda: load(con, directory), "load")
    row_count = con.execute("SELECT count(*) FROM zone_windows").fetchone()
    rows = int(row_count[0]) if row_count else 0
    query = summary_sql(rows)
    plan = "\n".join(str(line[1]) for line in con.execute(f"EXPLAIN {query}").fetchall())
    if "SPATIAL_JOIN" not in plan or any(slow in plan for slow in SLOW_OPERATORS):
        raise RuntimeError(f"DuckDB did not plan a SPATIAL_JOIN alone:\n{plan}")
    join_s, row = best_of(repeat, lambda: con.execute(query).fetchone())
    assert row is not None
    details: dict[str, Any] = {
        "call": "SQL: events JOIN zone_windows ON ST_Intersects(z.geom, e.geom) AND "
        "greatest(t_lo, start) < least(t_hi, end) (SPATIAL_JOIN, R-tree on the zones); "
        "ST_Contains for the class; count, classes, checksum in SQL",
        "duckdb": duckdb.__version__,
        "threads": threads,
        "extension": str(extension_path()),
    }
    pairs = None
    if want_pairs:
        found = con.execute(f"SELECT event, row, tw, pw FROM ({PAIRS_SQL}) p").fetchnumpy()
        pairs = PairArrays.sorted(
            found["event"],
            found["row"],
            np.where(found["tw"], WITHIN, OVERLAPS),
            np.where(found["pw"], WITHIN, OVERLAPS),
        )
    con.close()
    return Outcome(load_s, join_s, from_row(tuple(row)), details, pairs)
