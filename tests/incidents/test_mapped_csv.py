"""Any CSV through a column mapping: the mapping's syntax and checks, then the rows."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from respite.errors import InvalidInput
from respite.events.mapped_csv import Column, ColumnMapping, Fixed, read_mapped_csv
from respite.events.precision import PrecisionPolicy, local_day_span
from respite.events.record import GeoPrecision, IncidentSource, ParsedRow, TimePrecision

DATA = Path(__file__).parent / "data"
HOUR = 3600
BASIC = ["occurred_at=When", "lat=Lat", "lon=Lon", "radius_m=500", "event_type=Type"]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())


def read(
    content: str, pairs: list[str], timezone: str = "Asia/Gaza", **kw: object
) -> list[ParsedRow]:
    mapping = ColumnMapping.parse(pairs)
    return list(read_mapped_csv(io.StringIO(content, newline=""), mapping, timezone=timezone, **kw))  # type: ignore[arg-type]


def located(error: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in error.value.problems]


# -- the mapping ----------------------------------------------------------------------------


def test_cli_pairs_become_columns_fixed_values_and_repeated_actors() -> None:
    mapping = ColumnMapping.parse(
        [
            "id=Report ID",
            "occurred_at=Date Time",
            "latitude=Latitude",
            "lon=Longitude",
            "radius_m=500",
            "event_type=Category",
            "time_precision=hour",
            "actors=Actor A",
            "actors=Actor B",
            "reported_by=value:Team Alpha",
            "notes=column:500",
        ]
    )
    assert mapping.key == "Report ID"
    assert mapping.lat == "Latitude"
    assert mapping.radius_m == Fixed("500")
    assert mapping.time_precision == Fixed("hour")
    assert mapping.event_type == Column("Category")
    assert mapping.reported_by == Fixed("Team Alpha")
    assert mapping.notes == Column("500")
    assert mapping.actors == ("Actor A", "Actor B")
    assert mapping.columns() == {
        "Latitude": "lat",
        "Longitude": "lon",
        "Category": "event_type",
        "Report ID": "key",
        "Date Time": "occurred_at",
        "500": "notes",
        "Actor A": "actors",
        "Actor B": "actors",
    }


def test_a_value_that_is_not_a_literal_names_a_column() -> None:
    mapping = ColumnMapping.parse(
        [*BASIC[:3], "radius_m=Radius (m)", "event_type=Type", "time_precision=Precision"]
    )
    assert mapping.radius_m == Column("Radius (m)")
    assert mapping.time_precision == Column("Precision")


def test_every_mistake_in_the_pairs_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        ColumnMapping.parse(
            ["occurred_at=When", "colour=Red", "lat", "lon=", "lat=Y", "lat=Z", "id=value:x"]
        )
    assert [loc for loc, _ in located(caught)] == [
        "mapping[1]",
        "mapping[2]",
        "mapping[3]",
        "mapping[5]",
        "mapping[6]",
        "mapping",
        "mapping",
    ]
    messages = dict(located(caught))
    assert "'colour' is not a target" in messages["mapping[1]"]
    assert messages["mapping[5]"] == "lat is mapped twice"
    assert messages["mapping[6]"] == "key must come from a column"
    assert {m for loc, m in located(caught) if loc == "mapping"} == {
        "lon is required",
        "event_type is required",
    }


@pytest.mark.parametrize(
    ("pairs", "where", "expected"),
    [
        (["lat=Y", "lon=X", "radius_m=5", "event_type=T"], "mapping.occurred_at", "map the time"),
        (
            ["occurred_at=A", "date=D", "lat=Y", "lon=X", "radius_m=5", "event_type=T"],
            "mapping.date",
            "one way only",
        ),
        (["date=D", "time=T2", "lat=Y", "lon=X", "event_type=T"], "mapping.radius_m", "radius_m"),
        (
            ["occurred_from=F", "lat=Y", "lon=X", "radius_m=5", "event_type=T"],
            "mapping.occurred_until",
            "both",
        ),
        (
            [
                "occurred_from=F",
                "occurred_until=U",
                "time_precision=day",
                "lat=Y",
                "lon=X",
                "radius_m=5",
                "event_type=T",
            ],
            "mapping.time_precision",
            "no precision",
        ),
        (
            ["occurred_at=A", "lat=Y", "lon=X", "radius_m=value:-5", "event_type=T"],
            "mapping.radius_m",
            "negative",
        ),
        (
            ["occurred_at=A", "lat=Y", "lon=X", "geo_precision=value:city", "event_type=T"],
            "mapping.geo_precision",
            "not a geo precision",
        ),
    ],
)
def test_impossible_combinations_name_the_target(
    pairs: list[str], where: str, expected: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        ColumnMapping.parse(pairs)
    assert any(loc == where and expected in msg for loc, msg in located(caught)), located(caught)


def test_a_time_column_without_a_date_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"mapping\.time: a time column needs a date column"):
        ColumnMapping(
            lat="Y", lon="X", event_type=Column("T"), occurred_at="A", time="H", radius_m=Fixed("1")
        )


def test_source_columns_missing_from_the_header_are_named_before_any_row() -> None:
    mapping = ColumnMapping.parse([*BASIC, "fatalities=Killed"])
    with pytest.raises(InvalidInput) as caught:
        read_mapped_csv(io.StringIO("When,Lat,Long,Type\n"), mapping, timezone="Asia/Gaza")
    assert [loc for loc, _ in located(caught)] == ["mapping.lon", "mapping.fatalities"]
    assert "column 'Lon' is not in the header" in located(caught)[0][1]


# -- rows: time -----------------------------------------------------------------------------


def test_the_field_reports_fixture_reads_date_and_time_columns_in_the_zone() -> None:
    mapping = ColumnMapping.parse(
        ["id=Report ID", "date=Day", "time=Local time", "lat=Lat", "lon=Lon", "radius_m=Radius (m)",
         "event_type=Category", "fatalities=Killed", "reported_by=Team", "location=Where", "notes=Description"]
    )  # fmt: skip
    with (DATA / "field_reports.csv").open(newline="") as f:
        parsed = list(read_mapped_csv(f, mapping, timezone="Asia/Gaza"))
    assert [p.location for p in parsed] == ["row[2]", "row[3]", "row[4]", "row[5]", "row[6]"]
    first = parsed[0].record
    assert first is not None
    assert first.source is IncidentSource.CSV
    assert (first.source_key, first.time_precision) == ("FR-001", TimePrecision.MINUTE)
    assert (first.occurred_from, first.occurred_until) == (
        utc(2024, 9, 2, 7, 15),
        utc(2024, 9, 2, 7, 16),
    )
    assert (first.radius_m, first.geo_precision, first.fatalities) == (
        150.0,
        GeoPrecision.EXACT,
        None,
    )
    assert (first.reported_by, first.location) == ("Team Alpha", "Deir al-Balah market")
    assert first.attributes["Radius (m)"] == "150"
    no_time = parsed[2].record
    assert no_time is not None and no_time.time_precision is TimePrecision.DAY
    assert (no_time.occurred_from, no_time.occurred_until) == local_day_span(
        date(2024, 9, 3), "Asia/Gaza"
    )
    assert [(p.location, p.message) for p in parsed[3].problems] == [
        ("row[5].Local time", "'25:10' is not a time of day (HH:MM or HH:MM:SS)")
    ]
    assert parsed[4].record is not None


@pytest.mark.parametrize(
    ("when", "span", "precision"),
    [
        (
            "2024-09-02T10:00+03:00",
            (utc(2024, 9, 2, 7), utc(2024, 9, 2, 7, 1)),
            TimePrecision.MINUTE,
        ),
        (
            "2024-09-02T07:00:05Z",
            (utc(2024, 9, 2, 7, 0, 5), utc(2024, 9, 2, 7, 0, 6)),
            TimePrecision.SECOND,
        ),
        ("2024-09-02 10:00", (utc(2024, 9, 2, 7), utc(2024, 9, 2, 7, 1)), TimePrecision.MINUTE),
        ("2024-09-02T10", (utc(2024, 9, 2, 7), utc(2024, 9, 2, 8)), TimePrecision.HOUR),
        ("2024-09-02", local_day_span(date(2024, 9, 2), "Asia/Gaza"), TimePrecision.DAY),
        ("2 October 2024", local_day_span(date(2024, 10, 2), "Asia/Gaza"), TimePrecision.DAY),
        ("2024-09-02T10+03", (utc(2024, 9, 2, 7), utc(2024, 9, 2, 8)), TimePrecision.HOUR),
    ],
)
def test_occurred_at_is_a_span_of_the_unit_it_is_written_to(
    when: str, span: tuple[int, int], precision: TimePrecision
) -> None:
    [parsed] = read(f"When,Lat,Lon,Type\n{when},31.5,34.4,shelling\n", BASIC)
    assert parsed.record is not None, parsed.problems
    assert (parsed.record.occurred_from, parsed.record.occurred_until) == span
    assert parsed.record.time_precision is precision


def test_a_stated_precision_widens_the_moment_and_a_date_cannot_be_narrowed() -> None:
    content = "When,Lat,Lon,Type,P\n2024-09-02T14:37+03:00,31.5,34.4,x,hour\n2024-09-05,31.5,34.4,x,2\n2024-09-05,31.5,34.4,x,minute\n2024-09-05T10:00,31.5,34.4,x,\n"
    hour, week, narrowed, inferred = read(content, [*BASIC, "time_precision=P"])
    assert hour.record is not None and week.record is not None and inferred.record is not None
    assert (hour.record.occurred_from, hour.record.occurred_until) == (
        utc(2024, 9, 2, 11),
        utc(2024, 9, 2, 12),
    )
    assert week.record.time_precision is TimePrecision.WEEK
    assert week.record.occurred_until - week.record.occurred_from == 7 * 24 * HOUR
    assert [(p.location, p.message) for p in narrowed.problems] == [
        ("row[4].P", "a date alone is not precise to the minute")
    ]
    assert inferred.record.time_precision is TimePrecision.MINUTE


def test_a_span_from_and_until_with_dates_covers_whole_local_days() -> None:
    pairs = [
        "occurred_from=From",
        "occurred_until=Until",
        "lat=Lat",
        "lon=Lon",
        "geo_precision=1",
        "event_type=Type",
    ]
    content = "From,Until,Lat,Lon,Type\n2024-09-01,2024-09-03,31.5,34.4,x\n2024-09-03T10:00+03:00,2024-09-03T09:00+03:00,31.5,34.4,x\n"
    good, backwards = read(content, pairs)
    assert good.record is not None
    assert good.record.time_precision is TimePrecision.SPAN
    assert (good.record.occurred_from, good.record.occurred_until) == (
        local_day_span(date(2024, 9, 1), "Asia/Gaza")[0],
        local_day_span(date(2024, 9, 3), "Asia/Gaza")[1],
    )
    assert (good.record.geo_precision, good.record.radius_m) == (GeoPrecision.TOWN, 2_000.0)
    assert [(p.location, p.message) for p in backwards.problems] == [
        ("row[3].Until", "is not after occurred_from")
    ]


def test_wall_times_the_clocks_skip_or_repeat_are_refused_without_an_offset() -> None:
    content = "When,Lat,Lon,Type\n2024-04-20 02:30,31.5,34.4,x\n2023-10-28 01:30,31.5,34.4,x\n2023-10-28T01:30+02:00,31.5,34.4,x\n"
    skipped, repeated, explicit = read(content, BASIC)
    assert "does not exist in Asia/Gaza" in skipped.problems[0].message
    assert "happens twice in Asia/Gaza" in repeated.problems[0].message
    assert explicit.record is not None
    assert explicit.record.occurred_from == utc(2023, 10, 27, 23, 30)


def test_the_timezone_decides_naive_times() -> None:
    content = "When,Lat,Lon,Type\n2024-09-02 10:00,31.5,34.4,x\n"
    [gaza] = read(content, BASIC)
    [london] = read(content, BASIC, timezone="Europe/London")
    assert gaza.record is not None and london.record is not None
    assert london.record.occurred_from - gaza.record.occurred_from == 2 * HOUR


# -- rows: place, keys, problems ------------------------------------------------------------


def test_radius_comes_from_its_column_or_else_the_geo_precision() -> None:
    pairs = [
        "occurred_at=When",
        "lat=Lat",
        "lon=Lon",
        "radius_m=R",
        "geo_precision=G",
        "event_type=Type",
    ]
    content = "When,Lat,Lon,R,G,Type\n2024-09-02,31.5,34.4,75,,x\n2024-09-02,31.5,34.4,,near_town,x\n2024-09-02,31.5,34.4,,,x\n2024-09-02,31.5,34.4,80,3,x\n"
    radius, geo, neither, both = read(
        content, pairs, policy=PrecisionPolicy(near_town_radius_m=7_000)
    )
    assert radius.record is not None and geo.record is not None and both.record is not None
    assert (radius.record.geo_precision, radius.record.radius_m) == (GeoPrecision.EXACT, 75.0)
    assert (geo.record.geo_precision, geo.record.radius_m) == (GeoPrecision.NEAR_TOWN, 7_000.0)
    assert [p.location for p in neither.problems] == ["row[4].R"]
    assert (both.record.geo_precision, both.record.radius_m) == (GeoPrecision.REGION, 80.0)


def test_a_mixed_file_keeps_good_rows_and_names_each_bad_cell() -> None:
    pairs = [*BASIC, "id=ID", "fatalities=Killed", "actors=A", "actors=B"]
    content = (
        "ID,When,Lat,Lon,Type,Killed,A,B\n"
        "r1,2024-09-02,31.5,34.4,x,3,Group 1;Group 2,Group 2\n"
        "r2,2024-09-02,95,34.4,x,-1,,\n"
        "r1,2024-09-02,31.5,34.4,,2,,\n"
        "r4,2024-13-02,31.5,east,x,,,\n"
        "r5,2024-09-02,31.5\n"
        ",2024-09-02,31.5,34.4,x,,,\n"
    )
    parsed = read(content, pairs)
    assert parsed[0].record is not None
    assert parsed[0].record.actors == ("Group 1", "Group 2")
    assert parsed[0].record.fatalities == 3
    assert [[p.location for p in row.problems] for row in parsed[1:]] == [
        ["row[3].Lat", "row[3].Killed"],
        ["row[4].ID", "row[4].Type"],
        ["row[5].When", "row[5].Lon"],
        ["row[6]"],
        ["row[7].ID"],
    ]


def test_without_an_id_column_the_key_is_a_stable_digest_of_the_row() -> None:
    content = "When,Lat,Lon,Type\n2024-09-02,31.5,34.4,x\n2024-09-02,31.5,34.4,y\n2024-09-02,31.5,34.4,x\n"
    first, other, repeat = read(content, BASIC)
    assert first.record is not None and other.record is not None
    assert first.record.source_key.startswith("sha256:")
    assert first.record.source_key != other.record.source_key
    assert first.record.source_key == read(content, BASIC)[0].record.source_key  # type: ignore[union-attr]
    assert [(p.location, "already appears" in p.message) for p in repeat.problems] == [
        ("row[4]", True)
    ]


def test_a_mapped_name_matches_a_header_that_differs_only_in_case_or_spacing() -> None:
    [parsed] = read("WHEN,lat, LON ,Type\n2024-09-02,31.5,34.4,x\n", BASIC)
    assert parsed.record is not None
    assert (parsed.record.lat, parsed.record.lon) == (31.5, 34.4)


def test_a_semicolon_file_with_fixed_text_values_is_read() -> None:
    pairs = [
        "occurred_at=Quand",
        "lat=Lat",
        "lon=Lon",
        "radius_m=250",
        "event_type=value:gunfire",
        "reported_by=value:Team B",
    ]
    [parsed] = read("Quand;Lat;Lon\n2024-09-02T10:00+03:00;31.5;34.4\n", pairs)
    assert parsed.record is not None
    assert (parsed.record.event_type, parsed.record.reported_by, parsed.record.radius_m) == (
        "gunfire",
        "Team B",
        250.0,
    )
    assert parsed.record.attributes == {
        "Quand": "2024-09-02T10:00+03:00",
        "Lat": "31.5",
        "Lon": "34.4",
    }


def test_repeats_are_found_among_many_digested_keys() -> None:
    # 20,000 keys that are not letters + a number: their digests spill from the recent set
    # into the sorted array several times, and repeats from before each spill are still found.
    lines = ["ID,When,Lat,Lon,Type"]
    lines += [f"report-{i:05d}-a,2024-09-02,31.5,34.4,x" for i in range(20_000)]
    lines += ["report-00003-a,2024-09-02,31.5,34.4,x", "report-19999-a,2024-09-02,31.5,34.4,x"]
    parsed = read("\n".join(lines) + "\n", [*BASIC, "id=ID"])
    bad = [p for p in parsed if p.record is None]
    assert [p.location for p in bad] == ["row[20002]", "row[20003]"]
