"""ACLED CSV exports, read row by row into incident records.

Accepts the current export (the 31 columns of :data:`COLUMNS`, in any order) and older ones:
upper-case headers, a byte-order mark, ``;`` or tab delimiters (chosen from the header line),
quoted notes spanning several lines, extra columns (``data_id``, ``event_id_no_cnty``,
``iso3``...) and the old names ``ally_actor_1/2`` and ``total_fatalities``. Every cell is kept
in ``attributes`` under its header name in lower case (spaces as ``_``), so nothing is lost.

Time and place become spans through a :class:`PrecisionPolicy`: ``event_date`` is a date in
the place's zone (``timezone``, Asia/Gaza by default) and ``time_precision`` widens it to a
day, a week or a month; ``geo_precision`` gives the radius around ``latitude``/``longitude``.
Date formats and the day-first rule for slashed dates are described in ``_read_dates``.

A row with any problem yields ``ParsedRow(row[N], None, problems)`` naming each cell
(``row[12].latitude``) and reading goes on; a header without ACLED's required columns raises
:class:`InvalidInput` before any row. A repeated ``event_id_cnty`` is a problem on the later row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from functools import lru_cache
from typing import Final, TextIO
from zoneinfo import ZoneInfo

from respite.errors import InvalidInput, Problem
from respite.events._read import HEADER, CsvInput, KeySet, count, normalise, number
from respite.events._read_dates import DayReader
from respite.events.precision import ACLED_GEO, ACLED_TIME, PrecisionPolicy, zone_of
from respite.events.record import IncidentRecord, IncidentSource, ParsedRow

__all__ = ["COLUMNS", "REQUIRED", "read_acled"]

#: ACLED's standard export columns, in the export's order.
COLUMNS: Final = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
#: Columns without which a row cannot become a record.
REQUIRED: Final = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "latitude", "longitude",
    "geo_precision",
)  # fmt: skip
_ALIASES: Final = {
    "ally_actor_1": "assoc_actor_1",
    "ally_actor_2": "assoc_actor_2",
    "total_fatalities": "fatalities",
}
_KNOWN: Final = (*COLUMNS, *_ALIASES, "data_id", "event_id_no_cnty", "iso3", "gwno")
# (name, min_lon, min_lat, max_lon, max_lat), with ~0.1 degree of margin: used to catch a
# swapped latitude/longitude pair, which for these countries lands far outside them.
_EXTENTS: Final = {
    275: ("Palestine", 34.0, 31.1, 35.7, 32.7),
    376: ("Israel", 34.1, 29.35, 36.0, 33.45),
    400: ("Jordan", 34.8, 29.05, 39.45, 33.5),
    422: ("Lebanon", 34.95, 32.95, 36.75, 34.8),
    760: ("Syria", 35.6, 32.2, 42.5, 37.45),
    818: ("Egypt", 24.6, 21.6, 37.05, 31.8),
}
_CODES: Final = {"1": 1, "2": 2, "3": 3}
_ISO3: Final = {"PSE": 275, "ISR": 376, "JOR": 400, "LBN": 422, "SYR": 760, "EGY": 818}


def read_acled(
    stream: TextIO, *, timezone: str = "Asia/Gaza", policy: PrecisionPolicy | None = None
) -> Iterator[ParsedRow]:
    """One :class:`ParsedRow` per data row of an ACLED CSV export, read incrementally.

    Open files with ``newline=""`` (quoted notes may hold line breaks) and ``utf-8-sig``; a
    byte-order mark left in the text is ignored anyway. The header is checked at once: the
    call raises :class:`InvalidInput` if it is unreadable or lacks a required column.
    """
    zone = zone_of(timezone)
    source = CsvInput(stream, _KNOWN)
    columns = _columns(source.header)
    return _rows(source, columns, zone, policy or PrecisionPolicy())


def _columns(header: Sequence[str]) -> dict[str, int]:
    """Canonical column name -> position; every header problem at once."""
    names = [normalise(cell) for cell in header]
    if not set(names) & set(_KNOWN):
        shown = ", ".join(repr(c) for c in header[:5])
        raise InvalidInput(
            [Problem(HEADER, f"is not an ACLED export: none of ACLED's columns in {shown}")]
        )
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, name in enumerate(names):
        canonical = _ALIASES.get(name, name)
        if canonical in positions:
            first = positions[canonical] + 1
            problems.append(
                Problem(f"{HEADER}.{canonical}", f"appears twice (columns {first} and {index + 1})")
            )
        positions.setdefault(canonical, index)
    problems += [
        Problem(f"{HEADER}.{name}", "required column is missing")
        for name in REQUIRED
        if name not in positions
    ]
    if problems:
        raise InvalidInput(problems)
    return positions


def _rows(
    source: CsvInput, columns: dict[str, int], zone: ZoneInfo, policy: PrecisionPolicy
) -> Iterator[ParsedRow]:
    reader = _RowReader(source.header, columns, zone, policy, decimal_comma=source.delimiter != ",")
    width = len(source.header)
    for row, cells, unreadable in source.records():
        where = f"row[{row}]"
        if cells is None:
            yield ParsedRow(where, None, (Problem(where, unreadable or "unreadable"),))
        elif len(cells) != width:
            message = f"has {len(cells)} cells but the header has {width}"
            yield ParsedRow(where, None, (Problem(where, message),))
        else:
            yield reader.parse(cells, row, where)


class _RowReader:
    """Turns the cells of one file's rows into records.

    Written for throughput (a row in a few tens of microseconds, few allocations): column
    positions are looked up once per file, and a location string is only built for a problem.
    """

    def __init__(
        self,
        header: Sequence[str],
        columns: dict[str, int],
        zone: ZoneInfo,
        policy: PrecisionPolicy,
        *,
        decimal_comma: bool,
    ) -> None:
        self.names = [normalise(cell) for cell in header]
        self.at = {name: columns.get(name, -1) for name in (*COLUMNS, "iso3")}
        self.actor_columns = tuple(
            i
            for name in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")
            if (i := columns.get(name, -1)) >= 0
        )
        # Copying a dict that already has every key avoids re-growing one per row.
        self.template = dict.fromkeys(self.names, "")
        self.zone, self.policy, self.decimal_comma = zone, policy, decimal_comma
        self.seen = KeySet()
        self.dates = DayReader()

    def cell(self, cells: list[str], name: str) -> str:
        index = self.at[name]
        return cells[index].strip() if index >= 0 else ""

    def parse(self, cells: list[str], row: int, where: str) -> ParsedRow:
        cell = self.cell
        problems: list[Problem] = []
        key = cell(cells, "event_id_cnty")
        if not key:
            _bad(problems, where, "event_id_cnty", "is empty: every event needs its id")
        elif not self.seen.add(key):
            _bad(problems, where, "event_id_cnty", f"{key!r} already appears in an earlier row")
        day = lat = lon = fatalities = None
        try:
            day = self.dates(cell(cells, "event_date"), row)
            year = cell(cells, "year")
            if year and year != str(day.year):
                message = f"{year!r} does not match event_date's year {day.year}"
                _bad(problems, where, "year", message)
        except ValueError as exc:
            _bad(problems, where, "event_date", str(exc))
        time_code = _CODES.get(cell(cells, "time_precision"))
        geo_code = _CODES.get(cell(cells, "geo_precision"))
        for column, code in (("time_precision", time_code), ("geo_precision", geo_code)):
            if code is None:
                message = f"{cell(cells, column)!r} is not a precision code: ACLED uses 1, 2 or 3"
                _bad(problems, where, column, message)
        try:
            lat = number(cell(cells, "latitude"), self.decimal_comma)
        except ValueError as exc:
            _bad(problems, where, "latitude", str(exc))
        try:
            lon = number(cell(cells, "longitude"), self.decimal_comma)
        except ValueError as exc:
            _bad(problems, where, "longitude", str(exc))
        if lat is not None and lon is not None:
            country = (cell(cells, "iso"), cell(cells, "iso3"), cell(cells, "country"))
            problems += _place_problems(where, lat, lon, *country)
        try:
            fatalities = count(cell(cells, "fatalities"))
        except ValueError as exc:
            _bad(problems, where, "fatalities", str(exc))
        event_type = cell(cells, "event_type")
        if not event_type:
            _bad(problems, where, "event_type", "is empty: every event needs its type")
        if problems:
            return ParsedRow(where, None, tuple(problems))
        assert day is not None and lat is not None and lon is not None
        assert time_code is not None and geo_code is not None
        occurred_from, occurred_until = _span(self.policy, day, time_code, self.zone)
        geo, radius = self.policy.radius(ACLED_GEO[geo_code])
        attributes = self.template.copy()
        attributes.update(zip(self.names, cells, strict=True))
        record = IncidentRecord(
            source=IncidentSource.ACLED,
            source_key=key,
            occurred_from=occurred_from,
            occurred_until=occurred_until,
            time_precision=ACLED_TIME[time_code],
            lon=lon,
            lat=lat,
            radius_m=radius,
            geo_precision=geo,
            event_type=event_type,
            sub_event_type=cell(cells, "sub_event_type") or None,
            fatalities=fatalities,
            location=cell(cells, "location") or None,
            actors=_actors(cells, self.actor_columns),
            notes=cell(cells, "notes") or None,
            reported_by=cell(cells, "source") or None,
            attributes=attributes,
        )
        return ParsedRow(where, record)


def _bad(problems: list[Problem], where: str, column: str, message: str) -> None:
    problems.append(Problem(f"{where}.{column}", message))


@lru_cache(maxsize=4096)
def _span(policy: PrecisionPolicy, day: date, code: int, zone: ZoneInfo) -> tuple[int, int]:
    return policy.time_span(day, ACLED_TIME[code], zone)


def _place_problems(
    where: str, lat: float, lon: float, iso: str, iso3: str, country: str
) -> list[Problem]:
    if not -90 <= lat <= 90:
        hint = " (it looks like a longitude: are the columns swapped?)" if -90 <= lon <= 90 else ""
        return [Problem(f"{where}.latitude", f"{lat} is outside -90..90{hint}")]
    if not -180 <= lon <= 180:
        return [Problem(f"{where}.longitude", f"{lon} is outside -180..180")]
    extent = _extent(iso, iso3, country)
    if extent is None:
        return []
    name, min_lon, min_lat, max_lon, max_lat = extent
    if min_lon <= lon <= max_lon and min_lat <= lat <= max_lat:
        return []
    bounds = f"latitude {min_lat}..{max_lat}, longitude {min_lon}..{max_lon}"
    if min_lon <= lat <= max_lon and min_lat <= lon <= max_lat:
        message = (
            f"latitude {lat} and longitude {lon} look swapped: as given the place is outside "
            f"{name} ({bounds}), swapped it is inside"
        )
    else:
        message = f"latitude {lat}, longitude {lon} is outside {name} ({bounds})"
    return [Problem(f"{where}.latitude", message)]


@lru_cache(maxsize=256)
def _extent(iso: str, iso3: str, country: str) -> tuple[str, float, float, float, float] | None:
    """The checked extent of the row's country (by ISO number, ISO3 or name), if known."""
    code = int(iso) if iso.isdigit() else _ISO3.get(iso3.upper())
    if code is None:
        code = next((c for c, e in _EXTENTS.items() if e[0].lower() == country.lower()), None)
    return _EXTENTS.get(code) if code is not None else None


def _actors(cells: list[str], columns: tuple[int, ...]) -> tuple[str, ...]:
    # Associated actors come ';'-separated in one cell; order kept, repeats dropped.
    names: dict[str, None] = {}
    for index in columns:
        text = cells[index]
        if ";" in text:
            for name in text.split(";"):
                if name := name.strip():
                    names[name] = None
        elif text := text.strip():
            names[text] = None
    return tuple(names)
