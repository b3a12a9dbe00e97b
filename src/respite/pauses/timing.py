"""When: durations, wall-clock times, windows, and windows promised but announced later.

A window is one-off (``start``/``end``) or recurring (``start_time`` + ``rrule``). A promise
(:class:`AnnouncedLaterSpec`) is what was said when the times were not: "daily 4-hour pauses
between 06:00 and 18:00, each announced 3 hours ahead" (White House, 9 Nov 2023). Each window
then announced is an ``announce_window`` amendment.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Self

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from respite.errors import FieldProblem
from respite.pauses.text import Text
from respite.validation import Strict

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


class AnnouncedLaterSpec(Strict):
    """A promise of windows whose times are announced later, each ``notice_hours`` ahead.

    ``rrule`` (FREQ=DAILY or WEEKLY, as for windows) with ``first_date`` (and optional
    ``until``, a local date) says on which days a window is promised; ``duration`` how long
    each is; ``earliest``/``latest`` the local hours it must fall between.
    """

    rrule: Annotated[str, Field(max_length=300)]
    first_date: date
    until: date | None = None
    duration: Duration
    earliest: WallClock = time(0, 0)
    latest: WallClock | None = None
    notice_hours: Annotated[float, Field(ge=0, le=720)]
    text: Text | None = None

    @model_validator(mode="after")
    def _fits(self) -> Self:
        if self.until is not None and self.until < self.first_date:
            raise FieldProblem("until", "until is before first_date")
        if re.search(r"(UNTIL)=", self.rrule.upper()):
            raise FieldProblem("rrule", "give the last promised day as 'until', not in rrule")
        if self.latest is not None:
            span = (self.latest.hour * 60 + self.latest.minute) - (
                self.earliest.hour * 60 + self.earliest.minute
            )
            if span <= 0:
                raise FieldProblem("latest", "latest must be later in the day than earliest")
            if timedelta(minutes=span) < self.duration:
                raise FieldProblem(
                    "duration", "a window this long does not fit between earliest and latest"
                )
        return self
