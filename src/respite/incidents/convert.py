"""An :class:`IncidentRecord` as stored: table columns, a version's JSON document, and back.

Both directions are exact (floats are stored as doubles, attributes as JSON), so the digest of
a record read back from the store equals the digest it was stored with; a test holds that.
:func:`store_problems` checks what the tables require before anything is written, so a bad
record is a named problem and never a database error halfway through a batch.
"""

from __future__ import annotations

import math
from typing import Any

from respite.errors import Problem
from respite.events.record import GeoPrecision, IncidentRecord, IncidentSource, TimePrecision
from respite.incidents.tables import KEY_LENGTH, TYPE_LENGTH, IncidentRow

#: The record fields that are columns of ``incidents`` under the same name.
FIELDS = (
    "source",
    "source_key",
    "occurred_from",
    "occurred_until",
    "time_precision",
    "lon",
    "lat",
    "radius_m",
    "geo_precision",
    "event_type",
    "sub_event_type",
    "fatalities",
    "location",
    "actors",
    "notes",
    "reported_by",
    "attributes",
)
_TEXTS = ("source_key", "event_type", "sub_event_type", "location", "notes", "reported_by")
#: Seconds beyond which a BIGINT of UTC seconds is no longer a plausible date (year 9999).
MAX_SECONDS = 253_402_300_799


def record_json(record: IncidentRecord) -> dict[str, Any]:
    """The record as a JSON object (enums as their values, actors as a list)."""
    return {
        "source": record.source.value,
        "source_key": record.source_key,
        "occurred_from": record.occurred_from,
        "occurred_until": record.occurred_until,
        "time_precision": record.time_precision.value,
        "lon": record.lon,
        "lat": record.lat,
        "radius_m": record.radius_m,
        "geo_precision": record.geo_precision.value,
        "event_type": record.event_type,
        "sub_event_type": record.sub_event_type,
        "fatalities": record.fatalities,
        "location": record.location,
        "actors": list(record.actors),
        "notes": record.notes,
        "reported_by": record.reported_by,
        "attributes": dict(record.attributes),
    }


def record_from_json(document: dict[str, Any]) -> IncidentRecord:
    return IncidentRecord(
        source=IncidentSource(document["source"]),
        source_key=str(document["source_key"]),
        occurred_from=int(document["occurred_from"]),
        occurred_until=int(document["occurred_until"]),
        time_precision=TimePrecision(document["time_precision"]),
        lon=float(document["lon"]),
        lat=float(document["lat"]),
        radius_m=float(document["radius_m"]),
        geo_precision=GeoPrecision(document["geo_precision"]),
        event_type=str(document["event_type"]),
        sub_event_type=document.get("sub_event_type"),
        fatalities=document.get("fatalities"),
        location=document.get("location"),
        actors=tuple(document.get("actors") or ()),
        notes=document.get("notes"),
        reported_by=document.get("reported_by"),
        attributes=dict(document.get("attributes") or {}),
    )


def record_columns(record: IncidentRecord, known_digest: str | None = None) -> dict[str, Any]:
    """The ``incidents`` column values of the record's content and its digest (pass the
    digest when it is known: it is the costly part)."""
    values = {name: getattr(record, name) for name in FIELDS}
    values["actors"] = list(record.actors)
    values["attributes"] = dict(record.attributes)
    values["digest"] = known_digest or record.digest()
    return values


def record_of(row: IncidentRow) -> IncidentRecord:
    """The stored incident's content as a record."""
    return IncidentRecord(
        source=row.source,
        source_key=row.source_key,
        occurred_from=int(row.occurred_from),
        occurred_until=int(row.occurred_until),
        time_precision=row.time_precision,
        lon=float(row.lon),
        lat=float(row.lat),
        radius_m=float(row.radius_m),
        geo_precision=row.geo_precision,
        event_type=row.event_type,
        sub_event_type=row.sub_event_type,
        fatalities=row.fatalities,
        location=row.location,
        actors=tuple(row.actors or ()),
        notes=row.notes,
        reported_by=row.reported_by,
        attributes=dict(row.attributes or {}),
    )


def store_problems(record: IncidentRecord, where: str) -> list[Problem]:
    """What would stop the record from being stored, each problem at ``where.<field>``."""
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(f"{where}.{field}" if where else field, message))

    if not record.source_key.strip():
        bad("source_key", "the incident has no key (id) in its source")
    elif len(record.source_key) > KEY_LENGTH:
        bad("source_key", f"longer than {KEY_LENGTH} characters")
    if not -MAX_SECONDS <= record.occurred_from < record.occurred_until <= MAX_SECONDS:
        bad("occurred_until", "the time span must end after it starts (UTC seconds)")
    for field, low, high in (("lon", -180.0, 180.0), ("lat", -90.0, 90.0)):
        value = getattr(record, field)
        if not (math.isfinite(value) and low <= value <= high):
            bad(field, f"must be a number within {low:g}..{high:g}")
    if not (math.isfinite(record.radius_m) and record.radius_m >= 0):
        bad("radius_m", "must be a number of metres, 0 or more")
    if not record.event_type.strip():
        bad("event_type", "the incident has no event type")
    for field in ("event_type", "sub_event_type"):
        value = getattr(record, field)
        if value is not None and len(value) > TYPE_LENGTH:
            bad(field, f"longer than {TYPE_LENGTH} characters")
    if record.fatalities is not None and record.fatalities < 0:
        bad("fatalities", "must not be negative (leave it empty when not reported)")
    texts = [(name, getattr(record, name) or "") for name in _TEXTS]
    texts += [("actors", actor) for actor in record.actors]
    texts += [(f"attributes.{k}", f"{k}{v}") for k, v in record.attributes.items()]
    if _text_problem("".join(value for _, value in texts)):  # one check for the usual case
        problems += [
            Problem(f"{where}.{field}" if where else field, problem)
            for field, value in texts
            if (problem := _text_problem(value))
        ]
    return problems


def _text_problem(value: str) -> str | None:
    if "\x00" in value:
        # PostgreSQL text cannot hold NUL; it is never meaningful in a report anyway.
        return "holds a NUL character (\\x00)"
    try:
        value.encode()
    except UnicodeEncodeError:
        # A lone surrogate, as a JSON "\\ud800" escape gives: not text, and not hashable.
        return "is not valid Unicode text (a lone surrogate)"
    return None
