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

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, HttpUrl, model_validator

from respite.errors import FieldProblem
from respite.pauses.movement import MovementSpec
from respite.pauses.text import Text
from respite.pauses.timing import AnnouncedLaterSpec, WindowSpec
from respite.pauses.zones import CircleSpec, CorridorSpec, ZoneSpec
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
    """A version's status, derived from its parts' (:func:`respite.pauses.status.derive`).

    ``draft`` and ``cancelled`` pauses never answer covered. Whether a window is open *now*
    is a separate, derived question.
    """

    DRAFT = "draft"
    ANNOUNCED = "announced"
    PARTIALLY_SUSPENDED = "partially_suspended"
    PARTIALLY_POSTPONED = "partially_postponed"
    SUSPENDED = "suspended"
    POSTPONED = "postponed"
    BROKEN = "broken"
    ENDED = "ended"
    CANCELLED = "cancelled"


class PartStatus(StrEnum):
    """One part's status; ``ended`` and ``cancelled`` are final (no amendment after them)."""

    DRAFT = "draft"
    ANNOUNCED = "announced"
    SUSPENDED = "suspended"
    POSTPONED = "postponed"
    BROKEN = "broken"
    ENDED = "ended"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (PartStatus.ENDED, PartStatus.CANCELLED)


class Visibility(StrEnum):
    CONFIDENTIAL = "confidential"
    PUBLIC = "public"


class AmendmentAction(StrEnum):
    EXTEND = "extend"
    SHORTEN = "shorten"
    SUSPEND = "suspend"
    RESUME = "resume"
    END = "end"
    CANCEL = "cancel"
    REPLACE_PARTS = "replace_parts"
    POSTPONE = "postpone"
    REPORT_BROKEN = "report_broken"
    ANNOUNCE_WINDOW = "announce_window"
    PUBLISH = "publish"


class ObjectiveKind(StrEnum):
    AID_TRUCKS_IN = "aid_trucks_in"
    FUEL_IN = "fuel_in"
    PEOPLE_EVACUATED = "people_evacuated"
    PATIENTS_TRANSFERRED = "patients_transferred"
    CHILDREN_VACCINATED = "children_vaccinated"
    HOSTAGES_RELEASED = "hostages_released"
    DETAINEES_RELEASED = "detainees_released"
    OTHER = "other"


class Source(Strict):
    """Where a fact comes from; every pause and amendment cites one."""

    title: Annotated[str, Field(min_length=1, max_length=500)]
    publisher: str | None = None
    url: HttpUrl | None = None
    date: CalendarDate | None = None
    note: str | None = None


# -- the pause ---------------------------------------------------------------------------------


class PartSpec(Strict):
    """One zone with its windows (the polio campaign had three, on consecutive days).

    A part promised without times has ``announced_later`` and may have no ``windows`` yet.
    """

    id: Identifier
    name: Text | None = None
    zone: ZoneSpec
    windows: Annotated[tuple[WindowSpec, ...], Field(max_length=500)] = ()
    announced_later: AnnouncedLaterSpec | None = None
    movement: MovementSpec | None = None

    @model_validator(mode="after")
    def _has_times(self) -> Self:
        if not self.windows and self.announced_later is None:
            raise FieldProblem(
                "windows",
                "a part needs at least one window (or an 'announced_later' promise when its "
                "times are to be announced)",
            )
        return self


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


class BrokenSpan(Strict):
    """The time a ``report_broken`` concerns (default: the window open at effective_at)."""

    start: datetime
    end: datetime | None = None


class Amendment(Strict):
    """A change that makes a new version; ``effective_at`` is when it took effect.

    ``announced_at`` (default ``effective_at``) is when it became known: the "as known at"
    timeline. Part-level actions take ``parts`` (default: every part that is not final).
    """

    version: Annotated[int, Field(ge=2)]
    action: AmendmentAction
    effective_at: datetime
    announced_at: datetime | None = None
    until: datetime | None = None
    parts: tuple[Identifier, ...] | None = None
    new_parts: tuple[PartSpec, ...] | None = None
    #: postpone: the part's new windows; announce_window: the one window announced
    windows: Annotated[tuple[WindowSpec, ...] | None, Field(min_length=1, max_length=500)] = None
    #: postpone: the new first day of the part's windows (they move by whole days)
    first_date: CalendarDate | None = None
    reported_by: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    reported_at: datetime | None = None
    span: BrokenSpan | None = None
    summary: Text
    source: Source

    @model_validator(mode="after")
    def _fields_for_action(self) -> Self:
        action = self.action
        problem = _action_problem(self)
        if problem is not None:
            raise FieldProblem(*problem)
        if action in (AmendmentAction.EXTEND, AmendmentAction.SHORTEN) and self.until is None:
            raise FieldProblem("until", f"{action.value} needs 'until' (the new end)")
        if action is AmendmentAction.REPLACE_PARTS and not self.new_parts:
            raise FieldProblem("new_parts", "replace_parts needs 'new_parts'")
        if action is not AmendmentAction.REPLACE_PARTS and self.new_parts is not None:
            raise FieldProblem("new_parts", "'new_parts' is only for replace_parts")
        if action in _AT_ONCE and self.until is not None:
            raise FieldProblem(
                "until", f"{action.value} takes effect at effective_at; remove 'until'"
            )
        return self


