"""The public map's routes: the page, its bundle, the service worker, the offline data,
basemap layers, and the SMS and printable forms of each pause.

| route | what |
|---|---|
| ``GET /`` | the page (``static/index.html``) |
| ``GET /static/{path}`` | the built bundle (``static/dist``, from npm packages) and icons |
| ``GET /sw.js`` | the service worker, at the root so its scope is the whole site |
| ``GET /web/data.json`` | published zones with windows over the engine's horizon, and pauses |
| ``GET /web/basemap/{layer}.geojson`` | strip, governorates, blocks, places, crossings, roads |
| ``GET /v1/pauses/{id}/summary.txt?lang=ar|en`` | at most 160 characters, for SMS |
| ``GET /pauses/{id}/print?lang=ar|en`` | a one-page printable sheet (map, times, text) |
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from respite.engine.present import iso_utc
from respite.errors import NotFound
from respite.web import assets, basemap
from respite.web.published import horizon_seconds, published, snapshot_of
from respite.web.sheet import sheet_html
from respite.web.summary import sms_text

router = APIRouter(tags=["public map"])

Lang = Annotated[Literal["ar", "en"], Query(description="ar (default) or en")]
#: Revalidate the page and data each time (cheap 304s); the bundle's URLs carry its version.
FRESH = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
BASEMAP = "public, max-age=86400"

_MISSING = """<!doctype html><meta charset="utf-8"><title>Respite: map not built</title>
<p>The map's bundle is not built ({missing}). Run <code>scripts/setup</code> (it runs
<code>npm ci</code> and the build in <code>src/respite/web/frontend</code>).</p>"""


def _precache(request: Request) -> list[str]:
    """What the service worker stores on the first visit: the page, its bundle, the basemap,
    the data, and each published pause's printable sheets and SMS texts."""
    version = assets.asset_version()
    per_pause = [
        url
        for pause in snapshot_of(request).pauses
        for lang in ("ar", "en")
        for url in (
            f"/pauses/{pause.id}/print?lang={lang}",
            f"/v1/pauses/{pause.id}/summary.txt?lang={lang}",
        )
    ]
    return [
        "/",
        f"/static/dist/app.js?v={version}",
        f"/static/dist/app.css?v={version}",
        "/static/icon.svg",
        "/web/data.json",
        *(f"/web/basemap/{name}.geojson" for name in basemap.LAYERS),
        *per_pause,
    ]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request) -> Response:
    missing = assets.bundle_missing()
    if missing:
        return HTMLResponse(_MISSING.format(missing=", ".join(missing)), status_code=503)
    html = assets.read_static("index.html").decode()
    html = html.replace("__VERSION__", assets.asset_version())
    return assets.send(request, html.encode(), assets.media_type(".html"), cache_control=FRESH)


@router.get("/sw.js", include_in_schema=False)
def service_worker(request: Request) -> Response:
    missing = assets.bundle_missing()
    if missing:
        raise NotFound(f"the map's bundle is not built ({', '.join(missing)})")
    config = {"version": assets.asset_version(), "precache": _precache(request)}
    body = f"self.RESPITE={json.dumps(config)};\n".encode() + assets.read_static("dist", "sw.js")
    return assets.send(
        request,
        body,
        assets.media_type(".js"),
        cache_control=FRESH,
        headers={"Service-Worker-Allowed": "/"},
    )


@router.get("/static/{path:path}", include_in_schema=False)
def static(request: Request, path: str) -> Response:
    parts = path.split("/")
    node = assets.static_file(*parts)
    if node is None or parts[-1] == "index.html":
        raise NotFound(f"no file {path!r}")
    cache = IMMUTABLE if request.query_params.get("v") else "public, max-age=300"
    return assets.send(
        request, assets.read_static(*parts), assets.media_type(parts[-1]), cache_control=cache
    )


@router.get("/web/data.json", include_in_schema=False)
def data(request: Request) -> Response:
    """Everything the page answers from, for the current published snapshot."""
    payload = published(request)
    return assets.send(
        request, payload.body, "application/json", cache_control=FRESH, etag=payload.etag
    )


@router.get("/web/basemap/{name}.geojson", include_in_schema=False)
def basemap_layer(request: Request, name: str) -> Response:
    if name not in basemap.LAYERS:
        raise NotFound(f"no basemap layer {name!r}; layers: {', '.join(basemap.LAYERS)}")
    return assets.send(
        request, basemap.layer_bytes(name), "application/geo+json", cache_control=BASEMAP
    )


@router.get("/v1/pauses/{pause_id}/summary.txt", tags=["feeds"])
def summary(request: Request, pause_id: str, lang: Lang = "ar") -> Response:
    """A plain-text summary of a published pause, at most 160 characters (one SMS)."""
    snapshot = snapshot_of(request)
    pause = snapshot.pause(pause_id)
    if pause is None:
        raise NotFound(f"no published pause {pause_id!r}")
    text = sms_text(pause, lang, *horizon_seconds(snapshot))
    return Response(
        text,
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": "public, max-age=60", "Content-Language": lang},
    )


@router.get("/pauses/{pause_id}/print", response_class=HTMLResponse, include_in_schema=False)
def printable(request: Request, pause_id: str, lang: Lang = "ar") -> Response:
    """A one-page printable sheet: map, windows in local time, SMS text, sources."""
    snapshot = snapshot_of(request)
    pause = snapshot.pause(pause_id)
    if pause is None:
        raise NotFound(f"no published pause {pause_id!r}")
    key = ("web", "print", pause_id, lang)
    if key not in snapshot.memo:
        generated = iso_utc(datetime.now(UTC).replace(microsecond=0))
        html = sheet_html(pause, lang, *horizon_seconds(snapshot), generated=generated)
        snapshot.memo[key] = html.encode()
    body: bytes = snapshot.memo[key]
    return assets.send(request, body, assets.media_type(".html"), cache_control=FRESH)
