"""Plans, times and outcomes as JSON-ready dicts and sentences (pure: no web, no database).

Every time is given in UTC (``...Z``) and, beside it, in the document's local zone with its
offset (``..._local``); the zone is named in ``timezone``. Sentences name the zone too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from respite.engine.route import Stretch
from respite.movements.planning import Fit, Plan
from respite.schedule import IntervalSet, from_utc_seconds, utc_seconds


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local(moment: datetime | None, tz: str) -> str | None:
    return None if moment is None else moment.astimezone(ZoneInfo(tz)).isoformat()


def times(tz: str, **moments: datetime | None) -> dict[str, str | None]:
    """``{name: utc, name_local: local}`` for each moment."""
    out: dict[str, str | None] = {}
    for name, moment in moments.items():
        out[name] = iso(moment)
        out[f"{name}_local"] = local(moment, tz)
    return out


def clock(moment: datetime, tz: str) -> str:
    """``Sun 2023-11-05 09:00``, local."""
    return f"{moment.astimezone(ZoneInfo(tz)):%a %Y-%m-%d %H:%M}"


def zone_label(moment: datetime, tz: str) -> str:
    offset = moment.astimezone(ZoneInfo(tz)).strftime("%z")
    return f"{tz}, UTC{offset[:3]}:{offset[3:]}"


def span_text(start: datetime, end: datetime, tz: str) -> str:
    """``Sun 2023-11-05 09:00-10:00 (Asia/Gaza, UTC+02:00)``."""
    first, last = start.astimezone(ZoneInfo(tz)), end.astimezone(ZoneInfo(tz))
    tail = f"{last:%H:%M}" if first.date() == last.date() else clock(end, tz)
    return f"{clock(start, tz)}-{tail} ({zone_label(start, tz)})"


def minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def _stretch(stretch: Stretch, tz: str) -> dict[str, Any]:
    return {
        "from_km": stretch.from_km,
        "to_km": stretch.to_km,
        **times(tz, start=stretch.start, end=stretch.end),
        "start_point": list(stretch.start_point),
        "end_point": list(stretch.end_point),
        "pause_ids": list(stretch.pause_ids),
        "text": f"km {stretch.from_km:.1f}-{stretch.to_km:.1f}, "
        f"{span_text(stretch.start, stretch.end, tz)}",
    }


def _fit(fit: Fit, tz: str) -> dict[str, Any]:
    return {
        **times(tz, earliest=fit.earliest, latest=fit.latest, arrival_by=fit.arrival_by),
        "pause_ids": list(fit.pause_ids),
        "text": f"depart {span_text(fit.earliest, fit.latest, tz)}, "
        f"arrive by {clock(fit.arrival_by, tz)}",
    }


def plan_summary(plan: Plan, tz: str) -> str:
    check = plan.check
    trip = (
        f"The planned trip ({plan.route.length_km:.1f} km, {minutes(plan.travel):.0f} min, "
        f"{span_text(check.departure, check.arrival, tz)})"
    )
    if check.fully_covered:
        first = f"{trip} lies inside pause coverage all the way."
    else:
        outside = "; ".join(
            f"km {s.from_km:.1f}-{s.to_km:.1f}, {span_text(s.start, s.end, tz)}"
            for s in check.uncovered
        )
        first = f"{trip} is outside pause coverage on: {outside}."
    days = round((plan.search_to - plan.search_from) / timedelta(days=1))
    if plan.fits:
        listed = "; ".join(span_text(f.earliest, f.latest, tz) for f in plan.fits)
        second = f"Departures that keep the whole trip covered (next {days} days): {listed}."
    else:
        second = f"No departure in the next {days} days keeps the whole trip covered."
    return f"{first} {second}"


def plan_to_json(plan: Plan, tz: str) -> dict[str, Any]:
    check = plan.check
    return {
        "timezone": tz,
        "route": {
            "description": plan.route.description,
            "length_km": plan.route.length_km,
            "area": plan.route.area.value,
            "destination_pcode": plan.route.destination_pcode,
            "start": list(plan.route.coordinates[0]),
            "end": list(plan.route.coordinates[-1]),
        },
        "travel_minutes": minutes(plan.travel),
        "speed_kmh": plan.speed_kmh,
        "planned_trip": {
            **times(tz, departure=check.departure, arrival=check.arrival),
            "fully_covered": check.fully_covered,
            "covered_fraction": round(check.covered_fraction, 4),
        },
        "outside_coverage": [_stretch(s, tz) for s in check.uncovered],
        "covered": [_stretch(s, tz) for s in check.covered],
        "search": times(tz, **{"from": plan.search_from, "to": plan.search_to}),
        "fitting_departures": [_fit(f, tz) for f in plan.fits],
        "fits_planned_window": plan.fits_planned_window,
        "pause_ids": list(plan.pause_ids),
        "warnings": list(plan.warnings),
        "summary": plan_summary(plan, tz),
    }


def usable_window(
    window: IntervalSet, delays: Sequence[tuple[datetime, datetime]], tz: str
) -> dict[str, Any]:
    """How much of the pause window along the route was usable, given the recorded waits."""
    waits = IntervalSet.from_pairs((utc_seconds(a), utc_seconds(b)) for a, b in delays)
    lost = window & waits
    return {
        "windows": [
            times(tz, start=from_utc_seconds(s), end=from_utc_seconds(e)) for s, e in window
        ],
        "window_minutes": round(window.total_seconds() / 60, 1),
        "delay_minutes": round(waits.total_seconds() / 60, 1),
        "delay_in_window_minutes": round(lost.total_seconds() / 60, 1),
        "usable_minutes": round((window - waits).total_seconds() / 60, 1),
    }
