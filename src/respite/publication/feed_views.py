"""Standard feeds of the published pauses: GeoJSON, iCalendar, HXL CSV, CAP 1.2 with Atom,
and OGC API - Features. All come from the same snapshot the status answer uses, so every
format says the same thing at the same moment.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from respite.audit.canonical import canonical_json
from respite.audit.publish import CHECKPOINT_PATH
from respite.errors import InvalidInput, LedgerUnavailable, NotFound
from respite.feeds import (
    CapAlert,
    alert_xml,
    cap_atom_feed,
    occurrences_hxl_csv,
    part_feature,
    pause_alerts,
    pauses_hxl_csv,
    pauses_to_geojson,
    pauses_to_ical,
)
from respite.httpkit.params import parse_bbox
from respite.pauses.resolve import Pause
from respite.publication.cache import Snapshot
from respite.schedule import utc_seconds

router = APIRouter(prefix="/v1", tags=["feeds"])

GEOJSON = "application/geo+json"
CAP_XML = "application/cap+xml"
ATOM = "application/atom+xml"
#: CAP alerts are for what is current: by default a week back and two weeks ahead.
CAP_PAST = timedelta(days=7)
CAP_AHEAD = timedelta(days=14)
MAX_FEED_SPAN = timedelta(days=400)


def _snapshot(request: Request) -> Snapshot:
    snapshot: Snapshot = request.app.state.cache.get()
    return snapshot


def _selected(snapshot: Snapshot, pause_id: str | None) -> tuple[Pause, ...]:
    if pause_id is None:
        return snapshot.pauses
    pause = snapshot.pause(pause_id)
    if pause is None:
        raise NotFound(f"no published pause {pause_id!r}")
    return (pause,)


def _cached(response_type: str, body: bytes | str, *, max_age: int = 60) -> Response:
    return Response(
        body, media_type=response_type, headers={"Cache-Control": f"public, max-age={max_age}"}
    )


@router.get("/feeds/pauses.geojson")
def geojson(
    request: Request, pause_id: Annotated[str | None, Query(alias="id")] = None
) -> Response:
    """RFC 7946 FeatureCollection: one feature per part of each published pause."""
    collection = pauses_to_geojson(_selected(_snapshot(request), pause_id))
    return _cached(GEOJSON, json.dumps(collection, ensure_ascii=False))


@router.get("/feeds/pauses.ics")
def ical(request: Request, pause_id: Annotated[str | None, Query(alias="id")] = None) -> Response:
    """RFC 5545 calendar: a VEVENT per window with RRULE/EXDATE/VTIMEZONE/SEQUENCE/STATUS."""
    return _cached(
        "text/calendar; charset=utf-8", pauses_to_ical(_selected(_snapshot(request), pause_id))
    )


@router.get("/feeds/pauses.hxl.csv")
def hxl_pauses(request: Request) -> Response:
    """HXL-tagged CSV, one row per pause part."""
    return _cached("text/csv; charset=utf-8", pauses_hxl_csv(_snapshot(request).pauses))


@router.get("/feeds/occurrences.hxl.csv")
def hxl_occurrences(
    request: Request,
    start: Annotated[datetime, Query(alias="from")],
    end: Annotated[datetime, Query(alias="to")],
) -> Response:
    """HXL-tagged CSV, one row per window between two times."""
    lo, hi = _span(start, end)
    return _cached(
        "text/csv; charset=utf-8", occurrences_hxl_csv(_snapshot(request).pauses, lo, hi)
    )


# -- CAP ---------------------------------------------------------------------------------------


def _alerts(
    request: Request, snapshot: Snapshot, pauses: tuple[Pause, ...], lo: int, hi: int
) -> list[CapAlert]:
    key = ("cap", tuple(p.id for p in pauses), lo // 60, hi // 60)
    memo = snapshot.memo
    if key not in memo:
        sender = request.app.state.settings.cap_sender
        alerts = [a for p in pauses for a in pause_alerts(p, sender=sender, lo=lo, hi=hi)]
        memo[key] = sorted(alerts, key=lambda a: (a.sent, a.identifier), reverse=True)
    alerts_out: list[CapAlert] = memo[key]
    return alerts_out


def _checkpoint_json(request: Request) -> str | None:
    """The ledger's latest signed checkpoint for the feed, or None when none can be signed
    (the feed is still served; /v1/audit/checkpoint says why)."""
    try:
        return canonical_json(request.app.state.checkpoints.current())
    except LedgerUnavailable:
        return None


@router.get("/cap")
async def cap_feed(
    request: Request,
    pause_id: Annotated[str | None, Query(alias="pause")] = None,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> Response:
    """Atom feed of CAP 1.2 alerts whose windows overlap [from, to) (default: now -7 d, +14 d)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    lo, hi = _span(start or now - CAP_PAST, end or now + CAP_AHEAD)
    snapshot = _snapshot(request)
    pauses = _selected(snapshot, pause_id)
    # The rendered feed is kept with the snapshot: building the XML costs far more than
    # serving it, and the answer only changes with the data or the minute.
    key = ("cap-feed", tuple(p.id for p in pauses), lo // 60, hi // 60, str(request.url))
    if key not in snapshot.memo:
        alerts = _alerts(request, snapshot, pauses, lo, hi)
        base = request.app.state.settings.base_url
        snapshot.memo[key] = cap_atom_feed(
            alerts,
            feed_id=f"{base}/v1/cap",
            self_url=str(request.url),
            alert_url=lambda a: f"{base}/v1/cap/alerts/{a.identifier}",
            updated=datetime.fromtimestamp(max((a.sent for a in alerts), default=lo), UTC),
            checkpoint=await run_in_threadpool(_checkpoint_json, request),
            checkpoint_url=f"{base}{CHECKPOINT_PATH}",
        )
    feed: bytes = snapshot.memo[key]
    return _cached(ATOM, feed, max_age=30)


@router.get("/cap/alerts/{identifier}")
def cap_alert(request: Request, identifier: str) -> Response:
    """One CAP alert by its identifier (``respite:PAUSE:PART:START:vN``)."""
    parts = identifier.split(":")
    if len(parts) != 5 or parts[0] != "respite":
        raise NotFound(f"no alert {identifier!r}")
    try:
        start = utc_seconds(datetime.strptime(parts[3], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC))
    except ValueError:
        raise NotFound(f"no alert {identifier!r}") from None
    snapshot = _snapshot(request)
    pause = snapshot.pause(parts[1])
    if pause is None:
        raise NotFound(f"no alert {identifier!r}")
    for alert in _alerts(request, snapshot, (pause,), start, start + 1):
        if alert.identifier == identifier:
            return _cached(CAP_XML, alert_xml(alert), max_age=300)
    raise NotFound(f"no alert {identifier!r}")


# -- OGC API - Features ------------------------------------------------------------------------

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]


