"""Any CSV of incidents, through a column mapping that says which column gives which field.

A mapping is written as ``target=Source Column`` pairs (the CLI's ``--map`` options)::

    id=Report ID  occurred_at=Date Time  lat=Latitude  lon=Longitude  radius_m=500
    event_type=Category  fatalities=Killed  actors=Actor A  actors=Actor B

Time comes from exactly one of: ``occurred_at`` (ISO 8601 date-time, with a UTC offset or read
in the reader's ``timezone``; or a date alone), ``date`` with an optional ``time`` column
(``HH:MM[:SS]`` in ``timezone``), or ``occurred_from`` + ``occurred_until`` (a span; a date
alone in ``occurred_until`` means the end of that local day). ``time_precision`` (a column or
a fixed ``second``/``minute``/``hour``/``day``/``week``/``month`` or ACLED code 1-3) widens a
moment to its unit; without it the unit is what the text shows (``10:00`` is a minute, a date
a day). The place's uncertainty comes from ``radius_m`` (a column or fixed metres) and/or
``geo_precision`` (a column or fixed ``town``/``near_town``/``region``/``exact`` or 1-3, whose
radius the :class:`PrecisionPolicy` gives); one of them is required.

Text targets (``event_type``, ``sub_event_type``, ``location``, ``notes``, ``reported_by``)
take a fixed text as ``value:TEXT``; ``column:NAME`` forces a column whose name looks like a
literal (``radius_m=column:500``). Without ``id`` the key is a digest of the row's cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import TextIO
from zoneinfo import ZoneInfo

from respite.errors import InvalidInput, Problem
from respite.events._read import (
    CsvInput,
    KeySet,
    check,
    count,
    digest_key,
    metres,
    normalise,
    number,
)
from respite.events._read_dates import DayReader, edge, moment_span, read_clock, read_moment
from respite.events._read_mapping import Column, ColumnMapping, Fixed, Source
from respite.events.precision import PrecisionPolicy, geo_precision_of, time_precision_of, zone_of
from respite.events.record import (
    GeoPrecision,
    IncidentRecord,
    IncidentSource,
    ParsedRow,
    TimePrecision,
)

__all__ = ["Column", "ColumnMapping", "Fixed", "read_mapped_csv"]


def read_mapped_csv(
    stream: TextIO,
    mapping: ColumnMapping,
    *,
    timezone: str,
    policy: PrecisionPolicy | None = None,
) -> Iterator[ParsedRow]:
    """One :class:`ParsedRow` per data row; the header is checked against ``mapping`` at once."""
    zone = zone_of(timezone)
    wanted = mapping.columns()
    source = CsvInput(stream, wanted)
    positions: dict[str, int] = {}
    for index, name in enumerate(source.header):
        positions.setdefault(name, index)
    loose: dict[str, list[int]] = {}
    for index, name in enumerate(source.header):
        loose.setdefault(normalise(name), []).append(index)
    for name in wanted:
        # "latitude" for a "Latitude" column is meant, as long as only one column matches.
        if name not in positions and len(loose.get(normalise(name), ())) == 1:
            positions[name] = loose[normalise(name)][0]
    missing = [
        Problem(f"mapping.{target}", f"column {name!r} is not in the header ({source.header})")
        for name, target in wanted.items()
        if name not in positions
    ]
    if missing:
        raise InvalidInput(missing)
    return _rows(source, mapping, positions, zone, policy or PrecisionPolicy())


def _rows(
    source: CsvInput,
    mapping: ColumnMapping,
    positions: dict[str, int],
    zone: ZoneInfo,
    policy: PrecisionPolicy,
) -> Iterator[ParsedRow]:
    seen = KeySet()
    days = DayReader()
    width = len(source.header)
    for row, cells, unreadable in source.records():
        where = f"row[{row}]"
        if cells is None or len(cells) != width:
            why = unreadable or f"has {len(cells or ())} cells but the header has {width}"
            yield ParsedRow(where, None, (Problem(where, why),))
            continue
        reader = _Row(where, row, cells, positions, mapping)
        yield reader.parse(source.header, zone, policy, seen, days)


class _Row:
    def __init__(
        self,
        where: str,
        row: int,
        cells: list[str],
        positions: dict[str, int],
        mapping: ColumnMapping,
    ) -> None:
        self.where, self.row, self.cells = where, row, cells
        self.positions, self.mapping = positions, mapping
        self.problems: list[Problem] = []

    def text(self, source: Source | str | None) -> str:
        if source is None:
            return ""
        if isinstance(source, Fixed):
            return source.value.strip()
        name = source.name if isinstance(source, Column) else source
        return self.cells[self.positions[name]].strip()

    def at(self, target: str) -> str:
        source = getattr(self.mapping, target)
        name = source.name if isinstance(source, Column) else source
        return f"{self.where}.{name}" if isinstance(name, str) else f"{self.where}.{target}"

    def parse(
        self,
        header: list[str],
        zone: ZoneInfo,
        policy: PrecisionPolicy,
        seen: KeySet,
        days: DayReader,
    ) -> ParsedRow:
        m, problems = self.mapping, self.problems
        key = self.text(m.key) if m.key else digest_key(zip(header, self.cells, strict=True))
        if not key:
            problems.append(Problem(self.at("key"), "is empty: every incident needs its id"))
        elif not seen.add(key):
            # A digest key repeats when the whole row does: then the row is the location.
            where = self.at("key") if m.key else self.where
            problems.append(Problem(where, f"{key!r} already appears in an earlier row"))
        span = self.span(zone, policy, days)
        lat = check(problems, self.at("lat"), number, self.text(m.lat))
        lon = check(problems, self.at("lon"), number, self.text(m.lon))
        if lat is not None and not -90 <= lat <= 90:
            problems.append(Problem(self.at("lat"), f"{lat} is outside -90..90"))
        if lon is not None and not -180 <= lon <= 180:
            problems.append(Problem(self.at("lon"), f"{lon} is outside -180..180"))
        place = self.uncertainty(policy)
        fatalities = check(problems, self.at("fatalities"), count, self.text(m.fatalities))
        event_type = self.text(m.event_type)
        if not event_type:
            problems.append(Problem(self.at("event_type"), "is empty: every incident needs a type"))
        if problems:
            return ParsedRow(self.where, None, tuple(problems))
        assert span is not None and place is not None and lat is not None and lon is not None
        actors = (name.strip() for column in m.actors for name in self.text(column).split(";"))
        return ParsedRow(
            self.where,
            IncidentRecord(
                source=IncidentSource.CSV,
                source_key=key,
                occurred_from=span[0],
                occurred_until=span[1],
                time_precision=span[2],
                lon=lon,
                lat=lat,
                radius_m=place[1],
                geo_precision=place[0],
                event_type=event_type,
                sub_event_type=self.text(m.sub_event_type) or None,
                fatalities=fatalities,
                location=self.text(m.location) or None,
                actors=tuple(dict.fromkeys(a for a in actors if a)),
                notes=self.text(m.notes) or None,
                reported_by=self.text(m.reported_by) or None,
                attributes=dict(zip(header, self.cells, strict=True)),
            ),
        )

    def span(
        self, zone: ZoneInfo, policy: PrecisionPolicy, days: DayReader
    ) -> tuple[int, int, TimePrecision] | None:
        m, problems = self.mapping, self.problems
        if m.occurred_from and m.occurred_until:
            lo = check(problems, self.at("occurred_from"), edge, self.text(m.occurred_from), zone)
            hi = check(
                problems, self.at("occurred_until"), edge, self.text(m.occurred_until), zone, True
            )
            if lo is None or hi is None:
                return None
            if hi <= lo:
                problems.append(Problem(self.at("occurred_until"), "is not after occurred_from"))
                return None
            return lo, hi, TimePrecision.SPAN
        stated = None
        if self.text(m.time_precision):
            stated = check(
                problems, self.at("time_precision"), time_precision_of, self.text(m.time_precision)
            )
            if stated is None:
                return None
        if m.occurred_at:
            found = check(
                problems, self.at("occurred_at"), read_moment, self.text(m.occurred_at), zone
            )
            where = self.at("occurred_at")
        else:
            where = self.at("date")
            day = check(problems, where, days, self.text(m.date), self.row)
            clock = self.text(m.time)
            if day is None:
                return None
            if clock:
                found = check(problems, self.at("time"), read_clock, day, clock, zone)
            else:
                found = (datetime.combine(day, time(0), tzinfo=zone), TimePrecision.DAY)
        if found is None:
            return None
        moment, shown = found
        where = self.at("time_precision") if stated else where
        return check(problems, where, moment_span, moment, shown, stated, zone, policy)

    def uncertainty(self, policy: PrecisionPolicy) -> tuple[GeoPrecision, float] | None:
        """The label and radius; an empty radius cell falls back to the geo precision's."""
        m, problems = self.mapping, self.problems
        label_text, radius_text = self.text(m.geo_precision), self.text(m.radius_m)
        label = None
        if label_text:
            label = check(problems, self.at("geo_precision"), geo_precision_of, label_text)
            if label is None:
                return None
        if radius_text:
            radius = check(problems, self.at("radius_m"), metres, radius_text)
            return None if radius is None else (label or GeoPrecision.EXACT, radius)
        if label is None:
            target = "radius_m" if m.radius_m is not None else "geo_precision"
            problems.append(Problem(self.at(target), "is empty: the place needs its uncertainty"))
            return None
        return check(problems, self.at("geo_precision"), policy.radius, label)
