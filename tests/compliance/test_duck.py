"""The DuckDB engine gives exactly the brute-force oracle's pairs, on edge cases included, and
never reaches outside (no download, no external access)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from respite.compliance.columnar import events_to_arrow, project
from respite.compliance.duck import DuckJoin, connect, duckdb_join, spatial_extension_path
from respite.compliance.event_table import EventTable
from respite.compliance.frame import EventColumns, Pairs, ZoneWindows
from respite.errors import InvalidInput
from respite.geometry import LocalProjection

_spec = importlib.util.spec_from_file_location("brute", Path(__file__).parent / "brute.py")
assert _spec is not None and _spec.loader is not None
brute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brute)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect()
    yield connection
    connection.close()


def assert_pairs_equal(got: Pairs, want: Pairs) -> None:
    for name in ("event", "row", "time", "place"):
        assert getattr(got, name).tolist() == getattr(want, name).tolist(), name
        assert getattr(got, name).dtype == getattr(want, name).dtype, name


# Small integer grids make the edge cases common: points on boundaries, discs touching a zone
# exactly at their radius, radius equal to the distance to a hole's edge.
coord = st.integers(0, 12)


@st.composite
def zones(draw: st.DrawFn) -> BaseGeometry:
    x0, y0 = draw(coord), draw(coord)
    w, h = draw(st.integers(2, 8)), draw(st.integers(2, 8))
    outer = box(x0, y0, x0 + w, y0 + h)
    shape = draw(st.sampled_from(["box", "hole", "multi", "triangle"]))
    if shape == "hole" and w > 2 and h > 2:
        return Polygon(
            outer.exterior.coords, [box(x0 + 1, y0 + 1, x0 + w - 1, y0 + h - 1).exterior.coords]
        )
    if shape == "multi":
        return MultiPolygon([outer, box(x0 + w + 2, y0, x0 + w + 4, y0 + 2)])
    if shape == "triangle":
        return Polygon([(x0, y0), (x0 + w, y0), (x0, y0 + h)])
    return outer


@st.composite
def cases(draw: st.DrawFn) -> tuple[EventColumns, ZoneWindows]:
    zs = draw(st.lists(zones(), min_size=1, max_size=4))
    n_rows = draw(st.integers(1, 8))
    zone = [draw(st.integers(0, len(zs) - 1)) for _ in range(n_rows)]
    start = [draw(st.integers(0, 20)) for _ in range(n_rows)]
    end = [s + draw(st.integers(1, 10)) for s in start]
    n = draw(st.integers(1, 40))
    t_lo = [draw(st.integers(0, 30)) for _ in range(n)]
    events = EventColumns(
        x=np.array([draw(st.integers(-3, 24)) for _ in range(n)], dtype=np.float64),
        y=np.array([draw(st.integers(-3, 24)) for _ in range(n)], dtype=np.float64),
        t_lo=np.array(t_lo, dtype=np.int64),
        t_hi=np.array([t + draw(st.integers(1, 8)) for t in t_lo], dtype=np.int64),
        radius=np.array(
            [draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 2**0.5])) for _ in range(n)]
        ),
    )
    rows = ZoneWindows(
        zones=tuple(zs),
        zone=np.array(zone, dtype=np.int32),
        start=np.array(start, dtype=np.int64),
        end=np.array(end, dtype=np.int64),
    )
    return events, rows


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=cases())
def test_equals_the_oracle_on_grid_edge_cases(
    con: duckdb.DuckDBPyConnection, case: tuple[EventColumns, ZoneWindows]
) -> None:
    events, rows = case
    assert_pairs_equal(DuckJoin(rows, connection=con).join(events), brute.brute_join(events, rows))


def test_a_disc_tangent_to_a_slanted_edge_is_judged_as_the_oracle_judges_it(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # Found by hypothesis: the disc of radius sqrt(2) round (11, 12) touches the edge
    # x + y = 25 exactly; DuckDB's distance and GEOS's round differently there.
    triangle = Polygon([(8, 10), (15, 10), (8, 17)])
    rows = ZoneWindows(
        (triangle,),
        np.zeros(1, dtype=np.int32),
        np.zeros(1, dtype=np.int64),
        np.ones(1, dtype=np.int64),
    )
    events = EventColumns(
        np.array([11.0, 11.0, 12.0]),
        np.array([12.0, 12.0, 13.0]),
        np.zeros(3, dtype=np.int64),
        np.ones(3, dtype=np.int64),
        np.array([2**0.5, 1.0, 0.0]),
    )
    got = DuckJoin(rows, connection=con).join(events)
    assert_pairs_equal(got, brute.brute_join(events, rows))
    assert got.place.tolist()[1] == 2  # radius 1 clears every edge: inside beyond doubt


def test_equals_the_oracle_on_real_sized_metric_data(con: duckdb.DuckDBPyConnection) -> None:
    rng = np.random.default_rng(5)
    centres = rng.uniform(-20_000, 20_000, (30, 2))
    zs = tuple(
        shapely.Point(x, y).buffer(r).difference(shapely.Point(x, y).buffer(r / 4))
        for (x, y), r in zip(centres, rng.uniform(300, 3_000, 30), strict=True)
    )
    n_rows = 200
    start = rng.integers(0, 10 * 86_400, n_rows)
    rows = ZoneWindows(
        zs,
        rng.integers(0, len(zs), n_rows).astype(np.int32),
        start.astype(np.int64),
        (start + rng.integers(3_600, 86_400, n_rows)).astype(np.int64),
    )
    n = 3_000
    t_lo = rng.integers(0, 11 * 86_400, n)
    events = EventColumns(
        rng.uniform(-22_000, 22_000, n),
        rng.uniform(-22_000, 22_000, n),
        t_lo.astype(np.int64),
        (t_lo + rng.choice([1, 3_600, 86_400], n)).astype(np.int64),
        rng.choice([0.0, 2_000.0, 10_000.0], n),
    )
    want = brute.brute_join(events, rows)
    assert len(want) > 500  # the case is not trivially empty
    assert_pairs_equal(DuckJoin(rows, connection=con).join(events), want)


def test_no_events_or_no_rows_give_no_pairs(con: duckdb.DuckDBPyConnection) -> None:
    rows = ZoneWindows(
        (box(0, 0, 1, 1),), np.zeros(1, np.int32), np.zeros(1, np.int64), np.ones(1, np.int64)
    )
    none = EventColumns(
        np.empty(0), np.empty(0), np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    )
    assert len(DuckJoin(rows, connection=con).join(none)) == 0
    no_rows = ZoneWindows((), np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0, np.int64))
    one = EventColumns(
        np.zeros(1), np.zeros(1), np.zeros(1, np.int64), np.ones(1, np.int64), np.ones(1)
    )
    pairs = DuckJoin(no_rows, connection=con).join(one)
    assert len(pairs) == 0
    assert pairs.event.dtype == np.int64
    assert pairs.time.dtype == np.int8


def table_near(projection: LocalProjection, n: int, seed: int) -> EventTable:
    rng = np.random.default_rng(seed)
    t_lo = rng.integers(0, 40, n).astype(np.int64)

    def text(value: str | None) -> np.ndarray:
        return np.full(n, value, dtype=object)

    return EventTable(
        key=np.array([f"e{i}" for i in range(n)], dtype=object),
        lon=projection.lon0 + rng.uniform(-0.05, 0.05, n),
        lat=projection.lat0 + rng.uniform(-0.05, 0.05, n),
        t_lo=t_lo,
        t_hi=t_lo + rng.integers(1, 10, n),
        radius_m=rng.choice([0.0, 500.0, 2_000.0], n),
        event_type=text("Shelling"),
        fatalities=np.zeros(n, dtype=np.int64),
        time_precision=text("span"),
        geo_precision=text("exact"),
        location=text(None),
    )


def test_from_a_file_or_a_table_with_the_rows_projection(tmp_path: Path) -> None:
    projection = LocalProjection.at(34.45, 31.5)
    zs = (shapely.Point(0, 0).buffer(2_500), box(1_000, 1_000, 4_000, 3_000))
    rows = ZoneWindows(
        zs,
        np.array([0, 1, 0], np.int32),
        np.array([0, 5, 20], np.int64),
        np.array([10, 30, 25], np.int64),
    )
    table = table_near(projection, 700, 2)
    want = brute.brute_join(project(table, projection), rows)
    assert len(want) > 20
    assert_pairs_equal(duckdb_join(table, rows, projection=projection), want)
    path = tmp_path / "events.parquet"
    pq.write_table(events_to_arrow(table), path, row_group_size=100)
    assert_pairs_equal(duckdb_join(path, rows, projection=projection, batch_rows=128), want)
    with pytest.raises(InvalidInput) as caught:
        duckdb_join(path, rows)
    assert caught.value.problems[0].location == "projection"


def test_a_file_with_bad_rows_is_refused_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("key,lon,lat,t_lo,t_hi\na,34.4,31.5,0,10\nb,34.4,north,0,10\nc,34.4,31.5,9,3\n")
    rows = ZoneWindows(
        (box(0, 0, 1, 1),), np.zeros(1, np.int32), np.zeros(1, np.int64), np.ones(1, np.int64)
    )
    with pytest.raises(InvalidInput) as caught:
        duckdb_join(path, rows, projection=LocalProjection.at(34.4, 31.5), batch_rows=1)
    assert [p.location for p in caught.value.problems] == ["row[3].lat", "row[4].t_hi"]


def test_the_extension_comes_from_the_package_and_nothing_can_be_fetched(
    con: duckdb.DuckDBPyConnection,
) -> None:
    path = spatial_extension_path()
    assert path.is_file()
    assert "duckdb_extension_spatial" in path.parts
    settings_now = dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('autoinstall_known_extensions', 'autoload_known_extensions', "
            "'enable_external_access')"
        ).fetchall()
    )
    assert settings_now == {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        "enable_external_access": "false",
    }
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM read_csv('https://example.org/events.csv')")
