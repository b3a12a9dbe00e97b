"""When a pause is in force: one-off windows and recurring windows in a local time zone.

A :class:`RecurringWindow` is the RFC 5545 triple DTSTART (a local date and wall-clock time in
an IANA zone) + DURATION + RRULE, with EXDATE dates removed. Expansion turns it into UTC
seconds (see :mod:`respite.schedule.intervals`).

Daylight-saving semantics (RFC 5545 section 3.3.5, applied to every occurrence):

* **Repeated local time** (clocks go back): the *first* of the two instants is meant (the
  earlier one, ``fold=0``). In Asia/Gaza on 2024-10-26 clocks went from 02:00 (+03) back to
  01:00 (+02), so a 01:30 start means 01:30+03 = 2024-10-25 22:30 UTC.
* **Missing local time** (clocks jump forward): the time is read with the UTC offset in force
  *before* the gap, which lands one gap-length later on the wall clock. In Asia/Gaza clocks
  jumped from 02:00 (+02) to 03:00 (+03) on 2024-04-20, so a 02:30 start is 00:30 UTC, shown
  locally as 03:30.
* **Duration is elapsed time** (an RFC 5545 DURATION in hours/minutes/seconds, not a nominal
  day count): every occurrence lasts exactly ``duration``. If an occurrence spans a transition,
  its local *end* time moves by the size of the jump, e.g. 01:00-03:00 on the Gaza
  spring-forward night ends at 04:00 local.

A daily 10:00-14:00 Asia/Gaza window is thus 08:00-12:00 UTC in winter (+02) and 07:00-11:00
UTC in summer (+03).

``COUNT`` counts occurrences from ``first_date`` including those later removed by ``exdates``
(RFC 5545 applies EXDATE after RRULE expansion). ``UNTIL`` keeps occurrences whose UTC start
is at or before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeAlias
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from respite.errors import Problem, ScheduleError

from ._checks import aware_problem, check_range, load_zone, recurring_field_problems
from ._days import DayPattern
from ._local import (
    DAYS_AFTER,
    DAYS_BEFORE,
    LAST_ORDINAL,
    local_starts,
    utc_day_ordinal,
)
from .intervals import IntervalSet, from_utc_seconds, utc_seconds
from .recurrence import RecurrenceRule

__all__ = ["Occurrence", "OneOffWindow", "RecurringWindow", "Window", "expand"]

Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a recurring window: ``[start, end)`` in UTC seconds.

    ``local_date`` is the local date the rule produced it for (its DTSTART date), which can
    differ from the date of ``start_local`` when the start time fell in a DST gap.
    """

    start: int
    end: int
    local_date: date
    timezone: str

    @property
    def start_utc(self) -> datetime:
        """Start as an aware UTC datetime."""
        return from_utc_seconds(self.start)

    @property
    def end_utc(self) -> datetime:
        """End as an aware UTC datetime."""
        return from_utc_seconds(self.end)

    @property
    def start_local(self) -> datetime:
        """Start as an aware datetime in the window's zone."""
        return self.start_utc.astimezone(ZoneInfo(self.timezone))

    @property
    def end_local(self) -> datetime:
        """End as an aware datetime in the window's zone."""
        return self.end_utc.astimezone(ZoneInfo(self.timezone))


@dataclass(frozen=True)
class OneOffWindow:
    """A single window from ``start`` to ``end``; ``end=None`` means until further notice.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> w = OneOffWindow(datetime(2024, 1, 1, 8, tzinfo=timezone.utc), None)
    >>> w.is_open_ended, list(w.intervals(1704096000, 1704099600))
    (True, [(1704096000, 1704099600)])
    """

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        checks = [aware_problem(self.start, "start")]
        if self.end is not None:
            checks.append(aware_problem(self.end, "end"))
        problems = [p for p in checks if p is not None]
        if (
            not problems
            and self.end is not None
            and utc_seconds(self.end) <= utc_seconds(self.start)
        ):
            problems.append(
                Problem("end", f"end {self.end.isoformat()} is not after {self.start.isoformat()}")
            )
        if problems:
            raise ScheduleError(problems)

    @property
    def is_open_ended(self) -> bool:
        """True when the window has no end."""
        return self.end is None

    def first_start(self) -> int:
        """Start in UTC seconds."""
        return utc_seconds(self.start)

    def last_end(self) -> int | None:
        """End in UTC seconds, or None when open-ended."""
        return None if self.end is None else utc_seconds(self.end)

    def intervals(self, lo: int, hi: int) -> IntervalSet:
        """The window as an :class:`IntervalSet` clipped to ``[lo, hi)``."""
        lo, hi = check_range(lo, hi)
        end = self.last_end()
        start = max(self.first_start(), lo)
        stop = hi if end is None else min(end, hi)
        return IntervalSet([start], [stop]) if start < stop else IntervalSet.empty()


