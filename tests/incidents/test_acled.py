"""The ACLED reader: formats, precision, per-row problems, header errors, streaming."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from respite.errors import InvalidInput
from respite.events.acled import COLUMNS, read_acled
from respite.events.precision import PrecisionPolicy, local_day_span
from respite.events.record import GeoPrecision, IncidentSource, ParsedRow, TimePrecision

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "acled_sample.csv"
HOUR = 3600


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())


def row(**cells: str) -> list[str]:
    """A good Jabalia row in ACLED's column order, with ``cells`` replaced."""
    base = dict.fromkeys(COLUMNS, "")
    base.update(
        event_id_cnty="PSE1",
        event_date="2024-09-02",
        year="2024",
        time_precision="1",
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        actor1="Military Forces of Israel (2022-)",
        actor2="Civilians (Palestine)",
        iso="275",
        country="Palestine",
        location="Jabalia",
        latitude="31.5272",
        longitude="34.4831",
        geo_precision="1",
        source="WAFA",
        notes="synthetic",
        fatalities="2",
    )
    base.update(cells)
    return [base[c] for c in COLUMNS]


def text(rows: list[list[str]], header: list[str] | tuple[str, ...] = COLUMNS, **fmt: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", **fmt)  # type: ignore[arg-type]
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def read(content: str, **kwargs: object) -> list[ParsedRow]:
    return list(read_acled(io.StringIO(content, newline=""), **kwargs))  # type: ignore[arg-type]


def one(**cells: str) -> ParsedRow:
    [parsed] = read(text([row(**cells)]))
    return parsed


def problems(parsed: ParsedRow) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in parsed.problems]


# -- the synthetic sample: good rows come out, bad rows say exactly where ---------------------


def test_the_sample_yields_every_good_row_and_names_every_bad_cell() -> None:
    with SAMPLE.open(newline="", encoding="utf-8-sig") as f:
        parsed = list(read_acled(f))
    assert len(parsed) == 30
    good = [p for p in parsed if p.record is not None]
    assert len(good) == 25
    assert all(not p.problems for p in good)
    # Row 3 has a two-line note: it is still one spreadsheet row, so numbering stays in step.
    assert [p.location for p in parsed[:4]] == ["row[2]", "row[3]", "row[4]", "row[5]"]
    bad = {p.location: [q.location for q in p.problems] for p in parsed if p.record is None}
    assert bad == {
        "row[25]": ["row[25].latitude"],
        "row[26]": ["row[26].time_precision", "row[26].fatalities"],
        "row[27]": ["row[27].event_date"],
        "row[28]": ["row[28].event_id_cnty"],
        "row[29]": ["row[29].year", "row[29].geo_precision", "row[29].fatalities"],
    }
    assert "swapped" in parsed[23].problems[0].message
    assert "PSE70017" in parsed[26].problems[0].message
    assert [p.record.source_key for p in parsed[-2:] if p.record] == ["PSE70029", "PSE70030"]


def test_a_sample_record_carries_spans_labels_and_every_column() -> None:
    with SAMPLE.open(newline="") as f:
        first = next(read_acled(f))
    record = first.record
    assert record is not None
    assert record.source is IncidentSource.ACLED
    assert record.source_key == "PSE70001"
    # 2023-10-28 is 25 hours long in Gaza: midnight UTC+3 to midnight UTC+2.
    assert (record.occurred_from, record.occurred_until) == (
        utc(2023, 10, 27, 21),
        utc(2023, 10, 28, 22),
    )
    assert record.time_precision is TimePrecision.DAY
    assert (record.lat, record.lon) == (31.5272, 34.4831)
    assert (record.geo_precision, record.radius_m) == (GeoPrecision.TOWN, 2_000.0)
    assert record.fatalities == 12
    assert record.actors == ("Military Forces of Israel (2022-)", "Civilians (Palestine)")
    assert record.location == "Jabalia"
    assert record.reported_by == "Al Jazeera"
    assert list(record.attributes) == list(COLUMNS)
    assert record.attributes["timestamp"] == "1701302400"
    assert record.attributes["assoc_actor_1"] == ""


