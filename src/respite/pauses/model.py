"""The pause file format, as pydantic models (what a coordinator writes by hand).

A file holds ``format: respite-pauses/1`` and a list of ``pauses``. Each pause is its *first
announcement* plus an ordered list of ``amendments``; version 1 is the announcement and
amendment ``k`` creates version ``k + 1``. The resolved, machine-usable form (shapely zones,
expanded windows) lives in :mod:`respite.pauses.resolve`; these models only check shape and
spelling so that every mistake can be reported with its location.

Times without an offset are local wall-clock times in the pause's ``timezone``; times with an
offset (or ``Z``) are absolute. Stored and exported times are always UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    HttpUrl,
    model_validator,
)

from respite.errors import FieldProblem
from respite.validation import Strict

FORMAT_ID = "respite-pauses/1"

# Fields named `date` would shadow the type inside their class body.
CalendarDate = date

_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,79}$"
Identifier = Annotated[str, Field(pattern=_ID_PATTERN, description="lower-case slug")]


class PauseKind(StrEnum):
    """What sort of cessation this is; a general ceasefire is kept for contrast."""

    HUMANITARIAN_PAUSE = "humanitarian_pause"
    TACTICAL_PAUSE = "tactical_pause"
    CORRIDOR = "corridor"
    TRUCE = "truce"
    GENERAL_CEASEFIRE = "general_ceasefire"


class PauseStatus(StrEnum):
    """The recorded status of a version (whether a window is open *now* is derived)."""

    DRAFT = "draft"
    ANNOUNCED = "announced"
    SUSPENDED = "suspended"
    ENDED = "ended"
    CANCELLED = "cancelled"


class AmendmentAction(StrEnum):
    EXTEND = "extend"
    SHORTEN = "shorten"
    SUSPEND = "suspend"
    RESUME = "resume"
    END = "end"
    CANCEL = "cancel"
    REPLACE_PARTS = "replace_parts"


class ObjectiveKind(StrEnum):
    AID_TRUCKS_IN = "aid_trucks_in"
    FUEL_IN = "fuel_in"
    PEOPLE_EVACUATED = "people_evacuated"
    PATIENTS_TRANSFERRED = "patients_transferred"
    CHILDREN_VACCINATED = "children_vaccinated"
    HOSTAGES_RELEASED = "hostages_released"
    DETAINEES_RELEASED = "detainees_released"
    OTHER = "other"


class Text(Strict):
    """A text in English and (where known) Arabic."""

    en: Annotated[str, Field(min_length=1, max_length=2000)]
    ar: Annotated[str | None, Field(default=None, min_length=1, max_length=2000)] = None


class Source(Strict):
    """Where a fact comes from; every pause and amendment cites one."""

    title: Annotated[str, Field(min_length=1, max_length=500)]
    publisher: str | None = None
    url: HttpUrl | None = None
    date: CalendarDate | None = None
    note: str | None = None


# -- times -------------------------------------------------------------------------------------

_DURATION = re.compile(
    r"^(?:P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?"
    r"|(?:(?P<hh>\d+)h)?\s*(?:(?P<mm>\d+)m(?:in)?)?)$"
)


def parse_duration(value: object) -> timedelta:
    """``PT4H``, ``P1DT2H``, ``4h``, ``90m``, ``4h30m`` or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a duration such as 'PT4H' or '4h'")
    match = _DURATION.match(value.strip())
    if match is None or not any(match.groupdict().values()):
        raise ValueError(f"{value!r} is not a duration; write e.g. 'PT4H', '9h' or '90m'")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    return timedelta(
        days=parts.get("d", 0),
        hours=parts.get("h", 0) + parts.get("hh", 0),
        minutes=parts.get("m", 0) + parts.get("mm", 0),
        seconds=parts.get("s", 0),
    )


def _positive_duration(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("duration must be longer than zero")
    if value > timedelta(days=7):
        raise ValueError("duration longer than 7 days; use a one-off window instead")
    return value


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    AfterValidator(_positive_duration),
    Field(json_schema_extra={"type": "string", "examples": ["PT4H", "9h"]}),
]


def _wall_clock(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hours, minutes = value.strip().split(":")
        return time(int(hours), int(minutes))
    # YAML 1.1 reads an unquoted 10:00 as the sexagesimal integer 600 (minutes).
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)
    return value


WallClock = Annotated[time, BeforeValidator(_wall_clock)]


