"""How a source's stated precision becomes a span of time and a disc of space.

A conflict event coded "sometime that week, near Khan Younis" must not be compared with a pause
as if it happened at one instant on one spot: the span it could have happened in, and the disc
it could have happened on, are what a compliance report has to test. This module turns

* a *local* date, a time-precision code and the place's time zone into a UTC
  ``[from, until)`` span, computed with zoneinfo so that a local day is 23 or 25 hours long
  when the clocks change that day (Asia/Gaza 2023-10-28 is 25 h, 2024-04-20 is 23 h);
* a geo-precision code into a :class:`GeoPrecision` label and a radius in metres;
* an instant given to the second, minute or hour into the span that unit covers.

The defaults follow ACLED's codebook (see ``docs/incidents.md`` for the wording and sources):
time precision 1 is the date itself, 2 a week-long period around the coded date (ACLED codes
the middle of the week), 3 a month (ACLED codes the month's mid-point, or its first or last day
when the source says "beginning" or "end of"). The radii are Respite's own choice: the codebook
says *what* was located (a town, near a town, a region), never how far off it may be.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from respite.errors import InvalidInput, Problem
from respite.events.record import GeoPrecision, TimePrecision
from respite.schedule import utc_seconds

__all__ = [
    "ACLED_GEO",
    "ACLED_TIME",
    "PrecisionPolicy",
    "geo_precision_of",
    "instant_span",
    "local_day_span",
    "local_midnight",
    "time_precision_of",
    "zone_of",
]

#: ACLED ``time_precision`` codes and the labels the record keeps.
ACLED_TIME: dict[int, TimePrecision] = {
    1: TimePrecision.DAY,
    2: TimePrecision.WEEK,
    3: TimePrecision.MONTH,
}
#: ACLED ``geo_precision`` codes and the labels the record keeps.
ACLED_GEO: dict[int, GeoPrecision] = {
    1: GeoPrecision.TOWN,
    2: GeoPrecision.NEAR_TOWN,
    3: GeoPrecision.REGION,
}
_UNIT_SECONDS = {TimePrecision.SECOND: 1, TimePrecision.MINUTE: 60, TimePrecision.HOUR: 3600}
_DATE_PRECISIONS = (TimePrecision.DAY, TimePrecision.WEEK, TimePrecision.MONTH)


def zone_of(name: str | ZoneInfo, location: str = "timezone") -> ZoneInfo:
    """The IANA zone called ``name``; a fixed offset or unknown name is refused."""
    if isinstance(name, ZoneInfo):
        return name
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidInput(
            [Problem(location, f"{name!r} is not an IANA time zone name (e.g. 'Asia/Gaza')")]
        ) from None


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def time_precision_of(value: object, location: str = "time_precision") -> TimePrecision:
    """A precision given as an ACLED code (1-3, as int or text) or a label (``"day"``...)."""
    text = str(value).strip().lower() if not isinstance(value, bool) else ""
    if text in {"1", "2", "3"}:
        return ACLED_TIME[int(text)]
    try:
        return TimePrecision(text)
    except ValueError:
        names = ", ".join(p.value for p in TimePrecision)
        raise InvalidInput(
            [Problem(location, f"{value!r} is not a time precision: use 1, 2, 3 or {names}")]
        ) from None


def geo_precision_of(value: object, location: str = "geo_precision") -> GeoPrecision:
    """A precision given as an ACLED code (1-3, as int or text) or a label (``"town"``...)."""
    text = str(value).strip().lower() if not isinstance(value, bool) else ""
    if text in {"1", "2", "3"}:
        return ACLED_GEO[int(text)]
    try:
        return GeoPrecision(text)
    except ValueError:
        names = ", ".join(p.value for p in GeoPrecision)
        raise InvalidInput(
            [Problem(location, f"{value!r} is not a geo precision: use 1, 2, 3 or {names}")]
        ) from None


def local_midnight(day: date, timezone: str | ZoneInfo) -> int:
    """UTC seconds of the first instant of local date ``day``.

    ``fold=0`` reads a repeated midnight as its first occurrence and a skipped one (clocks
    jumping from 00:00 to 01:00) as the instant of the jump, so the spans of consecutive days
    tile time with neither gap nor overlap.
    """
    return utc_seconds(datetime.combine(day, time(0), tzinfo=zone_of(timezone)))


def local_day_span(day: date, timezone: str | ZoneInfo) -> tuple[int, int]:
    """``[from, until)`` in UTC seconds of the whole local day ``day`` (23, 24 or 25 h)."""
    return local_midnight(day, timezone), local_midnight(day + timedelta(days=1), timezone)


def instant_span(moment: datetime, precision: TimePrecision) -> tuple[int, int]:
    """The span of one ``precision`` unit that holds the aware datetime ``moment``.

    The unit is cut on the local wall clock (14:37 to the hour is 14:00-15:00 local) and is
    one elapsed unit long, so an hour that the clocks repeat is still 3600 s.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput([Problem("", f"{moment.isoformat()} has no time zone")])
    if precision not in _UNIT_SECONDS:
        raise InvalidInput([Problem("time_precision", f"{precision.value} is not a clock unit")])
    start = moment.replace(microsecond=0)
    if precision is not TimePrecision.SECOND:
        start = start.replace(second=0)
    if precision is TimePrecision.HOUR:
        start = start.replace(minute=0)
    lo = utc_seconds(start)
    return lo, lo + _UNIT_SECONDS[precision]


