"""Dates and times as incident sources write them, read strictly.

Internal to the readers: errors are ``ValueError`` with a sentence for the user; the reader puts
the row and column in front.

Dates written with slashes (``11/12/2023``) are read *day first*, the order ACLED's codebook
gives for ``event_date`` (day / month / year). A file re-saved by a spreadsheet set to US order
shows itself as soon as a date's second number exceeds 12; that row gets a problem which also
says how many earlier rows had an ambiguous date (both numbers 12 or less) and were therefore
read day first, from which row on, so that the whole file can be re-exported with ISO dates.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from respite.events.precision import PrecisionPolicy, instant_span, local_midnight
from respite.events.record import TimePrecision
from respite.schedule import utc_seconds

DATE_UNITS = (TimePrecision.DAY, TimePrecision.WEEK, TimePrecision.MONTH)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ \-]([A-Za-z]+)\.?[ \-,]+(\d{4}|\d{2})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})")
_SLASHED = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_ISO_HOUR = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}(Z|[+-]\d{2}(:?\d{2})?)?", re.IGNORECASE)
_TIME_PART = re.compile(r"\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?")
_OFFSET = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$", re.IGNORECASE)
# ACLED's first events are from 1997, so a two-digit year 97-99 is 1997-1999, others 20xx.
_CENTURY_PIVOT = 97
_FORMATS = "2023-11-24, 24 November 2023, 24-Nov-23 or 24/11/2023 (day first)"


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        return value + (1900 if value >= _CENTURY_PIVOT else 2000)
    return value


def _month(name: str) -> int:
    number = _MONTHS.get(name.lower())
    if number is None:
        raise ValueError(f"{name!r} is not an English month name")
    return number


@lru_cache(maxsize=8192)
def _read_day(text: str) -> tuple[date, bool]:
    """The date ``text`` names and whether it was an ambiguous slashed date."""
    ambiguous = False
    if m := _ISO.fullmatch(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DAY_MONTH_YEAR.fullmatch(text):
        y, mo, d = _year(m[3]), _month(m[2]), int(m[1])
    elif m := _MONTH_DAY_YEAR.fullmatch(text):
        y, mo, d = int(m[3]), _month(m[1]), int(m[2])
    elif m := _SLASHED.fullmatch(text):
        first, second, y = int(m[1]), int(m[2]), int(m[3])
        if second > 12 >= first:
            raise _MonthFirst(text, second)
        d, mo = first, second
        ambiguous = first <= 12 and first != second
    else:
        raise ValueError(f"{text!r} is not a date: write it as {_FORMATS}")
    try:
        return date(y, mo, d), ambiguous
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None


class _MonthFirst(ValueError):
    def __init__(self, text: str, second: int) -> None:
        super().__init__(text)
        self.text = text
        self.second = second


class DayReader:
    """Reads the dates of one file, remembering day-first guesses to report them if disproved."""

    def __init__(self) -> None:
        self.ambiguous = 0
        self.first_ambiguous_row: int | None = None

    def __call__(self, text: str, row: int) -> date:
        text = text.strip()
        if not text:
            raise ValueError("is empty: every event needs its date")
        try:
            day, ambiguous = _read_day(text)
        except _MonthFirst as exc:
            raise ValueError(self._month_first(exc)) from None
        if ambiguous:
            self.ambiguous += 1
            if self.first_ambiguous_row is None:
                self.first_ambiguous_row = row
        return day

    def _month_first(self, exc: _MonthFirst) -> str:
        message = (
            f"{exc.text!r}: {exc.second} is not a month. Slashed dates are read day first "
            "(ACLED's order), so this file looks re-saved in US month-first order"
        )
        if self.ambiguous:
            message += (
                f"; {self.ambiguous} earlier row(s) with ambiguous dates, the first at "
                f"row[{self.first_ambiguous_row}], were read day first and may be wrong"
            )
        return message + ". Re-export the file with ISO dates (2023-11-24)"


def read_day(text: str) -> date:
    """One date in any accepted form (slashed dates day first), without file memory."""
    return DayReader()(text, 0)


def read_moment(text: str, zone: ZoneInfo) -> tuple[datetime, TimePrecision]:
    """An ISO 8601 date-time (or a date) as an aware datetime and the unit it was written to.

    Without a UTC offset the wall time is read in ``zone``; one the clocks skip or repeat
    there is refused, since guessing would move the event by an hour.
    """
    text = text.strip()
    if not text:
        raise ValueError("is empty")
    if ":" not in text and not _ISO_HOUR.fullmatch(text):
        return datetime.combine(read_day(text), time(0), tzinfo=zone), TimePrecision.DAY
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO 8601 date-time (e.g. 2024-09-02T10:00+03:00)"
        ) from None
    clock = re.split(r"[Tt ]", _OFFSET.sub("", text), maxsplit=1)[-1]
    unit = _unit(clock, text)
    if moment.tzinfo is None:
        moment = local(moment.date(), moment.time(), zone)
    return moment, unit


def read_clock(day: date, text: str, zone: ZoneInfo) -> tuple[datetime, TimePrecision]:
    """A time of day (``HH:MM[:SS]``, optionally with a UTC offset) on local date ``day``."""
    text = text.strip()
    try:
        clock = time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day (HH:MM or HH:MM:SS)") from None
    unit = _unit(_OFFSET.sub("", text), text)
    if clock.tzinfo is not None:
        return datetime.combine(day, clock), unit
    return local(day, clock, zone), unit


def _unit(clock: str, text: str) -> TimePrecision:
    if not _TIME_PART.fullmatch(clock):
        raise ValueError(f"{text!r}: write the time as HH:MM or HH:MM:SS")
    return (TimePrecision.HOUR, TimePrecision.MINUTE, TimePrecision.SECOND)[clock.count(":")]


def local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """``day`` at wall time ``clock`` in ``zone``, refusing a skipped or repeated wall time."""
    first = datetime.combine(day, clock.replace(fold=0), tzinfo=zone)
    second = first.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    shown = f"{day.isoformat()} {clock.isoformat()}"
    wall = first.replace(tzinfo=None)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise ValueError(f"{shown} does not exist in {zone.key} (the clocks skip it)")
    raise ValueError(
        f"{shown} happens twice in {zone.key} (the clocks go back): "
        "give its UTC offset, e.g. +03:00 or +02:00"
    )


def moment_span(
    moment: datetime,
    shown: TimePrecision,
    stated: TimePrecision | None,
    zone: ZoneInfo,
    policy: PrecisionPolicy,
) -> tuple[int, int, TimePrecision]:
    """The UTC span of a moment written to unit ``shown``, widened to ``stated`` if given.

    A date, week or month is the local one in ``zone`` (the place's), whatever offset the
    moment was written with; a clock unit is cut on the moment's own wall clock.
    """
    precision = stated or shown
    if precision is TimePrecision.SPAN:
        raise ValueError("a span needs occurred_from and occurred_until")
    if shown is TimePrecision.DAY and precision not in DATE_UNITS:
        raise ValueError(f"a date alone is not precise to the {precision.value}")
    if precision in DATE_UNITS:
        lo, hi = policy.time_span(moment.astimezone(zone).date(), precision, zone)
    else:
        lo, hi = instant_span(moment, precision)
    return lo, hi, precision


def edge(text: str, zone: ZoneInfo, end: bool = False) -> int:
    """One end of an explicit span; a date alone starts at, or ends with, that local day."""
    moment, shown = read_moment(text, zone)
    if shown is TimePrecision.DAY:
        return local_midnight(moment.date() + timedelta(days=int(end)), zone)
    return utc_seconds(moment)
