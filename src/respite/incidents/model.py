"""A field report as a client sends it, and the :class:`IncidentRecord` it becomes.

Time is either ``occurred_at`` (with a UTC offset, read to the minute) give or take
``uncertainty_minutes``, which becomes the span ``[at - u, at + 1 min + u)`` with precision
``minute``; or an explicit ``occurred_from`` / ``occurred_until`` (precision ``span``). Place is
a GPS fix ``lon``/``lat`` with ``radius_m`` (default 0): precision ``exact``. A time without a
UTC offset is refused: the zone would be a guess.

The report's own wording of the time and the injured count have no place of their own in the
record, so they are kept in its ``attributes`` (as every reader keeps its source's columns);
a correction merges the changed fields over the stored report rebuilt from them.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Self

from pydantic import Field, ValidationError, model_validator

from respite.errors import FieldProblem, InvalidInput
from respite.events.record import GeoPrecision, IncidentRecord, IncidentSource, TimePrecision
from respite.incidents.tables import Visibility
from respite.validation import Strict, problems_from_pydantic

#: Time fields: a correction that sends any of them replaces the report's whole time.
TIME_FIELDS = ("occurred_at", "uncertainty_minutes", "occurred_from", "occurred_until")
#: Record attributes a field report keeps (see the module).
KEPT = ("occurred_at", "uncertainty_minutes", "injured")
MAX_RADIUS_M = 100_000.0
MAX_SPAN = timedelta(days=31)

Actor = Annotated[str, Field(min_length=1, max_length=200)]
ShortText = Annotated[str | None, Field(default=None, min_length=1, max_length=200)]


class FieldReport(Strict):
    """One incident reported from the field."""

    #: the organisation's own reference (unique within it); generated when not given
    reference: ShortText = None
    occurred_at: datetime | None = None
    uncertainty_minutes: Annotated[int, Field(ge=0, le=7 * 24 * 60)] = 0
    occurred_from: datetime | None = None
    occurred_until: datetime | None = None
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
    radius_m: Annotated[float, Field(ge=0, le=MAX_RADIUS_M, allow_inf_nan=False)] = 0.0
    event_type: Annotated[str, Field(min_length=1, max_length=200)]
    sub_event_type: ShortText = None
    fatalities: Annotated[int | None, Field(ge=0, le=1_000_000)] = None
    injured: Annotated[int | None, Field(ge=0, le=1_000_000)] = None
    location: Annotated[str | None, Field(min_length=1, max_length=500)] = None
    actors: Annotated[
        tuple[Annotated[str, Field(min_length=1, max_length=200)], ...], Field(max_length=20)
    ] = ()
    notes: Annotated[str | None, Field(max_length=5000)] = None
    reported_by: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    visibility: Visibility = Visibility.ORGANISATION

    @model_validator(mode="after")
    def _one_time(self) -> Self:
        span = self.occurred_from is not None or self.occurred_until is not None
        if self.occurred_at is None and not span:
            raise FieldProblem(
                "occurred_at",
                "give occurred_at (with uncertainty_minutes) or occurred_from and occurred_until",
            )
        if self.occurred_at is not None and span:
            raise FieldProblem("occurred_from", "give occurred_at or a span, not both")
        for name in ("occurred_at", "occurred_from", "occurred_until"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise FieldProblem(name, "add a UTC offset (e.g. +03:00 or Z)")
        if span:
            if self.occurred_from is None or self.occurred_until is None:
                missing = "occurred_from" if self.occurred_from is None else "occurred_until"
                raise FieldProblem(missing, "a span needs both occurred_from and occurred_until")
            if self.uncertainty_minutes:
                raise FieldProblem("uncertainty_minutes", "uncertainty is for occurred_at")
            if self.occurred_until <= self.occurred_from:
                raise FieldProblem("occurred_until", "must be after occurred_from")
            if self.occurred_until - self.occurred_from > MAX_SPAN:
                raise FieldProblem("occurred_until", f"a span covers at most {MAX_SPAN.days} days")
        return self

    def span(self) -> tuple[int, int, TimePrecision]:
        """``[from, until)`` in UTC seconds and the precision it was given with."""
        if self.occurred_at is not None:
            at = int(self.occurred_at.astimezone(UTC).timestamp()) // 60 * 60
            uncertainty = self.uncertainty_minutes * 60
            return at - uncertainty, at + 60 + uncertainty, TimePrecision.MINUTE
        assert self.occurred_from is not None and self.occurred_until is not None
        start = int(self.occurred_from.astimezone(UTC).timestamp())
        return start, int(self.occurred_until.astimezone(UTC).timestamp()), TimePrecision.SPAN

    def to_record(self, source_key: str) -> IncidentRecord:
        start, until, precision = self.span()
        kept: dict[str, str] = {}
        if self.occurred_at is not None:
            kept["occurred_at"] = self.occurred_at.isoformat()
            kept["uncertainty_minutes"] = str(self.uncertainty_minutes)
        if self.injured is not None:
            kept["injured"] = str(self.injured)
        return IncidentRecord(
            source=IncidentSource.FIELD,
            source_key=source_key,
            occurred_from=start,
            occurred_until=until,
            time_precision=precision,
            lon=self.lon,
            lat=self.lat,
            radius_m=self.radius_m,
            geo_precision=GeoPrecision.EXACT,
            event_type=self.event_type,
            sub_event_type=self.sub_event_type,
            fatalities=self.fatalities,
            location=self.location,
            actors=self.actors,
            notes=self.notes,
            reported_by=self.reported_by,
            attributes=kept,
        )


def new_reference() -> str:
    return f"fr-{secrets.token_hex(6)}"


def parse_report(body: dict[str, Any]) -> FieldReport:
    """``body`` as a report; every problem named by its field."""
    try:
        return FieldReport.model_validate(body)
    except ValidationError as error:
        raise InvalidInput(problems_from_pydantic(error)) from None


def report_document(record: IncidentRecord, visibility: Visibility) -> dict[str, Any]:
    """The stored report as the client would send it again (the base a correction merges
    over)."""
    kept = record.attributes
    document: dict[str, Any] = {
        "reference": record.source_key,
        "lon": record.lon,
        "lat": record.lat,
        "radius_m": record.radius_m,
        "event_type": record.event_type,
        "sub_event_type": record.sub_event_type,
        "fatalities": record.fatalities,
        "location": record.location,
        "actors": list(record.actors),
        "notes": record.notes,
        "reported_by": record.reported_by,
        "visibility": visibility.value,
    }
    if "injured" in kept:
        document["injured"] = int(kept["injured"])
    if "occurred_at" in kept:
        document["occurred_at"] = kept["occurred_at"]
        document["uncertainty_minutes"] = int(kept.get("uncertainty_minutes", "0"))
    else:
        document["occurred_from"] = _iso(record.occurred_from)
        document["occurred_until"] = _iso(record.occurred_until)
    return document


def corrected(
    record: IncidentRecord, visibility: Visibility, changes: dict[str, Any]
) -> FieldReport:
    """The report with ``changes`` applied; ``null`` clears an optional field."""
    if "reference" in changes and changes["reference"] != record.source_key:
        raise InvalidInput("the reference of a report cannot change", location="reference")
    document = report_document(record, visibility)
    if any(name in changes for name in TIME_FIELDS):
        for name in TIME_FIELDS:
            document.pop(name, None)
    document.update(changes)
    return parse_report({k: v for k, v in document.items() if v is not None})


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")