def test_the_sample_quoted_notes_keep_their_line_break_and_quotes() -> None:
    with SAMPLE.open(newline="") as f:
        parsed = {p.record.source_key: p.record for p in read_acled(f) if p.record}
    assert parsed["PSE70002"].notes is not None
    assert "\nFighting continued overnight." in parsed["PSE70002"].notes
    assert '"shot at"' in (parsed["PSE70030"].notes or "")
    assert parsed["PSE70008"].fatalities is None  # an empty cell is unknown, not zero


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2023-11-24", date(2023, 11, 24)),
        ("24 November 2023", date(2023, 11, 24)),
        ("24-November-2023", date(2023, 11, 24)),
        ("24-Nov-23", date(2023, 11, 24)),
        ("6-Jun-25", date(2025, 6, 6)),
        ("24/11/2023", date(2023, 11, 24)),
        ("24 Nov 2023", date(2023, 11, 24)),
        ("November 24, 2023", date(2023, 11, 24)),
        ("2023-11-24 00:00:00", date(2023, 11, 24)),
        ("15-Sept-98", date(1998, 9, 15)),
    ],
)
def test_each_date_format_names_the_same_local_day(written: str, day: date) -> None:
    record = one(event_date=written, year=str(day.year)).record
    assert record is not None
    assert (record.occurred_from, record.occurred_until) == local_day_span(day, "Asia/Gaza")


def test_slashed_dates_are_read_day_first_until_a_row_proves_otherwise() -> None:
    rows = [
        row(event_id_cnty="PSE1", event_date="11/12/2023", year="2023"),
        row(event_id_cnty="PSE2", event_date="03/04/2024", year="2024"),
        row(event_id_cnty="PSE3", event_date="12/24/2023", year="2023"),
    ]
    first, second, third = read(text(rows))
    assert first.record is not None and second.record is not None
    assert first.record.occurred_from == local_day_span(date(2023, 12, 11), "Asia/Gaza")[0]
    assert second.record.occurred_from == local_day_span(date(2024, 4, 3), "Asia/Gaza")[0]
    [(where, message)] = problems(third)
    assert where == "row[4].event_date"
    assert "24 is not a month" in message
    assert "2 earlier row(s) with ambiguous dates, the first at row[2]" in message
    assert "ISO dates" in message


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("", "is empty"),
        ("2023-13-01", "not a real date"),
        ("31-Foo-2023", "not an English month"),
        ("yesterday", "is not a date"),
        ("2023/11/24", "is not a date"),
    ],
)
def test_unreadable_dates_are_refused_with_the_reason(written: str, expected: str) -> None:
    [(where, message)] = problems(one(event_date=written, year=""))
    assert where == "row[2].event_date"
    assert expected in message


# -- precision codes ------------------------------------------------------------------------


def test_time_precision_2_and_3_widen_to_a_week_and_a_month() -> None:
    week = one(time_precision="2", event_date="2023-10-28", year="2023").record
    month = one(time_precision="3", event_date="2024-04-15", year="2024").record
    assert week is not None and month is not None
    assert week.time_precision is TimePrecision.WEEK
    assert (week.occurred_from, week.occurred_until) == (
        utc(2023, 10, 24, 21),
        utc(2023, 10, 31, 22),
    )
    assert month.time_precision is TimePrecision.MONTH
    # April 2024 in Gaza: UTC+2 until the 20th, UTC+3 after, so it is 30 days minus an hour.
    assert (month.occurred_from, month.occurred_until) == (
        utc(2024, 3, 31, 22),
        utc(2024, 4, 30, 21),
    )


