"""The public map's server side: page, bundle, service worker, data, basemap, SMS, print."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point, shape

from respite.engine import CoverageEngine
from respite.pauses import Pause
from respite.schedule import utc_seconds
from respite.web import assets, basemap
from respite.web.summary import SMS_LIMIT, sms_text

PAUSES = [
    "jabalia-tactical-pause-2023-11-11",
    "kerem-shalom-road-tactical-pause-2024-06",
    "polio-round-1-2024-09",
    "salah-al-din-corridor-2023-11",
    "truce-2023-11-24",
]
needs_bundle = pytest.mark.skipif(
    bool(assets.bundle_missing()), reason="the bundle is not built (frontend/build.sh)"
)


@pytest.fixture(scope="module")
def data(client: TestClient) -> dict[str, Any]:
    response = client.get("/web/data.json")
    assert response.status_code == 200
    payload: dict[str, Any] = response.json()
    return payload


@needs_bundle
def test_page_links_the_versioned_bundle(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    version = assets.asset_version()
    assert f"/static/dist/app.js?v={version}" in response.text
    assert "__VERSION__" not in response.text
    bundle = client.get(f"/static/dist/app.js?v={version}")
    assert bundle.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert bundle.headers["content-encoding"] == "gzip"


@needs_bundle
def test_service_worker_has_root_scope_and_precaches_everything(client: TestClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["service-worker-allowed"] == "/"
    first = response.text.splitlines()[0]
    config = json.loads(first.removeprefix("self.RESPITE=").removesuffix(";"))
    assert "/" in config["precache"]
    assert "/web/data.json" in config["precache"]
    assert {f"/web/basemap/{name}.geojson" for name in basemap.LAYERS} <= set(config["precache"])
    for url in config["precache"]:
        assert client.get(url).status_code == 200, url


def test_missing_bundle_says_how_to_build(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assets, "bundle_missing", lambda: ["app.js"])
    response = client.get("/")
    assert response.status_code == 503
    assert "scripts/setup" in response.text


def test_static_paths_cannot_escape(client: TestClient) -> None:
    for path in ["/static/../routes.py", "/static/dist/../../routes.py", "/static/nope.js"]:
        assert client.get(path).status_code == 404, path
    assert client.get("/static/index.html").status_code == 404


def test_gzip_etag_and_not_modified(client: TestClient) -> None:
    response = client.get("/web/basemap/blocks.geojson", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    again = client.get(
        "/web/basemap/blocks.geojson", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304
    plain = client.get("/web/basemap/places.geojson", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_basemap_layers(client: TestClient) -> None:
    layers = {name: client.get(f"/web/basemap/{name}.geojson").json() for name in basemap.LAYERS}
    assert len(layers["governorates"]["features"]) == 5
    assert len(layers["blocks"]["features"]) == 326
    assert layers["blocks"]["truncated"] is True
    for feature in layers["blocks"]["features"] + layers["governorates"]["features"]:
        label = Point(feature["properties"]["label"])
        assert shape(feature["geometry"]).buffer(1e-6).contains(label)
    names = {f["properties"]["name_ar"] for f in layers["places"]["features"]}
    assert "جباليا" in names or any("جباليا" in n for n in names)
    assert {f["properties"]["id"] for f in layers["crossings"]["features"]} >= {"kerem-shalom"}
    assert client.get("/web/basemap/tiles.geojson").status_code == 404


def test_data_has_the_engine_zones_exactly(
    data: dict[str, Any], scenario: list[Pause], engine: CoverageEngine
) -> None:
    features = data["features"]
    # The engine's order: pauses as the snapshot holds them (by id), parts as declared.
    entries = sorted(
        ((p.id, i, part.id, part.zone) for p in scenario for i, part in enumerate(p.latest.parts)),
        key=lambda e: (e[0], e[1]),
    )
    assert [f["id"] for f in features] == [f"{p}/{q}" for p, _, q, _ in entries]
    for feature, (_, _, _, zone) in zip(features, entries, strict=True):
        # Not the 7-decimal export: the same doubles, so the page's answer is exact.
        assert shape(feature["geometry"]).equals_exact(zone, 0)
        occ = feature["properties"]["occurrences"]
        assert occ == sorted(occ)
        lo, hi = data["horizon"]
        assert all(lo <= s <= hi for s in occ)
    assert [p["id"] for p in data["pauses"]] == PAUSES


def test_data_pause_details(data: dict[str, Any]) -> None:
    polio = next(p for p in data["pauses"] if p["id"] == "polio-round-1-2024-09")
    central = next(o for o in polio["objectives"] if o["id"] == "central-children")
    assert central["target"] == 156500
    assert central["achieved"][0]["value"] == 187000
    assert polio["parties"]["implementing"][:2] == ["WHO", "UNICEF"]
    assert polio["links"]["ical"] == "/v1/feeds/pauses.ics?id=polio-round-1-2024-09"
    truce = next(p for p in data["pauses"] if p["id"] == "truce-2023-11-24")
    assert [v["version"] for v in truce["versions"]] == [1, 2, 3, 4]
    assert [v["action"] for v in truce["versions"]] == ["create", "extend", "extend", "end"]
    assert truce["versions"][1]["summary"]["en"].startswith("Extended by two days")
    assert truce["versions"][1]["sources"][0]["title"]
    assert truce["movement_rules"][0]["text"]["ar"]


def test_data_is_revalidated_by_etag(client: TestClient) -> None:
    first = client.get("/web/data.json")
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/web/data.json", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("pause_id", PAUSES)
def test_sms_summary_fits_one_message(client: TestClient, pause_id: str, lang: str) -> None:
    response = client.get(f"/v1/pauses/{pause_id}/summary.txt", params={"lang": lang})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    text = response.text
    assert 20 < len(text) <= SMS_LIMIT
    assert ("بتوقيت غزة" if lang == "ar" else "Gaza time") in text


def test_sms_texts(client: TestClient) -> None:
    polio = client.get("/v1/pauses/polio-round-1-2024-09/summary.txt?lang=en").text
    assert "Central Gaza 1-4 Sep" in polio
    assert "06:00-15:00" in polio
    polio_ar = client.get("/v1/pauses/polio-round-1-2024-09/summary.txt?lang=ar").text
    assert "١-٤ أيلول" in polio_ar
    assert "٠٦:٠٠-١٥:٠٠" in polio_ar
    road = client.get("/v1/pauses/kerem-shalom-road-tactical-pause-2024-06/summary.txt?lang=en")
    assert "daily 08:00-19:00 from 16 Jun until further notice" in road.text
    truce = client.get("/v1/pauses/truce-2023-11-24/summary.txt?lang=en").text
    assert truce.startswith("Ended: ")
    assert "24 Nov 07:00 - 1 Dec 07:00" in truce
    assert client.get("/v1/pauses/nope/summary.txt").status_code == 404
    assert client.get("/v1/pauses/truce-2023-11-24/summary.txt?lang=fr").status_code == 422


def test_sms_is_cut_with_an_ellipsis_only_when_nothing_fits(
    scenario: list[Pause], engine: CoverageEngine
) -> None:
    lo, hi = (utc_seconds(t) for t in engine.horizon)
    for pause in scenario:
        for lang in ("en", "ar"):
            text = sms_text(pause, lang, lo, hi)
            assert len(text) <= SMS_LIMIT
            assert "…" not in text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_printable_sheet(client: TestClient, lang: str) -> None:
    response = client.get("/pauses/polio-round-1-2024-09/print", params={"lang": lang})
    assert response.status_code == 200
    html = response.text
    assert "<svg" in html
    assert 'id="hatch"' in html
    assert "@page" in html
    if lang == "ar":
        assert 'dir="rtl"' in html
        assert "بتوقيت غزة (Asia/Gaza)" in html
        assert "١-٤ أيلول ٠٦:٠٠-١٥:٠٠" in html
    else:
        assert "Gaza time (Asia/Gaza)" in html
        assert "1-4 Sep 06:00-15:00" in html
    assert client.get("/pauses/nope/print").status_code == 404


def test_gzip_round_trip(client: TestClient) -> None:
    raw = client.get("/web/data.json", headers={"Accept-Encoding": "gzip"})
    # httpx decodes transparently; the body is the JSON.
    assert raw.json()["format"] == "respite-web-data/1"
    assert gzip.decompress(gzip.compress(raw.content)) == raw.content
