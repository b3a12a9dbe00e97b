"""What organisations notify, as pydantic models: static sites, movements and outcomes.

A notification is information, never a request for permission (:data:`NOTICE`). Nothing here
has an "approved" or "refused" state: a movement is notified, updated, withdrawn, and ends with
the outcome a coordinator records in the OCHA access categories.

Times: a time with a UTC offset (or ``Z``) is absolute; a time without one is local wall-clock
time in the document's ``timezone``, and is accepted only when ``timezone`` is written in the
document (a guessed zone would be a wrong answer). :meth:`MovementSpec.in_utc` and friends give
the same document with every time in UTC, which is what is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator, model_validator

from respite.errors import FieldProblem
from respite.pauses.model import Identifier, ObjectiveKind, Text
from respite.validation import Strict

#: Said in every answer about a notification, and on every page that shows them.
NOTICE = Text(
    en=(
        "This is a humanitarian notification, for information only. It is not a request for "
        "permission: nobody approves or refuses it here, and parties to the conflict remain "
        "bound by international humanitarian law whether or not they acknowledge it."
    ),
    ar=(
        "هذا إخطار إنساني للعلم فقط، وليس طلباً للإذن: لا أحد يوافق عليه أو يرفضه هنا، وتبقى "
        "أطراف النزاع ملزمة بالقانون الدولي الإنساني سواء أقرّت باستلامه أم لا."
    ),
)
#: The zone times are shown in when a document does not name one.
DEFAULT_TIMEZONE = "Asia/Gaza"

Name = Annotated[str, Field(min_length=1, max_length=300)]
Note = Annotated[str | None, Field(max_length=2000)]
Reference = Annotated[str | None, Field(min_length=1, max_length=80)]


class MovementObjective(StrEnum):
    AID_IN = "aid_in"
    PEOPLE_OUT = "people_out"
    MEDICAL = "medical"
    VACCINATION = "vaccination"
    OTHER = "other"


#: The pause objective each movement objective counts towards (per-pause progress).
OBJECTIVE_KINDS: dict[MovementObjective, tuple[ObjectiveKind, ...]] = {
    MovementObjective.AID_IN: (ObjectiveKind.AID_TRUCKS_IN, ObjectiveKind.FUEL_IN),
    MovementObjective.PEOPLE_OUT: (ObjectiveKind.PEOPLE_EVACUATED,),
    MovementObjective.MEDICAL: (ObjectiveKind.PATIENTS_TRANSFERRED,),
    MovementObjective.VACCINATION: (ObjectiveKind.CHILDREN_VACCINATED,),
    MovementObjective.OTHER: (),
}


class Area(StrEnum):
    """OCHA reports access north and south of Wadi Gaza."""

    NORTH = "north"
    SOUTH = "south"


class OutcomeCategory(StrEnum):
    """How a planned, coordinated mission ended (the OCHA access snapshot categories)."""

    FACILITATED = "facilitated"
    PARTIALLY_FACILITATED = "partially_facilitated"
    #: initially facilitated, then impeded
    IMPEDED = "impeded"
    DENIED = "denied"
    #: postponed or cancelled by the organisation
    CANCELLED = "cancelled"


class PublicRelease(StrEnum):
    NEVER = "never"
    #: published (without contacts, vehicles' plates or notes) once the outcome is recorded
    AFTER_COMPLETION = "after_completion"


def zone(name: str, location: str = "timezone") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FieldProblem(location, f"unknown time zone {name!r}") from None


def to_utc(value: datetime, tz: ZoneInfo) -> datetime:
    """Aware UTC; a naive value is local wall-clock time in ``tz`` (fold=0, as RFC 5545)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz, fold=0)
    return value.astimezone(UTC)