def test_geo_precision_codes_set_the_radius_from_the_policy() -> None:
    policy = PrecisionPolicy(town_radius_m=1_000, near_town_radius_m=5_000, region_radius_m=20_000)
    rows = [row(event_id_cnty=f"PSE{c}", geo_precision=c) for c in "123"]
    records = [p.record for p in read(text(rows), policy=policy)]
    assert [(r.geo_precision, r.radius_m) for r in records if r] == [
        (GeoPrecision.TOWN, 1_000),
        (GeoPrecision.NEAR_TOWN, 5_000),
        (GeoPrecision.REGION, 20_000),
    ]


def test_another_timezone_moves_the_day() -> None:
    record = one().record
    in_utc = read(text([row()]), timezone="UTC")[0].record
    assert record is not None and in_utc is not None
    assert in_utc.occurred_from - record.occurred_from == 3 * HOUR


# -- per-row problems -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "where", "expected"),
    [
        ({"latitude": "34.4831", "longitude": "31.5272"}, "latitude", "look swapped"),
        ({"latitude": "91", "longitude": "34.4"}, "latitude", "outside -90..90"),
        ({"latitude": "31.5", "longitude": "190"}, "longitude", "outside -180..180"),
        ({"latitude": "40.7", "longitude": "-74.0"}, "latitude", "is outside Palestine"),
        ({"latitude": "north", "longitude": "34.4"}, "latitude", "is not a number"),
        ({"latitude": "nan", "longitude": "34.4"}, "latitude", "not a finite number"),
        ({"fatalities": "-1"}, "fatalities", "whole number >= 0"),
        ({"fatalities": "2.5"}, "fatalities", "whole number >= 0"),
        ({"time_precision": "0"}, "time_precision", "1, 2 or 3"),
        ({"geo_precision": ""}, "geo_precision", "1, 2 or 3"),
        ({"year": "2023"}, "year", "does not match"),
        ({"event_id_cnty": " "}, "event_id_cnty", "is empty"),
        ({"event_type": ""}, "event_type", "is empty"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column(
    cells: dict[str, str], where: str, expected: str
) -> None:
    parsed = one(**cells)
    assert parsed.record is None
    [(location, message)] = problems(parsed)
    assert location == f"row[2].{where}"
    assert expected in message


def test_swapped_coordinates_are_detected_by_iso3_or_country_name_too() -> None:
    swapped = {"latitude": "34.3517", "longitude": "31.4181", "iso": ""}
    assert "look swapped" in one(**swapped, country="Palestine").problems[0].message
    # A country without a known extent cannot tell a swap; only ranges are checked.
    assert one(**swapped, country="Atlantis").record is not None


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    parsed = one(event_date="2024-02-30", latitude="x", fatalities="some", geo_precision="9")
    assert [p.location for p in parsed.problems] == [
        "row[2].event_date",
        "row[2].geo_precision",
        "row[2].latitude",
        "row[2].fatalities",
    ]


def test_a_later_duplicate_id_is_the_problem_and_the_first_is_kept() -> None:
    rows = [row(), row(event_id_cnty="PSE2"), row(notes="same id again")]
    parsed = read(text(rows))
    assert [p.record is not None for p in parsed] == [True, True, False]
    assert problems(parsed[2]) == [
        ("row[4].event_id_cnty", "'PSE1' already appears in an earlier row")
    ]


def test_duplicates_of_ids_that_are_not_letters_and_a_number_are_found_too() -> None:
    ids = ["PSE-A-1", "PSE012", "PSE12", "x" * 40, "PSE-A-1", "PSE012", "x" * 40]
    parsed = read(text([row(event_id_cnty=i) for i in ids]))
    assert [p.record is not None for p in parsed] == [True] * 4 + [False] * 3


def test_a_row_with_the_wrong_number_of_cells_is_reported_and_reading_goes_on() -> None:
    content = text([row()]) + "PSE9,2024-09-02\n" + ",".join(row(event_id_cnty="PSE3")) + "\n"
    parsed = read(content)
    assert [p.location for p in parsed] == ["row[2]", "row[3]", "row[4]"]
    assert problems(parsed[1]) == [("row[3]", "has 2 cells but the header has 31")]
    assert parsed[2].record is not None


def test_a_cell_beyond_the_csv_field_limit_is_a_row_problem_not_the_end() -> None:
    rows = [
        row(),
        row(event_id_cnty="PSE2", notes="x" * (csv.field_size_limit() + 1)),
        row(event_id_cnty="PSE3"),
    ]
    parsed = read(text(rows))
    assert [p.record is not None for p in parsed] == [True, False, True]
    assert parsed[1].problems[0].location == "row[3]"
    assert "field larger than field limit" in parsed[1].problems[0].message


def test_blank_lines_are_counted_but_not_reported() -> None:
    parsed = read(text([row()]) + "\n\n" + ",".join(row(event_id_cnty="PSE2")) + "\n")
    assert [p.location for p in parsed] == ["row[2]", "row[5]"]


# -- header variants and header errors ------------------------------------------------------


def test_an_old_export_with_a_bom_upper_case_semicolons_and_decimal_commas_is_read() -> None:
    header = ["\ufeffDATA_ID", "ISO", "EVENT_ID_CNTY", "EVENT_ID_NO_CNTY", "EVENT_DATE", "YEAR",
              "TIME_PRECISION", "EVENT_TYPE", "ACTOR1", "ALLY_ACTOR_1", "LOCATION", "LATITUDE",
              "LONGITUDE", "GEO_PRECISION", "SOURCE SCALE", "NOTES", "TOTAL_FATALITIES"]  # fmt: skip
    cells = ["7", "275", "PSE5", "5", "24-Nov-23", "2023", "1", "Battles", "A", "B; C", "Rafah",
             "31,2969", "34,2455", "1", "National", "two\nlines", "3"]  # fmt: skip
    [parsed] = read(text([cells], header, delimiter=";"))
    record = parsed.record
    assert record is not None, parsed.problems
    assert (record.lat, record.lon, record.fatalities) == (31.2969, 34.2455, 3)
    assert record.actors == ("A", "B", "C")
    assert record.attributes["data_id"] == "7"
    assert record.attributes["source_scale"] == "National"
    assert record.attributes["total_fatalities"] == "3"
    assert record.notes == "two\nlines"


def test_a_tab_separated_export_is_read() -> None:
    [parsed] = read(text([row()], delimiter="\t"))
    assert parsed.record is not None
    assert parsed.record.attributes["event_id_cnty"] == "PSE1"


def test_a_byte_order_mark_read_as_text_is_ignored() -> None:
    raw = ("\ufeff" + text([row()])).encode("utf-8")
    stream = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", newline="")
    [parsed] = list(read_acled(stream))
    assert parsed.record is not None


def test_missing_required_columns_are_each_named_before_any_row() -> None:
    header = [c for c in COLUMNS if c not in {"latitude", "geo_precision"}]
    with pytest.raises(InvalidInput) as caught:
        read_acled(io.StringIO(text([], header)))
    assert [(p.location, p.message) for p in caught.value.problems] == [
        ("row[1].latitude", "required column is missing"),
        ("row[1].geo_precision", "required column is missing"),
    ]


def test_a_column_given_twice_is_a_header_problem() -> None:
    with pytest.raises(
        InvalidInput, match=r"row\[1\]\.fatalities: appears twice \(columns 29 and 32\)"
    ):
        read_acled(io.StringIO(text([], [*COLUMNS, "TOTAL_FATALITIES"])))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the file is empty"),
        ('{"type": "FeatureCollection", "features": []}\n', "is not an ACLED export"),
        ("name,age\nx,1\n", "is not an ACLED export"),
        ("event_id\x00cnty,event_date\n", "NUL bytes"),
    ],
)
def test_input_that_is_not_an_acled_csv_is_refused_at_the_header(
    content: str, expected: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_acled(io.StringIO(content))
    assert caught.value.problems[0].location == "row[1]"
    assert expected in caught.value.problems[0].message


def test_an_undecodable_file_is_refused_with_a_hint() -> None:
    raw = text([row(location="Bayt L\u0101hiy\u0101")]).encode("utf-16")
    with pytest.raises(InvalidInput, match=r"row\[1\]: cannot be decoded .* UTF-8"):
        read_acled(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", newline=""))


def test_an_unknown_timezone_is_refused_before_reading() -> None:
    with pytest.raises(InvalidInput, match="timezone"):
        read_acled(io.StringIO(text([row()])), timezone="Gaza")


# -- streaming ------------------------------------------------------------------------------


class CountingStream(io.StringIO):
    def __init__(self, value: str) -> None:
        super().__init__(value, newline="")
        self.consumed = 0

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = super().readline(-1 if size is None else size)
        self.consumed += len(line)
        return line

    def __next__(self) -> str:  # type: ignore[override]
        line = super().__next__()
        self.consumed += len(line)
        return line


def test_rows_come_out_before_the_rest_of_the_file_is_read() -> None:
    content = text([row(event_id_cnty=f"PSE{i}") for i in range(2_000)])
    stream = CountingStream(content)
    rows = read_acled(stream)
    assert next(rows).record is not None
    assert stream.consumed < len(content) // 100


def _write_acled(path: Path, n: int) -> None:
    """An n-row export written row by row (never held in memory), realistic in shape."""
    places = [
        ("Jabalia", 31.5272, 34.4831),
        ("Rafah", 31.2969, 34.2455),
        ("Khan Younis", 31.3462, 34.3063),
    ]
    template = row(assoc_actor_1="Hamas Movement; Palestinian Islamic Jihad")
    at = {name: COLUMNS.index(name) for name in COLUMNS}
    days = [date(2023, 10 + m, d).isoformat() for m in range(3) for d in range(1, 29)]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for i in range(n):
            place, lat, lon = places[i % 3]
            cells = template.copy()
            cells[at["event_id_cnty"]] = f"PSE{100_000 + i}"
            cells[at["event_date"]] = days[i % len(days)]
            cells[at["year"]] = "2023"
            cells[at["time_precision"]] = "123"[i % 3]
            cells[at["geo_precision"]] = "123"[(i // 3) % 3]
            cells[at["location"]] = place
            cells[at["latitude"]] = f"{lat + (i % 97) * 1e-4:.4f}"
            cells[at["longitude"]] = str(lon)
            cells[at["fatalities"]] = str(i % 11)
            cells[at["notes"]] = f"Synthetic event {i}: an air strike reported in {place}."
            writer.writerow(cells)


def test_a_large_export_streams_in_constant_memory(tmp_path: Path) -> None:
    """80,000 rows: the peak while reading them all is the peak of the first 20,000."""
    path = tmp_path / "acled_80k.csv"
    _write_acled(path, 80_000)
    assert path.stat().st_size > 20_000_000
    peaks: list[int] = []
    good = fatalities = 0
    with path.open(newline="", encoding="utf-8") as f:
        tracemalloc.start()
        try:
            for n, parsed in enumerate(read_acled(f), start=1):
                if parsed.record is not None:
                    good += 1
                    fatalities += parsed.record.fatalities or 0
                if n % 20_000 == 0:
                    peaks.append(tracemalloc.get_traced_memory()[1])
                    tracemalloc.reset_peak()
        finally:
            tracemalloc.stop()
    assert good == 80_000
    assert fatalities == sum(i % 11 for i in range(80_000))
    assert len(peaks) == 4
    first, overall = peaks[0], max(peaks)
    assert overall < 2_000_000, peaks  # a few MB at most (bytes)
    assert overall <= first + 100_000, peaks  # reading 4x the rows adds nothing