class WindowSpec(Strict):
    """A time window: one-off (``start``/``end``) or recurring (``start_time`` + ``rrule``).

    One-off: ``start`` and ``end`` date-times; ``end: null`` or ``until_further_notice: true``
    for an open end. Recurring: ``start_time`` (local wall clock), ``duration`` (exact, as in
    RFC 5545 DURATION) or ``end_time`` (same or next day), ``first_date``, ``rrule`` (subset of
    RFC 5545: FREQ=DAILY|WEEKLY, INTERVAL, BYDAY, COUNT, UNTIL; no COUNT/UNTIL means until
    further notice), ``exdates`` (local dates to skip).
    """

    start: datetime | None = None
    end: datetime | None = None
    until_further_notice: bool = False
    start_time: WallClock | None = None
    end_time: WallClock | None = None
    duration: Duration | None = None
    first_date: date | None = None
    rrule: Annotated[str | None, Field(max_length=300)] = None
    exdates: tuple[date, ...] = ()
    timezone: str | None = None
    note: str | None = None

    @property
    def is_recurring(self) -> bool:
        return self.start_time is not None

    @model_validator(mode="after")
    def _one_shape(self) -> Self:
        if self.start is not None and self.start_time is not None:
            raise ValueError("give either start/end (one-off) or start_time (recurring), not both")
        if self.start is None and self.start_time is None:
            raise ValueError("a window needs 'start' (one-off) or 'start_time' (recurring)")
        problem = self._one_off_problem() if self.start is not None else self._recurring_problem()
        if problem:
            raise FieldProblem(*problem)
        return self

    def _one_off_problem(self) -> tuple[str, str] | None:
        recurring_only = {"end_time", "duration", "first_date", "rrule"}
        extra = sorted(n for n in recurring_only if getattr(self, n) is not None)
        if extra:
            return extra[0], f"{', '.join(extra)} belong to recurring windows (start_time)"
        if self.end is None and not self.until_further_notice:
            return "end", "one-off window needs 'end' or 'until_further_notice: true'"
        if self.end is not None and self.until_further_notice:
            return "until_further_notice", "'end' and 'until_further_notice' contradict each other"
        if self.exdates:
            return "exdates", "exdates only apply to recurring windows"
        return None

    def _recurring_problem(self) -> tuple[str, str] | None:
        if self.end is not None:
            return "end", "recurring windows use end_time or duration, not end"
        if (self.duration is None) == (self.end_time is None):
            return "duration", "recurring window needs exactly one of duration or end_time"
        if self.first_date is None:
            return "first_date", "recurring window needs first_date (the first day it applies)"
        if self.rrule is None:
            return "rrule", "recurring window needs rrule, e.g. 'FREQ=DAILY;COUNT=4'"
        bounded = re.search(r"(COUNT|UNTIL)=", self.rrule.upper())
        if self.until_further_notice and bounded:
            return "until_further_notice", "until_further_notice contradicts COUNT/UNTIL in rrule"
        return None


# -- zones -------------------------------------------------------------------------------------


class CorridorSpec(Strict):
    """A road or line with a width; ``road`` names a shipped road, ``line`` is GeoJSON."""

    road: str | None = None
    line: dict[str, Any] | None = None
    width_m: Annotated[float, Field(gt=0, le=100_000)]
    direction: str | None = None

    @model_validator(mode="after")
    def _one_line(self) -> Self:
        if (self.road is None) == (self.line is None):
            raise FieldProblem(
                "road", "corridor needs exactly one of 'road' (a shipped road id) or 'line'"
            )
        return self


class CircleSpec(Strict):
    lon: Annotated[float, Field(ge=-180, le=180)]
    lat: Annotated[float, Field(ge=-90, le=90)]
    radius_m: Annotated[float, Field(gt=0, le=100_000)]