class _Timed(Strict):
    """A document whose naive times are local in its ``timezone`` (when that is written)."""

    timezone: str = DEFAULT_TIMEZONE

    def _times(self) -> dict[str, datetime]:
        """Every time in the document, by location (``departure.earliest``)."""
        found: dict[str, datetime] = {}
        _collect(self, "", found)
        return found

    @model_validator(mode="after")
    def _explicit_zone(self) -> Self:
        zone(self.timezone)
        if "timezone" not in self.model_fields_set:
            for location, value in self._times().items():
                if value.tzinfo is None:
                    raise FieldProblem(
                        location,
                        "add a UTC offset (e.g. +02:00 or Z), or write the document's "
                        "'timezone' so that local times can be read",
                    )
        return self

    def in_utc(self) -> Self:
        """The same document with every time in UTC (what is stored)."""
        converted: Self = _convert(self, zone(self.timezone))
        return converted


def _collect(model: BaseModel, prefix: str, found: dict[str, datetime]) -> None:
    for name in type(model).model_fields:
        value = getattr(model, name)
        where = f"{prefix}.{name}" if prefix else name
        if isinstance(value, datetime):
            found[where] = value
        elif isinstance(value, BaseModel):
            _collect(value, where, found)
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _collect(item, f"{where}[{index}]", found)


def _convert(model: Any, tz: ZoneInfo) -> Any:
    changes: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, datetime):
            changes[name] = to_utc(value, tz)
        elif isinstance(value, BaseModel):
            changes[name] = _convert(value, tz)
        elif isinstance(value, tuple) and any(isinstance(i, BaseModel) for i in value):
            changes[name] = tuple(_convert(i, tz) for i in value)
    return model.model_copy(update=changes)


# -- parts -------------------------------------------------------------------------------------


class Contact(Strict):
    name: Name
    phone: Annotated[str | None, Field(min_length=3, max_length=40)] = None
    email: Annotated[str | None, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] = None
    role: Annotated[str | None, Field(max_length=120)] = None

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if self.phone is None and self.email is None:
            raise FieldProblem("phone", "a contact needs a phone number or an email address")
        return self


def _position(value: Any) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ValueError("a position is [lon, lat]")
    lon, lat = (float(v) for v in value)
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        raise ValueError(f"[{lon}, {lat}] is not a [lon, lat] position (WGS84 degrees)")
    return lon, lat


class Point(Strict):
    lon: Annotated[float, Field(ge=-180, le=180)]
    lat: Annotated[float, Field(ge=-90, le=90)]


class RouteSpec(Strict):
    """Exactly one of: a GeoJSON ``line``, ``waypoints`` ([lon, lat] or a crossing's or
    place's name, joined by straight lines), or a shipped ``road`` with its ``direction``."""

    line: dict[str, Any] | None = None
    waypoints: Annotated[tuple[Any, ...] | None, Field(min_length=2, max_length=5000)] = None
    road: Annotated[str | None, Field(min_length=1, max_length=80)] = None
    #: direction of travel along the road: "south" or "north"
    direction: Literal["south", "north"] | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Self:
        given = [n for n in ("line", "waypoints", "road") if getattr(self, n) is not None]
        if len(given) != 1:
            raise FieldProblem("road", "give exactly one of line, waypoints or road")
        if self.road is None and self.direction is not None:
            raise FieldProblem("direction", "direction is for a road")
        if self.road is not None and self.direction is None:
            raise FieldProblem("direction", "say which way along the road: south or north")
        if self.line is not None:
            coordinates = self.line.get("coordinates")
            if self.line.get("type") != "LineString" or not isinstance(coordinates, list):
                raise FieldProblem("line", "a GeoJSON LineString is needed")
            if len(coordinates) < 2:
                raise FieldProblem("line", "a route needs at least two positions")
            for index, position in enumerate(coordinates):
                try:
                    _position(position)
                except (ValueError, TypeError) as error:
                    raise FieldProblem(f"line.coordinates[{index}]", str(error)) from None
        for index, point in enumerate(self.waypoints or ()):
            if isinstance(point, str):
                continue
            try:
                _position(point)
            except (ValueError, TypeError) as error:
                raise FieldProblem(f"waypoints[{index}]", str(error)) from None
        return self


class TimeWindow(Strict):
    earliest: datetime
    latest: datetime

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        naive = self.earliest.tzinfo is None, self.latest.tzinfo is None
        if naive[0] == naive[1] and self.latest < self.earliest:
            raise FieldProblem("latest", "latest must not be before earliest")
        return self


