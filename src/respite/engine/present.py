"""Engine answers as plain JSON-ready dicts and readable time strings.

The same shapes serve ``respite check --json`` and the HTTP ``/v1/status`` answer, so that
the command line, the API and the map always say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from respite.engine.coverage import Expected, Match, NextWindow, Status
from respite.engine.route import RouteCheck, Stretch
from respite.pauses.model import MovementRule, Text
from respite.pauses.movement import MovementSpec
from respite.pauses.parts import FOREVER, BrokenReport
from respite.schedule import from_utc_seconds


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
    # en and ar are always present (ar may be null: the map and older clients read both).
    return {"en": text.en, "ar": text.ar, **text.languages}


def _maybe_utc(moment: datetime | None) -> str | None:
    return None if moment is None else iso_utc(moment)


def movement_to_json(movement: MovementSpec | None) -> dict[str, Any] | None:
    if movement is None:
        return None
    return {
        **movement.model_dump(mode="json", exclude={"text"}),
        "text": None if movement.text is None else _text(movement.text),
        "summary": movement.describe(),
    }


def movement_line(match: Match) -> str | None:
    """The part's movement rules in one English line, else the pause's old free-text ones."""
    return movement_summary(match.movement, match.movement_rules)


def movement_summary(movement: MovementSpec | None, rules: Sequence[MovementRule]) -> str | None:
    if movement is not None:
        return movement.describe()
    if rules:
        return " ".join(rule.text.en for rule in rules)
    return None


def broken_line(report: BrokenReport, tz: str) -> str:
    when = describe_time(from_utc_seconds(report.reported_at), tz)
    return f"announced, but reported broken on {when} by {report.reported_by} ({report.source})"


def expected_line(expected: Expected) -> str:
    """ "A window of 4 h is expected on this day between 06:00 and 18:00 ..."."""
    tz = ZoneInfo(expected.timezone)
    hours = expected.duration_s / 3600
    length = f"{hours:g} h" if hours >= 1 else f"{expected.duration_s // 60} min"
    return (
        f"a window of {length} is expected on this day between "
        f"{expected.span_start.astimezone(tz):%H:%M} and {expected.span_end.astimezone(tz):%H:%M} "
        f"({expected.timezone}); its time is announced {expected.notice_hours:g} hours before"
    )


def match_notes(match: Match) -> list[str]:
    """Plain lines that go under a match: version, broken reports, movement."""
    announced = (
        ""
        if match.version_announced_at is None
        else f", announced {describe_time(match.version_announced_at, match.timezone)}"
    )
    lines = [f"version {match.version}{announced}"]
    lines += [broken_line(report, match.timezone) for report in match.broken]
    movement = movement_line(match)
    if movement:
        lines.append(f"movement: {movement}")
    return lines


def broken_to_json(report: BrokenReport) -> dict[str, Any]:
    return {
        "from": iso_utc(from_utc_seconds(report.start)),
        "to": None if report.end >= FOREVER else iso_utc(from_utc_seconds(report.end)),
        "reported_by": report.reported_by,
        "reported_at": iso_utc(from_utc_seconds(report.reported_at)),
        "source": report.source,
        "version": report.version,
    }


def expected_to_json(expected: Expected) -> dict[str, Any]:
    return {
        "status": "expected",
        "id": expected.pause_id,
        "part": expected.part_id,
        "kind": expected.kind.value,
        "name": _text(expected.name),
        "version": expected.version,
        "between_start": iso_utc(expected.span_start),
        "between_end": iso_utc(expected.span_end),
        "between_start_local": iso_local(expected.span_start, expected.timezone),
        "between_end_local": iso_local(expected.span_end, expected.timezone),
        "duration_s": expected.duration_s,
        "notice_hours": expected.notice_hours,
        "timezone": expected.timezone,
        "message": expected_line(expected),
    }


def match_to_json(match: Match) -> dict[str, Any]:
    return {
        "id": match.pause_id,
        "part": match.part_id,
        "kind": match.kind.value,
        "name": _text(match.name),
        "version": match.version,
        "version_announced_at": _maybe_utc(match.version_announced_at),
        "status": "broken" if match.broken else "covered",
        "part_status": match.status.value,
        "broken": [broken_to_json(report) for report in match.broken],
        "movement": movement_to_json(match.movement),
        "movement_summary": movement_line(match),
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
        "expected": [expected_to_json(e) for e in status.expected],
        "known_at": _maybe_utc(status.known_at),
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
