"""Serving the page's files: gzip when the client accepts it, ETags, and cache lifetimes.

The built bundle lives in ``static/dist`` (made by ``frontend/build.mjs`` from npm packages);
``asset_version`` is a digest of it, put into the page's URLs so browsers and the service worker
fetch a new bundle exactly when it changed.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

from fastapi import Request, Response

STATIC = "static"
DIST = ("static", "dist")
#: Bundle files the page needs; the router answers 503 with a hint when one is missing.
BUNDLE = ("app.js", "app.css", "sw.js")
_MIN_GZIP = 512
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webmanifest": "application/manifest+json",
}


def root() -> Traversable:
    return resources.files("respite.web")


def static_file(*parts: str) -> Traversable | None:
    """A file under ``static/`` by path segments; None if absent or the path escapes."""
    if any(p in ("", ".", "..") or "/" in p or "\\" in p for p in parts):
        return None
    node = root() / STATIC
    for part in parts:
        node = node / part
    return node if node.is_file() else None


def bundle_missing() -> list[str]:
    return [name for name in BUNDLE if static_file("dist", name) is None]


@cache
def _read(path: str) -> bytes:
    node = root()
    for part in path.split("/"):
        node = node / part
    return node.read_bytes()


def read_static(*parts: str) -> bytes:
    return _read("/".join((STATIC, *parts)))


def asset_version() -> str:
    """A short digest of the built bundle."""
    digest = hashlib.sha256()
    for name in BUNDLE:
        digest.update(read_static("dist", name))
    return digest.hexdigest()[:12]


def media_type(name: str) -> str:
    for suffix, kind in _TYPES.items():
        if name.endswith(suffix):
            return kind
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


@lru_cache(maxsize=64)
def _gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=9, mtime=0)


def send(
    request: Request,
    body: bytes,
    media: str,
    *,
    cache_control: str,
    etag: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """``body`` gzipped when accepted, with an ETag (304 when it matches If-None-Match)."""
    etag = etag or f'"{hashlib.sha256(body).hexdigest()[:20]}"'
    out = {"Cache-Control": cache_control, "ETag": etag, "Vary": "Accept-Encoding"}
    out.update(headers or {})
    match = request.headers.get("if-none-match", "")
    if etag in (t.strip().removeprefix("W/") for t in match.split(",")):
        return Response(status_code=304, headers=out)
    accepts = request.headers.get("accept-encoding", "")
    if len(body) >= _MIN_GZIP and "gzip" in accepts:
        out["Content-Encoding"] = "gzip"
        return Response(_gzipped(body), media_type=media, headers=out)
    return Response(body, media_type=media, headers=out)