class Vehicle(Strict):
    kind: Literal["truck", "fuel_tanker", "ambulance", "bus", "car", "other"]
    count: Annotated[int, Field(ge=1, le=10_000)]
    plates: tuple[Annotated[str, Field(max_length=20)], ...] = ()


class Cargo(Strict):
    kind: Annotated[str, Field(min_length=1, max_length=120)]
    quantity: Annotated[float, Field(ge=0)]
    unit: Annotated[str, Field(min_length=1, max_length=40)]


# -- documents ---------------------------------------------------------------------------------


class MovementSpec(_Timed):
    """A planned movement (convoy, evacuation, medical transfer) as notified."""

    reference: Reference = None
    name: Name
    objective: MovementObjective
    route: RouteSpec
    departure: TimeWindow
    arrival: TimeWindow | None = None
    speed_kmh: Annotated[float | None, Field(gt=0, le=120)] = None
    travel_minutes: Annotated[float | None, Field(gt=0, le=7 * 24 * 60)] = None
    vehicles: Annotated[tuple[Vehicle, ...], Field(max_length=100)] = ()
    cargo: Annotated[tuple[Cargo, ...], Field(max_length=100)] = ()
    people: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    contacts: Annotated[tuple[Contact, ...], Field(min_length=1, max_length=20)]
    #: when the notification lapses; default: 12 hours after the planned arrival
    expires_at: datetime | None = None
    #: party organisations notified (ids); empty: every party organisation
    notify: tuple[int, ...] = ()
    #: the pause this movement is meant to use; else the pauses its route check finds
    pause_id: Identifier | None = None
    #: north or south of Wadi Gaza; else from the destination's governorate
    area: Area | None = None
    public_release: PublicRelease = PublicRelease.NEVER
    notes: Note = None

    @model_validator(mode="after")
    def _pace(self) -> Self:
        if self.speed_kmh is not None and self.travel_minutes is not None:
            raise FieldProblem("travel_minutes", "give speed_kmh or travel_minutes, not both")
        if self.speed_kmh is None and self.travel_minutes is None and self.arrival is None:
            raise FieldProblem(
                "travel_minutes",
                "give travel_minutes or speed_kmh (or an arrival window) so the trip's "
                "duration is known",
            )
        return self

    @property
    def trucks(self) -> int:
        return sum(v.count for v in self.vehicles if v.kind in ("truck", "fuel_tanker"))

    def travel_time(self, length_km: float) -> timedelta:
        """How long the trip takes: given, from the speed, or from the arrival window."""
        if self.travel_minutes is not None:
            return timedelta(minutes=self.travel_minutes)
        if self.speed_kmh is not None:
            return timedelta(hours=length_km / self.speed_kmh)
        assert self.arrival is not None
        return self.arrival.earliest - self.departure.earliest


class Delay(Strict):
    """Time a convoy waited at a holding point or checkpoint."""

    place: Name
    kind: Literal["holding_point", "checkpoint", "other"]
    start: datetime
    end: datetime
    note: Note = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if (self.start.tzinfo is None) == (self.end.tzinfo is None) and self.end <= self.start:
            raise FieldProblem("end", "end must be after start")
        return self


class Delivered(Strict):
    trucks: Annotated[int, Field(ge=0)] = 0
    people: Annotated[int, Field(ge=0)] = 0
    fuel_litres: Annotated[float, Field(ge=0)] = 0
    note: Note = None


class OutcomeSpec(_Timed):
    """What happened to a mission, as a coordinator records it (corrections: a new record)."""

    category: OutcomeCategory
    reason: Annotated[str | None, Field(min_length=1, max_length=2000)] = None
    departed_at: datetime | None = None
    arrived_at: datetime | None = None
    delays: Annotated[tuple[Delay, ...], Field(max_length=50)] = ()
    delivered: Delivered = Delivered()
    note: Note = None

    @model_validator(mode="after")
    def _explained(self) -> Self:
        if self.category is not OutcomeCategory.FACILITATED and self.reason is None:
            raise FieldProblem("reason", f"say why the mission was {self.category.value}")
        return self


class Withdrawal(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class Acknowledgement(Strict):
    note: Note = None

    @field_validator("note")
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return value or None