#: Actions that take effect at effective_at with no end of their own.
_AT_ONCE = frozenset(
    {
        AmendmentAction.RESUME,
        AmendmentAction.END,
        AmendmentAction.CANCEL,
        AmendmentAction.POSTPONE,
        AmendmentAction.REPORT_BROKEN,
        AmendmentAction.ANNOUNCE_WINDOW,
        AmendmentAction.PUBLISH,
    }
)


def _action_problem(amendment: Amendment) -> tuple[str, str] | None:
    """The field a part-level action lacks or must not have, and why."""
    action, name = amendment.action, amendment.action.value
    windows_for = (AmendmentAction.POSTPONE, AmendmentAction.ANNOUNCE_WINDOW)
    if amendment.windows is not None and action not in windows_for:
        return "windows", f"'windows' is for postpone and announce_window, not {name}"
    if amendment.first_date is not None and action is not AmendmentAction.POSTPONE:
        return "first_date", f"'first_date' is for postpone, not {name}"
    if amendment.first_date is not None and amendment.windows is not None:
        return "first_date", "postpone takes new 'windows' or a new 'first_date', not both"
    if action is AmendmentAction.ANNOUNCE_WINDOW:
        if amendment.windows is None or len(amendment.windows) != 1:
            return "windows", "announce_window records exactly one window (one amendment each)"
        if amendment.parts is None or len(amendment.parts) != 1:
            return "parts", "announce_window names the one part the window is for"
        if amendment.announced_at is None:
            return "announced_at", "announce_window needs 'announced_at' (the notice is checked)"
    broken_only = ("reported_by", "reported_at", "span")
    if action is AmendmentAction.REPORT_BROKEN:
        if amendment.reported_by is None:
            return "reported_by", "report_broken needs 'reported_by' (who reported it)"
        if amendment.reported_at is None:
            return "reported_at", "report_broken needs 'reported_at' (when it was reported)"
    else:
        for field in broken_only:
            if getattr(amendment, field) is not None:
                return field, f"'{field}' is for report_broken, not {name}"
    if action is AmendmentAction.PUBLISH and amendment.parts is not None:
        return "parts", "publish applies to the whole pause; remove 'parts'"
    return None


class PauseSpec(Strict):
    id: Identifier
    name: Text
    kind: PauseKind
    #: version 1's status; later ones derive from the parts (draft/cancelled: never covered)
    status: PauseStatus = PauseStatus.ANNOUNCED
    #: kept for old files; ``visibility`` says the same and wins when both are given
    published: bool | None = None
    visibility: Visibility | None = None
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

    @property
    def first_visibility(self) -> Visibility:
        """Version 1's visibility (from ``visibility``, else the old ``published`` flag)."""
        if self.visibility is not None:
            return self.visibility
        return Visibility.CONFIDENTIAL if self.published is False else Visibility.PUBLIC

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.status not in _FIRST_STATUSES:
            raise FieldProblem(
                "status",
                f"a first version is {', '.join(sorted(s.value for s in _FIRST_STATUSES))}; "
                f"{self.status.value} comes from amendments to its parts",
            )
        if (
            self.visibility is not None
            and self.published is not None
            and self.published != (self.visibility is Visibility.PUBLIC)
        ):
            raise FieldProblem("published", "'published' contradicts 'visibility'; keep one")
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


_FIRST_STATUSES = frozenset(
    {
        PauseStatus.DRAFT,
        PauseStatus.ANNOUNCED,
        PauseStatus.SUSPENDED,
        PauseStatus.POSTPONED,
        PauseStatus.ENDED,
        PauseStatus.CANCELLED,
    }
)


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


__all__ = [
    "FORMAT_ID",
    "Achievement",
    "Amendment",
    "AmendmentAction",
    "BrokenSpan",
    "CalendarDate",
    "CircleSpec",
    "CorridorSpec",
    "FieldProblem",
    "Identifier",
    "MovementRule",
    "NoticeRule",
    "Objective",
    "ObjectiveKind",
    "PartSpec",
    "PartStatus",
    "Parties",
    "PauseFile",
    "PauseKind",
    "PauseSpec",
    "PauseStatus",
    "Source",
    "Strict",
    "Text",
    "Visibility",
    "WindowSpec",
    "ZoneSpec",
]