class ZoneSpec(Strict):
    """Where: exactly one of the forms below (a union is written as several parts)."""

    geometry: dict[str, Any] | None = None
    governorates: tuple[str, ...] | None = None
    blocks: tuple[int, ...] | None = None
    corridor: CorridorSpec | None = None
    circle: CircleSpec | None = None
    approximation: str | None = Field(
        default=None, description="How this zone approximates the announced area, if it does"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        forms = [
            name
            for name in ("geometry", "governorates", "blocks", "corridor", "circle")
            if getattr(self, name) is not None
        ]
        if len(forms) != 1:
            raise ValueError(
                "zone needs exactly one of geometry, governorates, blocks, corridor, circle"
                + (f" (got {', '.join(forms)})" if forms else "")
            )
        if self.governorates is not None and not self.governorates:
            raise FieldProblem("governorates", "governorates must list at least one pcode or name")
        if self.blocks is not None and not self.blocks:
            raise FieldProblem("blocks", "blocks must list at least one block number")
        return self


# -- the pause ---------------------------------------------------------------------------------


class PartSpec(Strict):
    """One zone with its windows (the polio campaign had three, on consecutive days)."""

    id: Identifier
    name: Text | None = None
    zone: ZoneSpec
    windows: Annotated[tuple[WindowSpec, ...], Field(min_length=1, max_length=500)]


class Achievement(Strict):
    value: Annotated[float, Field(ge=0)]
    date: CalendarDate | None = None
    note: str | None = None
    source: Source | None = None


class Objective(Strict):
    id: Identifier
    kind: ObjectiveKind
    description: Text
    target: Annotated[float | None, Field(ge=0)] = None
    unit: str | None = None
    per: Literal["day", "total"] = "total"
    part: Identifier | None = Field(default=None, description="the part this target is for")
    achieved: tuple[Achievement, ...] = ()


class Parties(Strict):
    announced_by: tuple[str, ...] = ()
    agreed_by: tuple[str, ...] = ()
    mediators: tuple[str, ...] = ()
    implementing: tuple[str, ...] = ()


class MovementRule(Strict):
    """E.g. 'southbound only' or 'no return to the north'."""

    rule: Literal["direction_only", "no_return", "vehicles_banned", "on_foot_only", "other"]
    text: Text
    direction: Literal["north", "south", "east", "west"] | None = None


class NoticeRule(Strict):
    hours_in_advance: Annotated[float, Field(ge=0, le=720)]
    text: Text | None = None


class Amendment(Strict):
    """A change that makes a new version; ``effective_at`` is when it took effect."""

    version: Annotated[int, Field(ge=2)]
    action: AmendmentAction
    effective_at: datetime
    announced_at: datetime | None = None
    until: datetime | None = None
    parts: tuple[Identifier, ...] | None = None
    new_parts: tuple[PartSpec, ...] | None = None
    summary: Text
    source: Source

    @model_validator(mode="after")
    def _fields_for_action(self) -> Self:
        action = self.action
        if action in (AmendmentAction.EXTEND, AmendmentAction.SHORTEN) and self.until is None:
            raise FieldProblem("until", f"{action.value} needs 'until' (the new end)")
        if action is AmendmentAction.REPLACE_PARTS and not self.new_parts:
            raise FieldProblem("new_parts", "replace_parts needs 'new_parts'")
        if action is not AmendmentAction.REPLACE_PARTS and self.new_parts is not None:
            raise FieldProblem("new_parts", "'new_parts' is only for replace_parts")
        if action in (AmendmentAction.RESUME, AmendmentAction.END, AmendmentAction.CANCEL) and (
            self.until is not None
        ):
            raise FieldProblem(
                "until", f"{action.value} takes effect at effective_at; remove 'until'"
            )
        return self


class PauseSpec(Strict):
    id: Identifier
    name: Text
    kind: PauseKind
    status: PauseStatus = PauseStatus.ANNOUNCED
    published: bool = True
    timezone: str = "UTC"
    announced_at: datetime | None = None
    summary: Text | None = None
    parts: Annotated[tuple[PartSpec, ...], Field(min_length=1, max_length=200)]
    objectives: tuple[Objective, ...] = ()
    parties: Parties = Parties()
    movement_rules: tuple[MovementRule, ...] = ()
    notice: NoticeRule | None = None
    sources: Annotated[tuple[Source, ...], Field(min_length=1)]
    amendments: tuple[Amendment, ...] = ()
    tags: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        part_ids = [part.id for part in self.parts]
        if len(set(part_ids)) != len(part_ids):
            raise FieldProblem("parts", "part ids must be unique within a pause")
        objective_ids = [objective.id for objective in self.objectives]
        if len(set(objective_ids)) != len(objective_ids):
            raise FieldProblem("objectives", "objective ids must be unique within a pause")
        for index, objective in enumerate(self.objectives):
            if objective.part is not None and objective.part not in part_ids:
                raise FieldProblem(
                    f"objectives[{index}].part",
                    f"objective {objective.id!r} names unknown part {objective.part!r}",
                )
        for expected, amendment in enumerate(self.amendments, start=2):
            if amendment.version != expected:
                raise FieldProblem(
                    f"amendments[{expected - 2}].version",
                    f"amendments must be numbered 2, 3, ... in order; found {amendment.version} "
                    f"where {expected} was expected",
                )
        return self


class PauseFile(Strict):
    format: Literal["respite-pauses/1"]
    scenario: str | None = None
    description: str | None = None
    pauses: tuple[PauseSpec, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        ids = [pause.id for pause in self.pauses]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise FieldProblem(
                "pauses", f"pause ids must be unique; repeated: {', '.join(duplicates)}"
            )
        return self
