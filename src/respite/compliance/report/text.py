"""Plain-English pieces of a compliance report: local times, spans, distances, "why" lines.

Every time is shown in the pause's zone with the zone named (``2023-11-24 07:00 EET
(Asia/Gaza)``), because a reviewer checks it against announcements made in local time; JSON
carries the UTC instant alongside.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from respite.compliance.frame import WITHIN
from respite.schedule import from_utc_seconds


def local(seconds: int, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(seconds, tz)


def local_text(seconds: int, tz: ZoneInfo) -> str:
    """``2023-11-24 07:00 EET (Asia/Gaza)``; seconds only when there are some."""
    return f"{_clock(local(seconds, tz), date=True)} ({tz.key})"


def time_json(seconds: int, tz: ZoneInfo) -> dict[str, str]:
    """``{"utc": ..., "local": ..., "text": ...}``, a fresh dict each time (callers may edit)."""
    return dict(_time_json(seconds, tz))


# Reports repeat the same instants (window and row bounds) thousands of times.
@lru_cache(maxsize=65_536)
def _time_json(seconds: int, tz: ZoneInfo) -> tuple[tuple[str, str], ...]:
    moment = local(seconds, tz)
    utc = from_utc_seconds(seconds).isoformat().removesuffix("+00:00") + "Z"
    text = f"{_clock(moment, date=True)} ({tz.key})"
    return (("utc", utc), ("local", moment.isoformat()), ("text", text))


@lru_cache(maxsize=65_536)
def interval_text(start: int, end: int, tz: ZoneInfo) -> str:
    """``2024-09-01 06:00-15:00 EEST (Asia/Gaza)``, or both dates when they differ."""
    a, b = local(start, tz), local(end, tz)
    if a.date() == b.date() and a.tzname() == b.tzname():
        return (
            f"{a:%Y-%m-%d} {_clock(a, date=False, zone=False)}-{_clock(b, date=False)} ({tz.key})"
        )
    return f"{_clock(a, date=True)} - {_clock(b, date=True)} ({tz.key})"


def span_text(t_lo: int, t_hi: int, tz: ZoneInfo) -> str:
    """How an event is dated, read in local time: whole days and months are named as such."""
    a, b = local(t_lo, tz), local(t_hi, tz)
    midnight = a.time() == b.time() == datetime.min.time()
    if midnight:
        days = (b.date() - a.date()).days
        if days == 1:
            return f"dated {a:%Y-%m-%d} (whole day, {tz.key})"
        next_month = (a.replace(day=28) + timedelta(days=4)).replace(day=1)
        if a.day == 1 and b.date() == next_month.date():
            return f"dated {a:%Y-%m} (whole month, {tz.key})"
        last = b.date() - timedelta(days=1)
        return f"dated {a:%Y-%m-%d} to {last:%Y-%m-%d} ({days} whole days, {tz.key})"
    if t_hi - t_lo == 1:
        return f"at {local_text(t_lo, tz)}"
    return f"from {interval_text(t_lo, t_hi, tz)}"


def metres(value: float) -> str:
    """``800 m``, ``2 km``, ``2.3 km``."""
    if value < 1000:
        return f"{value:.0f} m"
    km = value / 1000
    return f"{km:.0f} km" if abs(km - round(km)) < 0.05 else f"{km:.1f} km"


def place_text(place: int, radius: float, inside: bool, edge: float, zone: str) -> str:
    """Why the event's disc is within or touching ``zone`` (``edge``: metres to its edge)."""
    where = f"{metres(edge)} {'inside' if inside else 'outside'}"
    if radius == 0:
        if place == WITHIN:
            return f"the point is inside {zone}, {metres(edge)} from its edge"
        return f"the point is on the edge of {zone}"
    if place == WITHIN:
        return f"{metres(radius)} around the point lies inside {zone} (point {where} the edge)"
    verb = "crosses the edge of" if inside else "reaches"
    return f"{metres(radius)} around the point {verb} {zone} (point {where} the edge)"


def why(
    *,
    t_lo: int,
    t_hi: int,
    time: int,
    target: str,
    place: str,
    tz: ZoneInfo,
) -> str:
    relation = "lies within" if time == WITHIN else "overlaps"
    return f"{span_text(t_lo, t_hi, tz)} {relation} {target}; {place}"


def _clock(moment: datetime, *, date: bool, zone: bool = True) -> str:
    # f-strings rather than strftime: a big report formats hundreds of thousands of times.
    m = moment
    text = f"{m.hour:02d}:{m.minute:02d}" + (f":{m.second:02d}" if m.second else "")
    if date:
        text = f"{m.year:04d}-{m.month:02d}-{m.day:02d} {text}"
    return f"{text} {m.tzname()}" if zone else text
