"""GeoJSON (RFC 7946) export: one Feature per pause part, in the latest version.

Coordinates are [longitude, latitude] with counter-clockwise exterior rings and no ``crs``
member. Properties carry names in English and Arabic, the kind, status and version, the
windows in ISO 8601 UTC (for a span) and as RRULE text (for recurring ones), the approximation
note and the sources, so the file alone tells what the zone is and how sure we are of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from respite.geometry import to_geojson
from respite.pauses.resolve import Part, Pause, PauseVersion
from respite.schedule import OneOffWindow, RecurringWindow, from_utc_seconds


def pauses_to_geojson(
    pauses: Iterable[Pause], *, lo: datetime | None = None, hi: datetime | None = None
) -> dict[str, Any]:
    """A FeatureCollection; with ``lo``/``hi`` each feature also lists its occurrences."""
    features = [
        part_feature(pause, pause.latest, part, lo=lo, hi=hi)
        for pause in pauses
        for part in pause.latest.parts
    ]
    return {"type": "FeatureCollection", "features": features}


def part_feature(
    pause: Pause,
    version: PauseVersion,
    part: Part,
    *,
    lo: datetime | None = None,
    hi: datetime | None = None,
) -> dict[str, Any]:
    spec = pause.spec
    name = part.name or spec.name
    properties: dict[str, Any] = {
        "pause_id": pause.id,
        "part_id": part.id,
        "kind": pause.kind.value,
        "status": version.status.value,
        "part_status": part.status.value,
        "visibility": version.visibility.value,
        "version": version.version,
        "name_en": spec.name.en,
        "name_ar": spec.name.ar,
        "part_name_en": name.en,
        "part_name_ar": name.ar,
        "timezone": pause.timezone,
        "windows": [_window(w) for w in part.windows],
        "approximation": part.zone_spec.approximation,
        "movement": None if part.movement is None else part.movement.describe(),
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in spec.sources],
    }
    if lo is not None and hi is not None:
        coverage = part.coverage(int(lo.timestamp()), int(hi.timestamp()))
        properties["occurrences"] = [{"start": _iso(s), "end": _iso(e)} for s, e in coverage]
    return {
        "type": "Feature",
        "id": f"{pause.id}/{part.id}",
        "geometry": to_geojson(part.zone),
        "properties": properties,
    }


def _window(window: object) -> dict[str, Any]:
    if isinstance(window, OneOffWindow):
        return {
            "start": _iso(int(window.start.timestamp())),
            "end": None if window.end is None else _iso(int(window.end.timestamp())),
        }
    assert isinstance(window, RecurringWindow)
    return {
        "first_date": window.first_date.isoformat(),
        "start_time": window.start_time.strftime("%H:%M"),
        "duration_seconds": int(window.duration.total_seconds()),
        "timezone": window.timezone,
        "rrule": window.rule.to_rrule(),
        "exdates": sorted(d.isoformat() for d in window.exdates),
    }


def _iso(seconds: int) -> str:
    return from_utc_seconds(seconds).isoformat().replace("+00:00", "Z")