@dataclass(frozen=True, slots=True)
class PrecisionPolicy:
    """How precision codes become spans; the defaults are documented in docs/incidents.md.

    Attributes
    ----------
    town_radius_m, near_town_radius_m, region_radius_m
        Radius of the disc for ACLED geo_precision 1, 2 and 3 (metres).
    week_days_before, week_days_after
        A week-precision date ``d`` covers local days ``d - before`` to ``d + after``
        inclusive (3 and 3: the seven days centred on the middle of the week ACLED codes).
    """

    town_radius_m: float = 2_000.0
    near_town_radius_m: float = 10_000.0
    region_radius_m: float = 25_000.0
    week_days_before: int = 3
    week_days_after: int = 3

    def __post_init__(self) -> None:
        problems = [
            Problem(name, f"must be a finite number of metres >= 0, got {value!r}")
            for name in ("town_radius_m", "near_town_radius_m", "region_radius_m")
            if not _is_distance(value := getattr(self, name))
        ]
        problems += [
            Problem(name, f"must be a whole number of days >= 0, got {value!r}")
            for name in ("week_days_before", "week_days_after")
            if isinstance(value := getattr(self, name), bool)
            or not isinstance(value, int)
            or value < 0
        ]
        if problems:
            raise InvalidInput(problems)

    def time_span(
        self, day: date, precision: int | str | TimePrecision, timezone: str | ZoneInfo
    ) -> tuple[int, int]:
        """UTC ``[from, until)`` of a local ``day`` coded at ``precision`` in ``timezone``.

        ``precision`` is an ACLED code (1-3) or ``day``/``week``/``month``: the local day, the
        ``before + 1 + after`` local days around it, or its whole local calendar month.
        """
        label = precision if isinstance(precision, TimePrecision) else time_precision_of(precision)
        zone = zone_of(timezone)
        if label is TimePrecision.DAY:
            return local_day_span(day, zone)
        if label is TimePrecision.WEEK:
            first = day - timedelta(days=self.week_days_before)
            last = day + timedelta(days=self.week_days_after)
            return local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)
        if label is TimePrecision.MONTH:
            first = day.replace(day=1)
            after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return local_midnight(first, zone), local_midnight(after, zone)
        choices = ", ".join(p.value for p in _DATE_PRECISIONS)
        raise InvalidInput(
            [Problem("time_precision", f"a date alone can be {choices}, not {label.value}")]
        )

    def radius(self, precision: int | str | GeoPrecision) -> tuple[GeoPrecision, float]:
        """The label and radius (metres) for an ACLED geo code (1-3) or a label.

        ``exact`` has no radius of its own: the source must state it.
        """
        label = precision if isinstance(precision, GeoPrecision) else geo_precision_of(precision)
        if label is GeoPrecision.TOWN:
            return label, self.town_radius_m
        if label is GeoPrecision.NEAR_TOWN:
            return label, self.near_town_radius_m
        if label is GeoPrecision.REGION:
            return label, self.region_radius_m
        raise InvalidInput(
            [Problem("geo_precision", "exact needs an explicit radius_m (metres, 0 allowed)")]
        )


def _is_distance(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )
