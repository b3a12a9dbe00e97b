"""Incidents as JSON-ready dicts and one-line texts (no web, no database access).

Times are UTC seconds inside; every answer gives them in UTC (``...Z``) and in the zone asked
for (default Asia/Gaza), with the zone named, and a sentence a person can check by hand
(``Mon 2024-09-02 10:00-10:01 (Asia/Gaza, UTC+03:00)``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from respite.errors import InvalidInput
from respite.incidents.convert import record_of
from respite.incidents.tables import ImportRunRow, IncidentRow, IncidentVersionRow
from respite.incidents.visibility import Sight
from respite.movements.present import iso, span_text

DEFAULT_TIMEZONE = "Asia/Gaza"


def checked_zone(name: str, location: str = "tz") -> str:
    """``name`` if it is an IANA zone; else InvalidInput naming ``location``."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone {name!r}", location=location) from None
    return name


def moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def occurred(start: int, until: int, precision: str, tz: str) -> dict[str, Any]:
    zone = ZoneInfo(tz)
    return {
        "from": iso(moment(start)),
        "until": iso(moment(until)),
        "from_local": moment(start).astimezone(zone).isoformat(),
        "until_local": moment(until).astimezone(zone).isoformat(),
        "precision": precision,
        "text": span_text(moment(start), moment(until), tz),
    }


def incident_view(row: IncidentRow, seen: Sight, tz: str = DEFAULT_TIMEZONE) -> dict[str, Any]:
    """An incident as the API answers it; ``Sight.PUBLIC`` leaves out who reported it, the
    notes and the source's own columns."""
    record = record_of(row)
    injured = record.attributes.get("injured")
    view: dict[str, Any] = {
        "id": row.id,
        "version": row.current_version,
        "source": row.source.value,
        "dataset": row.dataset,
        "source_key": row.source_key,
        "visibility": row.visibility.value,
        "review_state": row.review_state.value,
        "duplicate_of": row.duplicate_of,
        "timezone": tz,
        "occurred": occurred(
            record.occurred_from, record.occurred_until, record.time_precision.value, tz
        ),
        "place": {
            "lon": record.lon,
            "lat": record.lat,
            "radius_m": record.radius_m,
            "precision": record.geo_precision.value,
            "location": record.location,
        },
        "event_type": record.event_type,
        "sub_event_type": record.sub_event_type,
        "fatalities": record.fatalities,
        "injured": None if injured is None else int(injured),
        "actors": list(record.actors),
        "digest": row.digest,
        "updated_at": iso(row.updated_at),
        "links": {"self": f"/v1/incidents/{row.id}"},
    }
    if seen is Sight.FULL:
        view |= {
            "owner_organisation_id": row.owner_organisation_id,
            "reported_by": record.reported_by,
            "notes": record.notes,
            "attributes": dict(record.attributes),
            "created_at": iso(row.created_at),
        }
        view["links"]["versions"] = f"/v1/incidents/{row.id}/versions"
    return view


def version_view(version: IncidentVersionRow, tz: str = DEFAULT_TIMEZONE) -> dict[str, Any]:
    document = version.document
    return {
        "version": version.version,
        "action": version.action.value,
        "review_state": version.review_state.value,
        "duplicate_of": version.duplicate_of,
        "visibility": version.visibility.value,
        "note": version.note,
        "import_run_id": version.import_run_id,
        "recorded_at": iso(version.recorded_at),
        "recorded_by": version.recorded_by,
        "digest": version.digest,
        "occurred": occurred(
            int(document["occurred_from"]),
            int(document["occurred_until"]),
            str(document["time_precision"]),
            tz,
        ),
        "document": document,
    }


def run_view(run: ImportRunRow) -> dict[str, Any]:
    return {
        "id": run.id,
        "source": run.source.value,
        "dataset": run.dataset,
        "state": run.state.value,
        "owner_organisation_id": run.owner_organisation_id,
        "visibility": run.visibility.value,
        "review_state": run.review_state.value,
        "file_name": run.file_name,
        "file_sha256": run.file_sha256,
        "options": run.options,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "started_by": run.started_by,
        "counts": {
            "read": run.rows_read,
            "inserted": run.inserted,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
        },
        "problems": run.problems,
        "problems_kept": len(run.problems),
        "failure": run.failure,
    }


def incident_line(row: IncidentRow, tz: str = DEFAULT_TIMEZONE) -> str:
    """``inc-...  verified  public  Mon 2024-09-02 10:00-10:01 (Asia/Gaza, UTC+03:00)  ...``"""
    when = span_text(moment(row.occurred_from), moment(row.occurred_until), tz)
    deaths = "?" if row.fatalities is None else str(row.fatalities)
    return (
        f"{row.id}  {row.review_state.value:<9} {row.visibility.value:<12} {when}  "
        f"{row.lat:.5f},{row.lon:.5f} r={row.radius_m:g}m  {row.event_type}  "
        f"fatalities={deaths}  [{row.source.value} {row.dataset}:{row.source_key}]"
    )
