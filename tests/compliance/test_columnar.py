"""Events files read in batches: values exact, bad values named by row and column, nothing
dropped silently, numbers never turned into Python objects, ACLED converted through its rules."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from respite.compliance.columnar import (
    EVENTS_SCHEMA,
    EventsFile,
    convert_acled,
    events_to_arrow,
    project,
    read_events,
    table_from_arrow,
)
from respite.compliance.columnar_values import UNSPECIFIED_TYPE
from respite.compliance.event_table import UNKNOWN_FATALITIES, EventTable
from respite.errors import InvalidInput
from respite.events.acled import read_acled
from respite.events.record import GeoPrecision, TimePrecision
from respite.geometry import LocalProjection

T0 = 1_725_000_000  # 2024-08-30
TYPES = ("Airstrike", "Shelling", "Armed clash")
PLACES = ("Rafah", "Khan Younis", None, "Deir al-Balah")


def make_table(n: int, seed: int) -> EventTable:
    rng = np.random.default_rng(seed)
    t_lo = T0 + rng.integers(0, 30 * 86_400, n)

    def pick(values: tuple[object, ...]) -> np.ndarray:
        out = np.empty(n, dtype=object)
        out[:] = [values[i] for i in rng.integers(0, len(values), n)]
        return out

    fatalities = rng.integers(-1, 20, n)
    return EventTable(
        key=np.array([f"EV{seed}-{i}" for i in range(n)], dtype=object),
        lon=rng.uniform(34.2, 34.6, n),
        lat=rng.uniform(31.2, 31.6, n),
        t_lo=t_lo.astype(np.int64),
        t_hi=(t_lo + rng.integers(1, 3 * 86_400, n)).astype(np.int64),
        radius_m=rng.choice([0.0, 2_000.0, 10_000.0, 37.5], n),
        event_type=pick(TYPES),
        fatalities=np.where(fatalities < 0, UNKNOWN_FATALITIES, fatalities).astype(np.int64),
        time_precision=pick(tuple(p.value for p in TimePrecision)),
        geo_precision=pick(tuple(p.value for p in GeoPrecision)),
        location=pick(PLACES),
    )


def concat(tables: list[EventTable]) -> EventTable:
    names = EventTable.__dataclass_fields__
    return EventTable(**{n: np.concatenate([getattr(t, n) for t in tables]) for n in names})


def assert_same(a: EventTable, b: EventTable) -> None:
    for name in EventTable.__dataclass_fields__:
        left, right = getattr(a, name), getattr(b, name)
        assert left.dtype == right.dtype, name
        assert left.tolist() == right.tolist(), name


def iso(seconds: int, offset_hours: int) -> str:
    zone = timezone(timedelta(hours=offset_hours))
    return datetime.fromtimestamp(seconds, UTC).astimezone(zone).isoformat()


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def table_as_csv_rows(table: EventTable, seed: int) -> list[list[object]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(len(table)):
        # Times in several forms and offsets: all must come back as the same UTC seconds.
        form = int(rng.integers(0, 3))
        lo, hi = int(table.t_lo[i]), int(table.t_hi[i])
        t_lo = str(lo) if form == 0 else iso(lo, int(rng.integers(-12, 14)))
        t_hi = str(hi) if form == 1 else iso(hi, 3)
        fatal = "" if table.fatalities[i] == UNKNOWN_FATALITIES else int(table.fatalities[i])
        rows.append(
            [
                table.key[i],
                repr(float(table.lon[i])),
                repr(float(table.lat[i])),
                t_lo,
                t_hi,
                repr(float(table.radius_m[i])),
                table.event_type[i],
                fatal,
                table.time_precision[i],
                table.geo_precision[i],
                table.location[i] or "",
            ]
        )
    return rows


# -- round trips -------------------------------------------------------------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(n=st.integers(0, 300), batch=st.integers(1, 400), seed=st.integers(0, 10_000))
def test_parquet_round_trip_in_any_batch_size(
    tmp_path: Path, n: int, batch: int, seed: int
) -> None:
    table = make_table(n, seed)
    path = tmp_path / f"events-{n}-{batch}-{seed}.parquet"
    # Small row groups, so that batches straddle them.
    pq.write_table(events_to_arrow(table), path, row_group_size=37)
    batches = list(read_events(path, batch))
    assert [b.rows for b in batches] == [min(batch, n - i) for i in range(0, n, batch)]
    assert [b.first_row for b in batches] == list(range(0, n, batch))
    assert all(not b.problems for b in batches)
    assert [b.done for b in batches] == [b.first_row + b.rows for b in batches]
    if n:
        assert_same(concat([b.table for b in batches]), table)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(n=st.integers(1, 200), batch=st.integers(1, 250), seed=st.integers(0, 10_000))
def test_csv_with_mixed_time_forms_reads_the_same_values(
    tmp_path: Path, n: int, batch: int, seed: int
) -> None:
    table = make_table(n, seed)
    header = list(EVENTS_SCHEMA.names)
    path = write_csv(tmp_path / f"e-{n}-{batch}-{seed}.csv", header, table_as_csv_rows(table, seed))
    batches = list(read_events(path, batch))
    assert sum(b.rows for b in batches) == n
    assert all(not b.problems for b in batches)
    assert_same(concat([b.table for b in batches]), table)
    done = [b.done for b in batches]
    assert done == sorted(done)
    assert done[-1] == path.stat().st_size


def test_gzipped_csv_reads_like_plain(tmp_path: Path) -> None:
    table = make_table(50, 7)
    plain = write_csv(tmp_path / "e.csv", list(EVENTS_SCHEMA.names), table_as_csv_rows(table, 7))
    packed = tmp_path / "e.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert_same(concat([b.table for b in read_events(packed, 20)]), table)


def test_numbers_stay_numpy_and_repeated_text_shares_objects(tmp_path: Path) -> None:
    table = make_table(2_000, 3)
    path = tmp_path / "e.parquet"
    pq.write_table(events_to_arrow(table), path)
    (batch,) = list(read_events(path, 5_000))
    got = batch.table
    for name in ("lon", "lat", "radius_m"):
        assert getattr(got, name).dtype == np.float64
    for name in ("t_lo", "t_hi", "fatalities"):
        assert getattr(got, name).dtype == np.int64
    # One Python str per distinct value, not one per row.
    assert len({id(v) for v in got.event_type}) == len(set(got.event_type.tolist()))
    assert len({id(v) for v in got.location}) == len(set(got.location.tolist()))
    assert len({id(v) for v in got.time_precision}) <= len(TimePrecision)


def test_optional_columns_take_their_documented_defaults(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ["lat", "key", "t_hi", "lon", "t_lo", "note"],
        [[31.5, "a", T0 + 60, 34.4, T0, "ignored"]],
    )
    (batch,) = list(read_events(path))
    t = batch.table
    assert (t.key.tolist(), t.lon.tolist(), t.lat.tolist()) == (["a"], [34.4], [31.5])
    assert (t.t_lo.tolist(), t.t_hi.tolist(), t.radius_m.tolist()) == ([T0], [T0 + 60], [0.0])
    assert t.event_type.tolist() == [UNSPECIFIED_TYPE]
    assert t.fatalities.tolist() == [UNKNOWN_FATALITIES]
    assert t.time_precision.tolist() == ["span"]
    assert t.geo_precision.tolist() == ["exact"]
    assert t.location.tolist() == [None]


def test_sub_second_times_widen_to_whole_seconds(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ["key", "lon", "lat", "t_lo", "t_hi"],
        [
            ["a", 34.4, 31.5, "2024-09-02T10:00:00.900+03:00", "2024-09-02T07:00:01.100Z"],
            ["b", 34.4, 31.5, "2024-09-02T07:00:00Z", "2024-09-02T07:00:01Z"],
        ],
    )
    (batch,) = list(read_events(path))
    start = int(datetime(2024, 9, 2, 7, tzinfo=UTC).timestamp())
    assert batch.table.t_lo.tolist() == [start, start]
    assert batch.table.t_hi.tolist() == [start + 2, start + 1]


def test_parquet_timestamps_of_any_unit_and_integer_seconds(tmp_path: Path) -> None:
    ms = pa.array([T0 * 1000 + 250, T0 * 1000], pa.timestamp("ms", tz="Asia/Gaza"))
    data = pa.table(
        {
            "key": pa.array([1, 2]),
            "lon": pa.array([34, 35], pa.int32()),
            "lat": [31.5, 31.6],
            "t_lo": ms,
            "t_hi": pa.array([T0 + 10, T0 + 20], pa.int64()),
            "fatalities": [2.0, float("nan")],
            "event_type": pa.array(["x", "y"]).dictionary_encode(),
        }
    )
    path = tmp_path / "e.parquet"
    pq.write_table(data, path)
    (batch,) = list(read_events(path))
    assert batch.problems == ()
    assert batch.table.key.tolist() == ["1", "2"]
    assert batch.table.lon.tolist() == [34.0, 35.0]
    assert batch.table.t_lo.tolist() == [T0, T0]
    assert batch.table.fatalities.tolist() == [2, UNKNOWN_FATALITIES]
    assert batch.table.event_type.tolist() == ["x", "y"]


# -- refusals ------------------------------------------------------------------------------------


def test_missing_and_doubled_columns_are_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ["key", "lat", "lat", "t_hi"], [["a", 1, 2, 3]])
    with pytest.raises(InvalidInput) as caught:
        EventsFile(path)
    locations = sorted(p.location for p in caught.value.problems)
    assert locations == ["events.lat", "events.lon", "events.t_lo"]


def test_unusable_column_types_are_named(tmp_path: Path) -> None:
    base = {"key": ["a"], "lon": [34.4], "lat": [31.5], "t_lo": [T0], "t_hi": [T0 + 1]}
    cases = {
        "t_lo": pa.array([datetime(2024, 9, 2)], pa.timestamp("s")),  # no zone: ambiguous
        "lon": pa.array([True]),
        "t_hi": pa.array([1.5]),
    }
    for column, values in cases.items():
        data = pa.table({**base, column: values})
        with pytest.raises(InvalidInput) as caught:
            table_from_arrow(data)
        assert [p.location for p in caught.value.problems] == [f"events.{column}"]


def test_not_an_events_file(tmp_path: Path) -> None:
    for name, content in (("e.json", b"{}"), ("e.parquet", b"not parquet")):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(InvalidInput) as caught:
            EventsFile(tmp_path / name)
        assert caught.value.problems[0].location == "events"
    with pytest.raises(InvalidInput):
        EventsFile(tmp_path / "absent.csv")


def test_every_bad_value_is_named_by_row_and_column_and_only_its_row_left_out(
    tmp_path: Path,
) -> None:
    header = ["key", "lon", "lat", "t_lo", "t_hi", "radius_m", "fatalities", "geo_precision"]
    good = ["g", "34.4", "31.5", str(T0), str(T0 + 60), "10", "1", "town"]
    bad = {
        "key": ("", "is missing"),
        "lon": ("east", "is not a number"),
        "lat": ("91", "must be within -90..90"),
        "t_lo": ("2024-09-02T10:00", "ISO 8601"),  # no offset: not guessed
        "t_hi": (str(T0 - 1), "must be after t_lo"),
        "radius_m": ("-5", "must be finite and >= 0"),
        "fatalities": ("2.5", "is not a whole number"),
        "geo_precision": ("city", "must be one of"),
    }
    rows = []
    for column, (value, _) in bad.items():
        rows.append(good)
        row = list(good)
        row[header.index(column)] = value
        rows.append(row)
    rows.append(["nan-row", "nan", "31.5", str(T0), str(T0 + 1), "0", "", "exact"])
    path = write_csv(tmp_path / "e.csv", header, rows)
    batches = list(read_events(path, 3))
    problems = [p for b in batches for p in b.problems]
    # Data rows start at spreadsheet row 2; every second row is bad, then the NaN row.
    expected = [f"row[{3 + 2 * i}].{c}" for i, c in enumerate(bad)] + [f"row[{len(rows) + 1}].lon"]
    assert [p.location for p in problems] == expected
    for problem, (_, message) in zip(problems, bad.values(), strict=False):
        assert message in problem.message
    assert sum(len(b.table) for b in batches) == len(bad)
    assert set(concat([b.table for b in batches]).key.tolist()) == {"g"}


@settings(max_examples=30, deadline=None)
@given(flags=st.lists(st.booleans(), min_size=1, max_size=300))
def test_bad_numbers_are_found_exactly_wherever_they_are(flags: list[bool]) -> None:
    n = len(flags)
    lon = ["x1" if bad else f"{34 + i / 1000}" for i, bad in enumerate(flags)]
    data = pa.table(
        {
            "key": [f"k{i}" for i in range(n)],
            "lon": lon,
            "lat": ["31.5"] * n,
            "t_lo": [str(T0)] * n,
            "t_hi": [str(T0 + 1)] * n,
        }
    )
    table, problems = table_from_arrow(data, first_row=10)
    assert [p.location for p in problems] == [f"row[{10 + i}].lon" for i in range(n) if flags[i]]
    assert table.key.tolist() == [f"k{i}" for i in range(n) if not flags[i]]


def test_a_ragged_csv_row_is_refused_naming_its_row(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    # A quoted line break keeps its record whole: the ragged record is spreadsheet row 4.
    path.write_text(
        f'key,lon,lat,t_lo,t_hi\n"a\nb",1,2,{T0},{T0 + 1}\nc,1,2,{T0},{T0 + 1}\nd,1,2\n'
    )
    with pytest.raises(InvalidInput) as caught:
        list(read_events(path))
    assert [str(p) for p in caught.value.problems] == ["row[4]: has 3 cells but the header has 5"]


def test_text_that_is_not_utf8_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"key,lon,lat,t_lo,t_hi\n\xff\xfe,1,2,3,4\n")
    with pytest.raises(InvalidInput) as caught:
        list(read_events(path))
    assert "e.csv" in str(caught.value)


# -- projection --------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    points=st.lists(
        st.tuples(st.floats(33.5, 35.5), st.floats(30.5, 32.5)), min_size=1, max_size=30
    )
)
def test_project_matches_the_geometry_projection(points: list[tuple[float, float]]) -> None:
    projection = LocalProjection.at(34.4, 31.45)
    table = make_table(len(points), 1)
    table = EventTable(
        **{
            **{n: getattr(table, n) for n in EventTable.__dataclass_fields__},
            "lon": np.array([p[0] for p in points]),
            "lat": np.array([p[1] for p in points]),
        }
    )
    columns = project(table, projection)
    for i, (lon, lat) in enumerate(points):
        metric = projection.to_metric(Point(lon, lat))
        assert columns.x[i] == pytest.approx(metric.x, abs=1e-6)
        assert columns.y[i] == pytest.approx(metric.y, abs=1e-6)
    assert columns.radius is table.radius_m
    assert columns.t_lo is table.t_lo


# -- ACLED ---------------------------------------------------------------------------------------

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,location,"
    "latitude,longitude,geo_precision,source,notes,fatalities,iso,country"
)


def acled_csv(rows: list[str]) -> str:
    return "\n".join([ACLED_HEADER, *rows]) + "\n"


def acled_row(i: int, *, day: int = 3, tp: int = 1, gp: int = 1, fatal: str = "0") -> str:
    return (
        f"PSE{i},2024-09-{day:02d},2024,{tp},Explosions/Remote violence,Air/drone strike,"
        f'Military Forces,Rafah,31.{2800 + i},34.{2500 + i},{gp},Source,"note, with comma",'
        f"{fatal},275,Palestine"
    )


def test_acled_converts_through_the_acled_reader(tmp_path: Path) -> None:
    rows = [
        acled_row(i, day=1 + i % 9, tp=1 + i % 3, gp=1 + i % 3, fatal=str(i % 4)) for i in range(25)
    ]
    rows.append(acled_row(99, fatal=""))
    text = acled_csv(rows)
    source = tmp_path / "acled.csv"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "events.parquet"
    seen: list[tuple[int, int]] = []
    done = convert_acled(source, out, batch_rows=7, progress=lambda a, b: seen.append((a, b)))
    assert (done.rows, done.events) == (26, 26)
    assert seen[-1] == (source.stat().st_size, source.stat().st_size)
    records = [p.record for p in read_acled(io.StringIO(text, newline=""))]
    assert all(r is not None for r in records)
    expected = EventTable.from_records(
        [r.source_key for r in records if r], [r for r in records if r]
    )
    assert_same(concat([b.table for b in read_events(out, 10)]), expected)
    assert expected.fatalities[-1] == UNKNOWN_FATALITIES


def test_acled_with_bad_rows_lists_them_all_and_writes_nothing(tmp_path: Path) -> None:
    rows = [acled_row(0), acled_row(1, tp=7), acled_row(2), acled_row(3, fatal="-2")]
    source = tmp_path / "acled.csv"
    source.write_text(acled_csv(rows), encoding="utf-8")
    out = tmp_path / "events.parquet"
    with pytest.raises(InvalidInput) as caught:
        convert_acled(source, out, batch_rows=1)
    locations = [p.location for p in caught.value.problems]
    assert locations == ["row[3].time_precision", "row[5].fatalities"]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]
