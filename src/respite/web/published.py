"""What the public map downloads once and then answers from, also offline.

``/web/data.json`` carries, for the published pauses of one snapshot:

- ``features``: one per pause part, in the coverage engine's order, with the zone geometry at
  full precision (the exact doubles the engine tests against, not the 7-decimal GeoJSON
  export) and the part's windows as UTC seconds ``[start, end, start, end, ...]`` over the
  engine's horizon, clipped to it as the engine's index clips them. With these the page
  computes the same answer as ``/v1/status``, field for field.
- ``pauses``: what a pause's page shows (objectives, parties, movement rules, windows, version
  history with sources, SMS texts and links).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import Request
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from respite.engine.present import iso_utc
from respite.pauses.queries import list_versions
from respite.pauses.resolve import Part, Pause
from respite.schedule import utc_seconds
from respite.web.summary import sms_text

if TYPE_CHECKING:  # the web module is imported by respite.api.app: no import cycle at run time
    from respite.publication.cache import Snapshot

FORMAT = "respite-web-data/1"


@dataclass(frozen=True, slots=True)
class Published:
    """The serialised payload of one snapshot, with its ETag."""

    body: bytes
    etag: str


def snapshot_of(request: Request) -> Snapshot:
    snapshot: Snapshot = request.app.state.cache.get()
    return snapshot


def horizon_seconds(snapshot: Snapshot) -> tuple[int, int]:
    lo, hi = snapshot.engine.horizon
    return utc_seconds(lo), utc_seconds(hi)


def published(request: Request) -> Published:
    """The payload for the current snapshot, built once per snapshot."""
    snapshot = snapshot_of(request)
    key = ("web", "data")
    if key not in snapshot.memo:
        payload = build_payload(request, snapshot)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        digest = hashlib.sha256(body).hexdigest()[:16]
        snapshot.memo[key] = Published(body, f'"{snapshot.generation}-{digest}"')
    result: Published = snapshot.memo[key]
    return result


def build_payload(request: Request, snapshot: Snapshot) -> dict[str, Any]:
    lo, hi = horizon_seconds(snapshot)
    features = [
        _feature(pause, part, lo, hi) for pause in snapshot.pauses for part in pause.latest.parts
    ]
    history = _histories(request, snapshot)
    return {
        "format": FORMAT,
        "generation": snapshot.generation,
        "generated_at": iso_utc(datetime.now(UTC).replace(microsecond=0)),
        "horizon": [lo, hi],
        "features": features,
        "pauses": [_pause(pause, history.get(pause.id, []), lo, hi) for pause in snapshot.pauses],
    }


def _text(text: Any) -> dict[str, str | None] | None:
    if text is None:
        return None
    return {"en": text.en, "ar": text.ar}


def _geometry(zone: BaseGeometry) -> dict[str, Any]:
    # shapely's mapping keeps every coordinate as the engine holds it; json writes floats
    # with repr, which JavaScript parses back to the same double.
    geometry: dict[str, Any] = json.loads(json.dumps(mapping(zone)))
    return geometry


def _occurrences(part: Part, lo: int, hi: int) -> list[int]:
    flat: list[int] = []
    for start, end in part.coverage(lo, hi).clip(lo, hi):
        flat.extend((int(start), int(end)))
    return flat


def _objectives(pause: Pause, part: Part) -> list[dict[str, Any]]:
    # The shape of /v1/status "objectives" (respite.engine.present.match_to_json).
    return [
        {
            "id": o.id,
            "kind": o.kind.value,
            "description": _text(o.description),
            "target": o.target,
            "unit": o.unit,
            "per": o.per,
        }
        for o in pause.spec.objectives
        if o.part is None or o.part == part.id
    ]


def _feature(pause: Pause, part: Part, lo: int, hi: int) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": f"{pause.id}/{part.id}",
        "geometry": _geometry(part.zone),
        "properties": {
            "pause_id": pause.id,
            "part_id": part.id,
            "kind": pause.kind.value,
            "status": pause.latest.status.value,
            "version": pause.latest.version,
            "name": _text(part.name or pause.spec.name),
            "pause_name": _text(pause.spec.name),
            "timezone": pause.timezone,
            "objectives": _objectives(pause, part),
            "occurrences": _occurrences(part, lo, hi),
            "open_ended": part.is_open_ended,
            "approximation": part.zone_spec.approximation,
        },
    }


def _histories(request: Request, snapshot: Snapshot) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    with request.app.state.read_sessions() as session:
        for pause in snapshot.pauses:
            summaries = {a.version: (a.action.value, a.summary) for a in pause.spec.amendments}
            rows = []
            for row in list_versions(session, pause.id):
                action, summary = summaries.get(row.version, (None, None))
                rows.append(
                    {
                        "version": row.version,
                        "action": row.action.value,
                        "effective_at": None
                        if row.effective_at is None
                        else iso_utc(row.effective_at),
                        "recorded_at": iso_utc(row.recorded_at),
                        "sources": row.source or [],
                        "summary": _text(summary) if action == row.action.value else None,
                    }
                )
            out[pause.id] = rows
    return out


def _pause(pause: Pause, versions: list[dict[str, Any]], lo: int, hi: int) -> dict[str, Any]:
    spec = pause.spec
    document = spec.model_dump(mode="json", exclude_none=True)
    parts = [
        {
            "id": part.id,
            "name": _text(part.name or spec.name),
            "windows": [w for p in document["parts"] if p["id"] == part.id for w in p["windows"]],
            "approximation": part.zone_spec.approximation,
            "open_ended": part.is_open_ended,
            "occurrences": _occurrences(part, lo, hi)[: 2 * 60],
            "occurrence_count": len(_occurrences(part, lo, hi)) // 2,
        }
        for part in pause.latest.parts
    ]
    base = f"/v1/pauses/{pause.id}"
    return {
        "id": pause.id,
        "kind": pause.kind.value,
        "status": pause.latest.status.value,
        "version": pause.latest.version,
        "timezone": pause.timezone,
        "name": _text(spec.name),
        "summary": _text(spec.summary),
        "announced_at": document.get("announced_at"),
        "parties": document.get("parties", {}),
        "movement_rules": document.get("movement_rules", []),
        "notice": document.get("notice"),
        "objectives": document.get("objectives", []),
        "sources": document.get("sources", []),
        "parts": parts,
        "versions": versions,
        "sms": {"en": sms_text(pause, "en", lo, hi), "ar": sms_text(pause, "ar", lo, hi)},
        "links": {
            "self": base,
            "cap": f"/v1/cap?pause={pause.id}",
            "ical": f"/v1/feeds/pauses.ics?id={pause.id}",
            "geojson": f"/v1/feeds/pauses.geojson?id={pause.id}",
            "versions": f"{base}/versions",
            "summary_en": f"{base}/summary.txt?lang=en",
            "summary_ar": f"{base}/summary.txt?lang=ar",
            "print": f"/pauses/{pause.id}/print",
        },
    }
