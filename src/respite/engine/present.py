"""Engine answers as plain JSON-ready dicts and readable time strings.

The same shapes serve ``respite check --json`` and the HTTP ``/v1/status`` answer, so that
the command line, the API and the map always say the same thing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from respite.engine.coverage import Match, NextWindow, Status
from respite.engine.route import RouteCheck, Stretch
from respite.pauses.model import Text


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``: the one form every stored or exported time takes."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_local(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).isoformat()


def describe_time(moment: datetime, tz: str | None) -> str:
    """``2024-09-02 15:00 (Asia/Gaza, UTC+03) = 12:00 UTC``; UTC only when no zone is known."""
    utc = moment.astimezone(ZoneInfo("UTC"))
    if tz is None:
        return f"{utc:%Y-%m-%d %H:%M} UTC"
    local = moment.astimezone(ZoneInfo(tz))
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{local:%a %Y-%m-%d %H:%M} ({tz}, {offset}) = {utc:%Y-%m-%d %H:%M} UTC"


def _text(text: Text) -> dict[str, str | None]:
    return {"en": text.en, "ar": text.ar}


def match_to_json(match: Match) -> dict[str, Any]:
    return {
        "id": match.pause_id,
        "part": match.part_id,
        "kind": match.kind.value,
        "name": _text(match.name),
        "version": match.version,
        "window_start": iso_utc(match.window_start),
        "window_end": iso_utc(match.window_end),
        "window_end_local": iso_local(match.window_end, match.timezone),
        "timezone": match.timezone,
        "objectives": [
            {
                "id": o.id,
                "kind": o.kind.value,
                "description": _text(o.description),
                "target": o.target,
                "unit": o.unit,
                "per": o.per,
            }
            for o in match.objectives
        ],
    }


def next_window_to_json(window: NextWindow | None) -> dict[str, Any] | None:
    if window is None:
        return None
    return {
        "id": window.pause_id,
        "part": window.part_id,
        "kind": window.kind.value,
        "name": _text(window.name),
        "start": iso_utc(window.start),
        "end": iso_utc(window.end),
        "start_local": iso_local(window.start, window.timezone),
        "end_local": iso_local(window.end, window.timezone),
        "timezone": window.timezone,
    }


def status_to_json(status: Status) -> dict[str, Any]:
    return {
        "covered": status.covered,
        "lon": status.lon,
        "lat": status.lat,
        "at": iso_utc(status.at),
        "pauses": [match_to_json(m) for m in status.matches],
        "covered_until": None if status.covered_until is None else iso_utc(status.covered_until),
        "next_window": next_window_to_json(status.next_window),
    }


def _stretch(stretch: Stretch) -> dict[str, Any]:
    return {
        "from_km": stretch.from_km,
        "to_km": stretch.to_km,
        "start": iso_utc(stretch.start),
        "end": iso_utc(stretch.end),
        "start_point": list(stretch.start_point),
        "end_point": list(stretch.end_point),
        "pause_ids": list(stretch.pause_ids),
    }


def route_to_json(result: RouteCheck) -> dict[str, Any]:
    return {
        "departure": iso_utc(result.departure),
        "arrival": iso_utc(result.arrival),
        "length_km": result.length_km,
        "covered_fraction": round(result.covered_fraction, 4),
        "fully_covered": result.fully_covered,
        "uncovered": [_stretch(s) for s in result.uncovered],
        "covered": [_stretch(s) for s in result.covered],
    }