@dataclass(frozen=True)
class RecurringWindow:
    """A window repeating by an RRULE at a local wall-clock time in an IANA zone.

    Parameters
    ----------
    timezone
        IANA zone name, e.g. ``"Asia/Gaza"``.
    first_date
        Local date of the first occurrence (DTSTART's date); must be a day the rule selects.
    start_time
        Local wall-clock start (naive, whole seconds).
    duration
        Exact elapsed length of each occurrence, more than 0 and at most 7 days.
    rule
        The recurrence rule.
    exdates
        Local dates whose occurrence is removed (EXDATE); each must be an occurrence date.

    Raises
    ------
    ScheduleError
        Listing every invalid field.

    Examples
    --------
    >>> from datetime import date, time, timedelta
    >>> w = RecurringWindow("Asia/Gaza", date(2024, 4, 19), time(10), timedelta(hours=4),
    ...                     RecurrenceRule("DAILY", count=2))
    >>> [(o.start_utc.hour, o.end_utc.hour) for o in w.occurrences(0, 2**40)]
    [(8, 12), (7, 11)]
    """

    timezone: str
    first_date: date
    start_time: time
    duration: timedelta
    rule: RecurrenceRule
    exdates: frozenset[date] = frozenset()

    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _pattern: DayPattern = field(init=False, repr=False, compare=False)
    _limit: int | None = field(init=False, repr=False, compare=False)
    _excluded: Int64Array = field(init=False, repr=False, compare=False)
    _excluded_set: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", self._validate_fields())
        pattern = DayPattern.build(self.rule, self.first_date)
        object.__setattr__(self, "_pattern", pattern)
        excluded = sorted(d.toordinal() for d in self.exdates)
        object.__setattr__(self, "_excluded", np.array(excluded, dtype=np.int64))
        object.__setattr__(self, "_excluded_set", frozenset(excluded))
        object.__setattr__(self, "_limit", self._occurrence_limit())
        problems: list[Problem] = []
        if self.rule.count is not None and pattern.ordinal_of(self.rule.count - 1) > LAST_ORDINAL:
            problems.append(
                Problem("rule.count", f"COUNT={self.rule.count} runs past the year 9999")
            )
        elif self._limit == 0 and self.rule.until is not None:
            first = self._start_of(self.first_date.toordinal())
            problems.append(
                Problem(
                    "rule.until",
                    f"UNTIL {self.rule.until.isoformat()} is before the first occurrence "
                    f"({from_utc_seconds(first).isoformat()})",
                )
            )
        for day in sorted(self.exdates):
            i = pattern.index_of(day.toordinal())
            if i is None or (self._limit is not None and i >= self._limit):
                problems.append(
                    Problem("exdates", f"{day.isoformat()} is not an occurrence date of this rule")
                )
        if not problems and self._limit is not None and self._limit <= len(self.exdates):
            problems.append(Problem("exdates", "every occurrence is excluded"))
        if problems:
            raise ScheduleError(problems)

    def _validate_fields(self) -> ZoneInfo:
        problems: list[Problem] = []
        try:
            # Any iterable is accepted; storing a frozenset keeps the window hashable.
            exdates = frozenset(self.exdates)
        except TypeError:
            exdates = frozenset()
            problems.append(Problem("exdates", "expected a collection of dates"))
        object.__setattr__(self, "exdates", exdates)
        problems += recurring_field_problems(
            timezone=self.timezone,
            first_date=self.first_date,
            start_time=self.start_time,
            duration=self.duration,
            rule=self.rule,
            exdates=exdates,
        )
        if problems:
            raise ScheduleError(problems)
        return load_zone(self.timezone)

    # -- arithmetic -----------------------------------------------------------------------------

    def _start_of(self, ordinal: int) -> int:
        return int(self._starts_of(np.array([ordinal], dtype=np.int64))[0])

    def _starts_of(self, ordinals: Int64Array) -> Int64Array:
        return local_starts(self._zone, self.start_time, ordinals)

    @property
    def _seconds(self) -> int:
        return self.duration // timedelta(seconds=1)

    def _occurrence_limit(self) -> int | None:
        """How many occurrences the rule generates (before EXDATE), None if unbounded."""
        if self.rule.count is not None:
            return self.rule.count
        if self.rule.until is None:
            return None
        until = utc_seconds(self.rule.until)
        until_ord = utc_day_ordinal(until)
        # Dates well before UNTIL's UTC date all start before it, those well after all start
        # after it; only the few near it need their start computed. Starts never decrease
        # with the date, so the kept ones are a prefix.
        base = self._pattern.count_through(until_ord - DAYS_BEFORE - 1)
        _, ordinals = self._pattern.between(
            until_ord - DAYS_BEFORE, min(until_ord + DAYS_AFTER, LAST_ORDINAL)
        )
        return base + int(np.count_nonzero(self._starts_of(ordinals) <= until))

    def _expand(self, lo: int, hi: int) -> tuple[Int64Array, Int64Array]:
        """Ordinals and UTC starts of the occurrences overlapping ``[lo, hi)``."""
        empty = np.empty(0, dtype=np.int64)
        if hi <= lo:
            return empty, empty
        # Jump straight to the dates around [lo, hi): DayPattern indexes occurrences in closed
        # form, so long horizons and far-future queries cost the same as near ones.
        first = utc_day_ordinal(lo - self._seconds) - DAYS_BEFORE
        last = min(utc_day_ordinal(hi) + DAYS_AFTER, LAST_ORDINAL)
        _, ordinals = self._pattern.between(first, last, self._limit)
        if self._excluded.size:
            ordinals = ordinals[~np.isin(ordinals, self._excluded)]
        starts = self._starts_of(ordinals)
        keep = (starts < hi) & (starts + self._seconds > lo)
        return ordinals[keep], starts[keep]

    # -- public queries -------------------------------------------------------------------------

    @property
    def is_open_ended(self) -> bool:
        """True when the rule has neither COUNT nor UNTIL (until further notice)."""
        return self._limit is None

    def occurrences(self, lo: int, hi: int) -> list[Occurrence]:
        """Occurrences overlapping ``[lo, hi)``, in order, not clipped.

        Examples
        --------
        >>> from datetime import date, time, timedelta
        >>> w = RecurringWindow("Asia/Gaza", date(2024, 10, 26), time(1, 30),
        ...                     timedelta(hours=1), RecurrenceRule("DAILY", count=1))
        >>> o = w.occurrences(0, 2**40)[0]
        >>> o.start_utc.isoformat(), o.start_local.isoformat(), o.end_local.isoformat()
        ('2024-10-25T22:30:00+00:00', '2024-10-26T01:30:00+03:00', '2024-10-26T01:30:00+02:00')
        """
        lo, hi = check_range(lo, hi)
        ordinals, starts = self._expand(lo, hi)
        seconds = self._seconds
        return [
            Occurrence(s, s + seconds, date.fromordinal(o), self.timezone)
            for o, s in zip(ordinals.tolist(), starts.tolist(), strict=True)
        ]

    def intervals(self, lo: int, hi: int) -> IntervalSet:
        """Union of the occurrences, clipped to ``[lo, hi)``."""
        lo, hi = check_range(lo, hi)
        _, starts = self._expand(lo, hi)
        return IntervalSet(starts, starts + self._seconds).clip(lo, hi)

    def first_start(self) -> int:
        """UTC start of the first occurrence that is not excluded."""
        i = 0
        while (ordinal := self._pattern.ordinal_of(i)) in self._excluded_set:
            i += 1
        return self._start_of(ordinal)

    def last_end(self) -> int | None:
        """UTC end of the last occurrence not excluded, or None when open-ended."""
        if self._limit is None:
            return None
        i = self._limit - 1
        while (ordinal := self._pattern.ordinal_of(i)) in self._excluded_set:
            i -= 1
        return self._start_of(ordinal) + self._seconds


Window: TypeAlias = OneOffWindow | RecurringWindow


def expand(windows: Iterable[Window], lo: int, hi: int) -> IntervalSet:
    """Union of every window's intervals within ``[lo, hi)``.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> a = OneOffWindow(datetime(1970, 1, 1, 0, 0, 10, tzinfo=timezone.utc),
    ...                  datetime(1970, 1, 1, 0, 0, 20, tzinfo=timezone.utc))
    >>> list(expand([a], 0, 15))
    [(10, 15)]
    """
    lo, hi = check_range(lo, hi)
    parts = [w.intervals(lo, hi) for w in windows]
    if not parts:
        return IntervalSet.empty()
    return IntervalSet(
        np.concatenate([p.starts for p in parts]), np.concatenate([p.ends for p in parts])
    )