def _collection(request: Request) -> dict[str, Any]:
    snapshot = _snapshot(request)
    bounds = [part.zone.bounds for pause in snapshot.pauses for part in pause.latest.parts]
    extent = (
        [
            min(b[0] for b in bounds),
            min(b[1] for b in bounds),
            max(b[2] for b in bounds),
            max(b[3] for b in bounds),
        ]
        if bounds
        else [-180, -90, 180, 90]
    )
    return {
        "id": "pauses",
        "title": "Humanitarian pauses (one feature per pause part)",
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "extent": {"spatial": {"bbox": [extent]}},
        "links": [
            {"href": "/v1/collections/pauses", "rel": "self", "type": "application/json"},
            {"href": "/v1/collections/pauses/items", "rel": "items", "type": GEOJSON},
        ],
    }


@router.get("")
def landing() -> dict[str, Any]:
    return {
        "title": "Respite",
        "description": "Humanitarian pauses: status, feeds and OGC API - Features",
        "links": [
            {"href": "/v1", "rel": "self", "type": "application/json"},
            {
                "href": "/openapi.json",
                "rel": "service-desc",
                "type": "application/vnd.oai.openapi+json;version=3.0",
            },
            {"href": "/v1/conformance", "rel": "conformance", "type": "application/json"},
            {"href": "/v1/collections", "rel": "data", "type": "application/json"},
        ],
    }


