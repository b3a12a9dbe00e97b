"""What extraction finds: every value with the span of text it came from and a confidence.

A field that was not found is absent (``None`` or an empty tuple) and named in
:attr:`Extraction.to_fill_in`; nothing is guessed to make a draft look complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

Recurrence = Literal["daily", "once"]
Role = Literal["announced_by", "agreed_by", "mediators"]


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``start``..``end`` (end exclusive) of the original text, and those characters."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")


@dataclass(frozen=True, slots=True)
class PlaceFound:
    """A place named in the text; ``id`` is the gazetteer id or None when it has no entry."""

    text: str
    id: str | None
    kind: str
    span: Span
    confidence: float
    governorates: tuple[str, ...] = ()
    timezone: str | None = None
    coordinates: tuple[float, float] | None = None  # lon, lat of a catalogue point


@dataclass(frozen=True, slots=True)
class WindowFound:
    """A window as the text gives it, in local wall-clock time; unknown parts are None."""

    start_local: time | None
    end_local: time | None
    first_date: date | None
    last_date: date | None
    recurrence: Recurrence | None
    until_further_notice: bool
    timezone: str | None
    spans: tuple[Span, ...]
    confidence: float
    duration_hours: float | None = None
    # Which parts came from the text and which were derived (e.g. last_date from "four days").
    derived: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ObjectiveFound:
    kind: str
    span: Span
    confidence: float
    target: float | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class PartyFound:
    name: str
    role: Role
    span: Span
    confidence: float


@dataclass(frozen=True, slots=True)
class MovementFound:
    rule: Literal["direction_only", "no_return", "vehicles_banned", "on_foot_only", "other"]
    direction: Literal["north", "south", "east", "west"] | None
    span: Span
    confidence: float


@dataclass(frozen=True, slots=True)
class Valued:
    """A single value with its span (``kind``, ``notice_hours``, ``extension_days``...)."""

    value: object
    span: Span | None
    confidence: float


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything read from one text. ``is_announcement`` is False for calls and denials."""

    text: str
    language: str
    anchor: date
    is_announcement: bool
    announcement: Valued
    kind: Valued | None
    places: tuple[PlaceFound, ...] = ()
    windows: tuple[WindowFound, ...] = ()
    notice_hours: Valued | None = None
    extension_days: Valued | None = None
    objectives: tuple[ObjectiveFound, ...] = ()
    parties: tuple[PartyFound, ...] = ()
    movement: tuple[MovementFound, ...] = ()
    timezone: Valued | None = None
    to_fill_in: tuple[str, ...] = field(default=())
