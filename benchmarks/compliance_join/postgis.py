"""PostGIS on the local PostgreSQL server, in a schema of its own that is dropped afterwards.

"Load": the events as binary COPY (rows built with numpy, geometry as EWKB, SRID 32636), the
zone-windows likewise, a GiST index on the points, CLUSTER on it, a GiST index on the zones,
ANALYZE. "Join": one statement, ``zone_windows JOIN events ON ST_Intersects AND <time
overlap>``, aggregating count, classes and checksum in the server. It is run in a few
formulations and session settings (see ``VARIANTS``), each on a fresh connection so that its
backend's peak memory (``VmHWM``, read from /proc: the server runs on this machine) is that
query's alone; the best time is reported, and every one in the details. All must agree.

With 5M points the planner's own choice for the plain join is to scan the points and probe
the zones' GiST index once per point, twenty times slower than probing the points' index once
per zone, which it picks when parallel workers are made to look free, or when the query asks
for it (the lateral form).

PostGIS itself is installed with apt-get when missing (as root), and the extension is created
inside the benchmark's schema, so that dropping the schema leaves the database as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import shapely

from benchmarks.compliance_join.outcome import Outcome, PairArrays, best_of, timed
from benchmarks.compliance_join.pairs import SQL_SUMMARY, from_row, sql_hash
from benchmarks.compliance_join.workload import Events, read_events, read_rows
from respite.compliance.frame import OVERLAPS, WITHIN

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
SRID = 32636
COPY_CHUNK = 1_000_000
_JIT_OFF_FREE_PARALLEL = [
    "SET jit = off",
    "SET max_parallel_workers_per_gather = 2",
    "SET parallel_setup_cost = 0",
    "SET parallel_tuple_cost = 0",
    "SET min_parallel_table_scan_size = 0",
]
#: (name, formulation, session settings) tried for the join, the likely best first (see the
#: repeats in ``_join``); the best time is reported. Tried once and dropped, for costing
#: minutes and gaining nothing: work_mem 256MB (the plans neither sort nor hash: 111 s against
#: the defaults' 101 s), no parallel workers for the plain join (180 s), and the lateral form
#: with "free" parallelism (only the zones' scan goes parallel).
VARIANTS: list[tuple[str, str, list[str]]] = [
    ("join, jit off, 2 workers with parallelism made free", "join", _JIT_OFF_FREE_PARALLEL),
    (
        "lateral, jit off, no parallel workers",
        "lateral",
        ["SET jit = off", "SET max_parallel_workers_per_gather = 0"],
    ),
    ("join, server defaults", "join", []),
]
#: How each formulation finds the pairs. "lateral" asks, for each zone-window, for the points
#: in it: OFFSET 0 keeps the planner from flattening it back into the join, whose plan for 5M
#: points (probe the zones' index once per point) is the slow one.
FROM = {
    "join": """
        FROM zone_windows z JOIN events e
          ON ST_Intersects(z.geom, e.geom) AND e.t_lo < z.t_end AND e.t_hi > z.t_start""",
    "lateral": """
        FROM zone_windows z CROSS JOIN LATERAL (
            SELECT event, t_lo, t_hi, geom FROM events
            WHERE ST_Intersects(z.geom, geom) AND t_lo < z.t_end AND t_hi > z.t_start
            OFFSET 0
        ) e""",
}


def pairs_sql(formulation: str, head: str) -> str:
    """The pairs with ``head`` (the pair's key or hash), time (tw) and place (pw) classes."""
    return (
        f"SELECT {head}, z.t_start <= e.t_lo AND e.t_hi <= z.t_end AS tw, "
        f"ST_Contains(z.geom, e.geom) AS pw {FROM[formulation]}"
    )


class Unavailable(Exception):
    """PostgreSQL or PostGIS cannot be had here; the message says why."""


def ensure_postgis(conn: psycopg.Connection[Any], log: Any) -> None:
    """Install the Debian package for the server's major version if PostGIS is missing."""
    if _available(conn):
        return
    major = int(_scalar(conn, "SHOW server_version_num")) // 10_000
    package = f"postgresql-{major}-postgis-3"
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise Unavailable(f"PostGIS is not installed; install {package} (as root)")
    for command in ([apt, "update"], [apt, "install", "-y", package]):
        log(f"PostGIS not found; running: {' '.join(command)}")
        subprocess.run(
            command,
            check=True,
            stdout=sys.stderr,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not _available(conn):
        raise Unavailable(f"apt-get installed {package}, but the server does not offer postgis")


def _row(conn: psycopg.Connection[Any], sql: str) -> tuple[Any, ...]:
    found = conn.execute(sql).fetchone()
    if found is None:
        raise RuntimeError(f"no row from {sql}")
    return tuple(found)


def _scalar(conn: psycopg.Connection[Any], sql: str) -> Any:
    return _row(conn, sql)[0]


def _available(conn: psycopg.Connection[Any]) -> bool:
    found = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
    return found.fetchone() is not None


def _events_copy(events: Events) -> Iterator[bytes]:
    """The events in PostgreSQL's binary COPY format, a million rows per piece."""
    # Big-endian field lengths and integers, as COPY wants; the EWKB inside is little-endian.
    row = np.dtype(
        [
            ("fields", ">i2"),
            ("n1", ">i4"), ("event", ">i8"),
            ("n2", ">i4"), ("t_lo", ">i8"),
            ("n3", ">i4"), ("t_hi", ">i8"),
            ("n4", ">i4"), ("order", "u1"), ("type", "<u4"), ("srid", "<u4"),
            ("x", "<f8"), ("y", "<f8"),
        ]
    )  # fmt: skip
    yield b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
    for first in range(0, len(events), COPY_CHUNK):
        last = min(first + COPY_CHUNK, len(events))
        out = np.empty(last - first, dtype=row)
        out["fields"] = 4
        out["n1"], out["n2"], out["n3"], out["n4"] = 8, 8, 8, 25
        out["event"] = np.arange(first, last)
        out["t_lo"], out["t_hi"] = events.t_lo[first:last], events.t_hi[first:last]
        out["order"], out["type"], out["srid"] = 1, 0x20000001, SRID  # EWKB point with SRID
        out["x"], out["y"] = events.x[first:last], events.y[first:last]
        yield out.tobytes()
    yield b"\xff\xff"


def load(conn: psycopg.Connection[Any], directory: Path, schema: str) -> dict[str, float]:
    seconds: dict[str, float] = {}
    events, rows = read_events(directory), read_rows(directory)
    conn.execute(f"CREATE SCHEMA {schema}")
    conn.execute(f"SET search_path = {schema}")
    if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone() is None:
        conn.execute(f"CREATE EXTENSION postgis SCHEMA {schema}")
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute(
        "CREATE TABLE events (event bigint, t_lo bigint, t_hi bigint, "
        f"geom geometry(Point, {SRID}))"
    )
    conn.execute(
        "CREATE TABLE zone_windows (row_id bigint, t_start bigint, t_end bigint, "
        f"geom geometry(Polygon, {SRID}))"
    )

    def copy_events() -> None:
        with conn.cursor().copy("COPY events FROM STDIN (FORMAT BINARY)") as copy:
            for piece in _events_copy(events):
                copy.write(piece)

    def copy_zones() -> None:
        ewkb = shapely.to_wkb(shapely.set_srid(rows.polygons, SRID), hex=True, include_srid=True)
        with conn.cursor().copy("COPY zone_windows FROM STDIN") as copy:
            for i in range(len(rows)):
                copy.write_row((i, int(rows.start[i]), int(rows.end[i]), ewkb[i]))

    steps = [
        ("copy_events", copy_events),
        ("copy_zones", copy_zones),
        (
            "index_events",
            lambda: conn.execute("CREATE INDEX events_geom ON events USING gist (geom)"),
        ),
        ("cluster_events", lambda: conn.execute("CLUSTER events USING events_geom")),
        (
            "index_zones",
            lambda: conn.execute("CREATE INDEX zw_geom ON zone_windows USING gist (geom)"),
        ),
        ("analyze", lambda: conn.execute("ANALYZE events; ANALYZE zone_windows")),
    ]
    for name, step in steps:
        seconds[name], _ = timed(step, f"load: {name}")
    return seconds


def _vm_hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@contextmanager
def worker_peak(backend: int) -> Iterator[list[int]]:
    """Largest VmHWM seen among the backend's parallel workers while the block runs (KB)."""
    peak = [0]
    stop = threading.Event()
    marker = f"parallel worker for PID {backend}".encode()

    def sample() -> None:
        while not stop.wait(0.1):
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                        if marker not in cmdline.read():
                            continue
                except OSError:
                    continue
                peak[0] = max(peak[0], _vm_hwm_kb(int(entry.name)))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def run_postgis(directory: Path, repeat: int, chunk: int, want_pairs: bool) -> Outcome:
    url = os.environ.get("RESPITE_BENCH_POSTGRES_URL", DEFAULT_URL)
    schema = f"compliance_bench_{os.getpid()}"
    try:
        admin = psycopg.connect(url, autocommit=True)
    except psycopg.Error as error:
        raise Unavailable(f"PostgreSQL at {url}: {error}") from error
    with admin:
        ensure_postgis(admin, lambda message: print(message, file=sys.stderr))
        try:
            load_s, steps = timed(lambda: load(admin, directory, schema), "load")
            return _join(url, schema, load_s, steps, repeat, want_pairs)
        finally:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _join(
    url: str, schema: str, load_s: float, steps: dict[str, float], repeat: int, want_pairs: bool
) -> Outcome:
    tried: list[dict[str, Any]] = []
    best: tuple[float, tuple[Any, ...]] | None = None
    for name, formulation, statements in VARIANTS:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"SET search_path = {schema}")
            rows = int(_scalar(conn, "SELECT count(*) FROM zone_windows"))
            for statement in statements:
                conn.execute(statement)
            hashed = pairs_sql(formulation, f"{sql_hash('e.event', 'z.row_id', rows)} AS h")
            query = f"SELECT {SQL_SUMMARY} FROM ({hashed}) p"
            # Load PostGIS's library and caches before the clock starts, as a pooled
            # connection in service would have.
            conn.execute("SELECT ST_Intersects(geom, geom) FROM zone_windows LIMIT 1").fetchall()
            plan = "\n".join(str(r[0]) for r in conn.execute(f"EXPLAIN {query}").fetchall())
            backend = int(_scalar(conn, "SELECT pg_backend_pid()"))
            with worker_peak(backend) as workers:
                seconds, row = timed(lambda: _row(conn, query), f"join: {name}")  # noqa: B023
                # Repeats only for a contender: a plan already 3x slower than the best so far
                # would spend minutes proving what one run shows.
                if repeat > 1 and (best is None or seconds < 3 * best[0]):
                    again, _ = best_of(repeat - 1, lambda: _row(conn, query), f"join: {name}")  # noqa: B023
                    seconds = min(seconds, again)
            tried.append(
                {
                    "settings": name,
                    "formulation": FROM[formulation].strip(),
                    "statements": statements,
                    "join_s": round(seconds, 3),
                    "backend_peak_mb": round(_vm_hwm_kb(backend) / 1024, 1),
                    "parallel_worker_peak_mb": round(workers[0] / 1024, 1),
                    "plan": plan,
                }
            )
            if best is not None and row != best[1]:
                raise RuntimeError(f"PostGIS answers differ between settings: {row} vs {best[1]}")
            if best is None or seconds < best[0]:
                best = (seconds, row)
    assert best is not None
    details: dict[str, Any] = {
        "call": "SQL: zone_windows JOIN events ON ST_Intersects(z.geom, e.geom) AND time "
        "overlap (GiST on clustered points) -> count, classes, checksum in SQL",
        "load_steps_s": {k: round(v, 3) for k, v in steps.items()},
        "settings_tried": tried,
    }
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"SET search_path = {schema}")
        details["postgresql"] = _scalar(conn, "SELECT current_setting('server_version')")
        details["postgis"] = _scalar(conn, "SELECT postgis_lib_version()")
    chosen = min(tried, key=lambda t: t["join_s"])
    details["best_settings"] = chosen["settings"]
    details["server_backend_peak_mb"] = chosen["backend_peak_mb"]
    details["server_worker_peak_mb"] = chosen["parallel_worker_peak_mb"]
    pairs = None
    if want_pairs:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"SET search_path = {schema}")
            fetched = conn.execute(pairs_sql("join", "e.event, z.row_id")).fetchall()
            found = np.array(fetched, dtype=np.int64).reshape(-1, 4)
        pairs = PairArrays.sorted(
            found[:, 0],
            found[:, 1],
            np.where(found[:, 2] == 1, WITHIN, OVERLAPS),
            np.where(found[:, 3] == 1, WITHIN, OVERLAPS),
        )
    return Outcome(load_s, best[0], from_row(best[1]), details, pairs)
