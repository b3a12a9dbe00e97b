"""Input checks shared by the schedule modules; each turns bad input into a ScheduleError."""

from __future__ import annotations

import operator
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from respite.errors import Problem, ScheduleError

from .recurrence import RecurrenceRule

MAX_DURATION: Final = timedelta(days=7)


def as_int(value: object, location: str) -> int:
    """``value`` as a Python int of seconds, accepting numpy integers."""
    # bool is an int subclass, but True as a timestamp is always a mistake.
    if isinstance(value, bool):
        raise ScheduleError([Problem(location, "expected integer seconds, got a bool")])
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ScheduleError(
            [Problem(location, f"expected integer seconds, got {type(value).__name__}")]
        ) from None


def check_range(lo: object, hi: object) -> tuple[int, int]:
    """``(lo, hi)`` as ints, refusing a range that ends before it starts."""
    lo_i, hi_i = as_int(lo, "lo"), as_int(hi, "hi")
    if lo_i > hi_i:
        raise ScheduleError([Problem("hi", f"range end {hi_i} is before its start {lo_i}")])
    return lo_i, hi_i


def as_int64_array(values: npt.ArrayLike, location: str) -> npt.NDArray[np.int64]:
    """A 1-D int64 copy of ``values``; floats are refused rather than truncated."""
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ScheduleError([Problem(location, f"not an array of integers ({exc})")]) from None
    if arr.ndim != 1:
        raise ScheduleError([Problem(location, f"expected a 1-D array, got {arr.ndim}-D")])
    if arr.size == 0:
        return np.empty(0, dtype=np.int64)
    if arr.dtype.kind not in "iu":
        raise ScheduleError([Problem(location, f"expected integer seconds, got {arr.dtype}")])
    if arr.dtype.kind == "u" and int(arr.max()) > np.iinfo(np.int64).max:
        raise ScheduleError([Problem(location, "value does not fit in int64 seconds")])
    return arr.astype(np.int64)


def aware_problem(value: object, location: str) -> Problem | None:
    """Why ``value`` is not an aware datetime, or None if it is one."""
    if not isinstance(value, datetime):
        return Problem(location, f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        return Problem(location, f"{value.isoformat()} is naive; give a time zone")
    return None


def load_zone(name: object) -> ZoneInfo:
    """The IANA zone called ``name``."""
    if not isinstance(name, str) or not name:
        raise ScheduleError([Problem("timezone", "give an IANA time zone name like Asia/Gaza")])
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ScheduleError(
            [Problem("timezone", f"unknown time zone {name!r} (use an IANA name like Asia/Gaza)")]
        ) from None


def _is_plain_date(value: object) -> bool:
    # datetime is a subclass of date; accepting one would silently drop its time of day.
    return isinstance(value, date) and not isinstance(value, datetime)


def _duration_problems(duration: object) -> list[Problem]:
    if not isinstance(duration, timedelta):
        return [Problem("duration", "expected a timedelta")]
    if duration <= timedelta(0) or duration > MAX_DURATION:
        return [Problem("duration", f"{duration} must be more than 0 and at most 7 days")]
    if duration.microseconds:
        return [Problem("duration", f"{duration} must be a whole number of seconds")]
    return []


def recurring_field_problems(
    *,
    timezone: object,
    first_date: object,
    start_time: object,
    duration: object,
    rule: object,
    exdates: frozenset[object],
) -> list[Problem]:
    """Every problem with the fields of a recurring window, checked one by one."""
    problems: list[Problem] = []
    try:
        load_zone(timezone)
    except ScheduleError as exc:
        problems.extend(exc.problems)
    if not _is_plain_date(first_date):
        problems.append(Problem("first_date", "expected a date (no time of day)"))
    if not isinstance(start_time, time):
        problems.append(Problem("start_time", "expected a time of day"))
    elif start_time.tzinfo is not None or start_time.microsecond:
        problems.append(Problem("start_time", "give a naive wall-clock time in whole seconds"))
    problems.extend(_duration_problems(duration))
    if not isinstance(rule, RecurrenceRule):
        problems.append(Problem("rule", "expected a RecurrenceRule"))
    bad = [d for d in exdates if not _is_plain_date(d)]
    if bad:
        problems.append(Problem("exdates", f"expected dates (no time of day), got {bad[0]!r}"))
    # RFC 5545 leaves a DTSTART the rule would not produce undefined; refuse it instead.
    if (
        not problems
        and isinstance(first_date, date)
        and isinstance(rule, RecurrenceRule)
        and rule.byday
        and first_date.weekday() not in rule.weekdays
    ):
        problems.append(
            Problem(
                "first_date",
                f"{first_date.isoformat()} is a {first_date.strftime('%A')}, which "
                f"BYDAY={','.join(rule.byday)} does not select; first_date must be the date of "
                "the first occurrence",
            )
        )
    return problems