@router.get("/conformance")
def conformance() -> dict[str, Any]:
    return {"conformsTo": CONFORMANCE}


@router.get("/collections")
def collections(request: Request) -> dict[str, Any]:
    return {
        "collections": [_collection(request)],
        "links": [{"href": "/v1/collections", "rel": "self", "type": "application/json"}],
    }


@router.get("/collections/pauses")
def pauses_collection(request: Request) -> dict[str, Any]:
    return _collection(request)


@router.get("/collections/pauses/items")
def items(
    request: Request,
    bbox: Annotated[str | None, Query()] = None,
    datetime_: Annotated[str | None, Query(alias="datetime")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """Features filtered by bbox and by an RFC 3339 instant or interval (``a/b``, ``../b``)."""
    snapshot = _snapshot(request)
    box_ = parse_bbox(bbox) if bbox else None
    span = _ogc_datetime(datetime_, snapshot) if datetime_ else None
    features = []
    for pause in snapshot.pauses:
        for part in pause.latest.parts:
            if box_ is not None and not box_.intersects(part.zone):
                continue
            if span is not None and part.coverage(*span).is_empty:
                continue
            features.append(part_feature(pause, pause.latest, part))
    page = features[offset : offset + limit]
    links = [{"href": str(request.url), "rel": "self", "type": GEOJSON}]
    if offset + limit < len(features):
        links.append(
            {
                "href": str(request.url.include_query_params(offset=offset + limit)),
                "rel": "next",
                "type": GEOJSON,
            }
        )
    body = {
        "type": "FeatureCollection",
        "features": page,
        "numberMatched": len(features),
        "numberReturned": len(page),
        "timeStamp": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "links": links,
    }
    return _cached(GEOJSON, json.dumps(body, ensure_ascii=False))


@router.get("/collections/pauses/items/{feature_id:path}")
def item(request: Request, feature_id: str) -> Response:
    pause_id, _, part_id = feature_id.partition("/")
    snapshot = _snapshot(request)
    pause = snapshot.pause(pause_id)
    part = next((p for p in pause.latest.parts if p.id == part_id), None) if pause else None
    if pause is None or part is None:
        raise NotFound(f"no feature {feature_id!r} (ids are PAUSE/PART)")
    return _cached(GEOJSON, json.dumps(part_feature(pause, pause.latest, part), ensure_ascii=False))


# -- time arguments ----------------------------------------------------------------------------


def _span(start: datetime, end: datetime) -> tuple[int, int]:
    for name, value in (("from", start), ("to", end)):
        if value.tzinfo is None:
            raise InvalidInput("add a UTC offset (e.g. Z or +03:00)", location=name)
    lo, hi = utc_seconds(start), utc_seconds(end)
    if hi <= lo:
        raise InvalidInput("to must be after from", location="to")
    if hi - lo > MAX_FEED_SPAN.total_seconds():
        raise InvalidInput(f"the span may be at most {MAX_FEED_SPAN.days} days", location="to")
    return lo, hi


def _ogc_datetime(text: str, snapshot: Snapshot) -> tuple[int, int]:
    """An OGC ``datetime``: an instant, or ``start/end`` with ``..`` for an open end.

    An open end is taken as the edge of the engine's horizon: windows "until further notice"
    are only expanded that far.
    """
    horizon = tuple(utc_seconds(t) for t in snapshot.engine.horizon)

    def instant(value: str, *, end: bool) -> int:
        if value in ("..", ""):
            return horizon[1] if end else horizon[0]
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"{value!r} is not RFC 3339", location="datetime") from None
        if moment.tzinfo is None:
            raise InvalidInput("add a UTC offset (e.g. Z)", location="datetime")
        return utc_seconds(moment)

    if "/" in text:
        first, _, last = text.partition("/")
        lo, hi = instant(first, end=False), instant(last, end=True)
        if hi <= lo:
            raise InvalidInput("the interval must end after it starts", location="datetime")
        return lo, hi
    at = instant(text, end=False)
    return at, at + 1
