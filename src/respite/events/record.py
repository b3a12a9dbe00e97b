"""One incident, as every reader produces it and the store keeps it.

Time and place are always *spans*, never points: ``[occurred_from, occurred_until)`` in UTC
seconds and a disc of ``radius_m`` metres around ``(lon, lat)``. A report timed to the second
at a GPS fix is a one-second span with radius 0; an ACLED event dated to a day at a town's
coordinates is a whole local day with the town radius. The precision labels say where the span
came from, so a reader of the report can check it by hand.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from enum import StrEnum

from respite.errors import Problem


class IncidentSource(StrEnum):
    FIELD = "field"  # a report entered through the API or CLI
    ACLED = "acled"  # an ACLED export (CSV)
    CSV = "csv"  # any CSV, through a column mapping
    GEOJSON = "geojson"  # GeoJSON features (FeatureCollection or RFC 8142 text sequence)


class TimePrecision(StrEnum):
    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"  # ACLED time_precision 1
    WEEK = "week"  # ACLED time_precision 2
    MONTH = "month"  # ACLED time_precision 3
    SPAN = "span"  # an explicit from/until given by the source


class GeoPrecision(StrEnum):
    EXACT = "exact"  # a fix with an explicit radius (possibly 0)
    TOWN = "town"  # ACLED geo_precision 1
    NEAR_TOWN = "near_town"  # ACLED geo_precision 2
    REGION = "region"  # ACLED geo_precision 3


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """An event in time and space with its uncertainty, type, casualties and provenance."""

    source: IncidentSource
    #: Stable id within the source (ACLED ``event_id_cnty``; a mapped id column; a feature id).
    #: Re-importing a row with the same key and digest changes nothing.
    source_key: str
    occurred_from: int  # UTC seconds, inclusive
    occurred_until: int  # UTC seconds, exclusive, > occurred_from
    time_precision: TimePrecision
    lon: float
    lat: float
    radius_m: float  # >= 0
    geo_precision: GeoPrecision
    event_type: str
    sub_event_type: str | None = None
    fatalities: int | None = None  # None: not reported (not zero)
    location: str | None = None
    actors: tuple[str, ...] = ()
    notes: str | None = None
    #: Who reported it (ACLED's ``source`` column, a field team, a newspaper).
    reported_by: str | None = None
    #: Every original column/property, as text, so nothing of the source is lost.
    attributes: dict[str, str] = field(default_factory=dict)

    def digest(self) -> str:
        """SHA-256 of the canonical content: equal digests mean an identical record."""
        # Not dataclasses.asdict: its deep copy of the attributes was half of an import's time.
        content: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        content["actors"] = list(self.actors)
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """What a reader made of one row or feature: a record, or the problems that stopped it.

    ``location`` is where the row is, as the problems name it (``row[12]`` for the twelfth row
    as a spreadsheet numbers it, header = row 1; ``features[3]`` for GeoJSON); every problem's
    location starts with it (``row[12].event_date``).
    """

    location: str
    record: IncidentRecord | None
    problems: tuple[Problem, ...] = ()
