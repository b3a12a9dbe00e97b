"""The public map in a real browser (Debian's Chromium through Playwright), on the real
scenario served by a live server. Screenshots go to ``test-artifacts/web/``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from shapely.geometry import Point, shape

CENTRAL = "polio-round-1-2024-09/central"
# Deir al-Balah, inside the polio central zone (Deir al-Balah governorate).
DEIR = (34.3510, 31.4171)
# 2 September 2024 in Gaza (UTC+03:00): the central zone is paused 06:00-15:00.
SEP2 = "2024-09-02"
FIRST_LOAD_LIMIT = 500_000


def open_map(page: Any, hash_: str = "") -> None:
    page.goto(f"/{'#' + hash_ if hash_ else ''}")
    page.wait_for_function(
        "() => window.respite && (window.respite.state.data || window.respite.error)"
    )
    assert page.evaluate("window.respite.error || null") is None
    page.wait_for_selector("#map path[data-zone], #zone-list li")


def server_status(base: str, lon: float, lat: float, at: str) -> dict[str, Any]:
    response = httpx.get(f"{base}/v1/status", params={"lon": repr(lon), "lat": repr(lat), "at": at})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    answer.pop("data_generation")
    return answer


def set_moment(page: Any, day: str, minutes: int) -> None:
    page.fill("#day", day)
    page.fill("#clock", str(minutes))


def zone_state(page: Any, zone: str) -> str | None:
    item = page.locator(f'#zone-list li[data-zone="{zone}"]')
    return item.get_attribute("data-state") if item.count() else None


def test_page_loads_with_the_scenario(page: Any, artefacts: Path) -> None:
    open_map(page)
    assert page.title().startswith("Respite")
    # "now" by default, named in Gaza time
    assert "Gaza time (Asia/Gaza, UTC+" in page.inner_text("#moment")
    assert page.get_attribute("#now", "aria-pressed") == "true"
    assert page.locator("#pause-list li").count() == 5
    # the offline basemap: strip, governorates, blocks, roads drawn from shipped data
    assert page.locator(".leaflet-pane path").count() > 300
    assert page.locator(".lbl-place").count() >= 20
    assert page.locator(".lbl-crossing").count() == 3
    page.screenshot(path=artefacts / "01-now.png")


def test_time_control_moves_into_and_out_of_the_polio_window(page: Any, artefacts: Path) -> None:
    open_map(page)
    set_moment(page, SEP2, 5 * 60)  # 05:00: the window opens at 06:00
    assert zone_state(page, CENTRAL) == "later"
    assert "starts in 1 h" in page.inner_text(f'#zone-list li[data-zone="{CENTRAL}"]')
    set_moment(page, SEP2, 10 * 60)  # 10:00: inside
    assert zone_state(page, CENTRAL) == "active"
    assert page.get_attribute(f'#map path[data-zone="{CENTRAL}"]', "data-state") == "active"
    assert "ends in 5 h" in page.inner_text(f'#zone-list li[data-zone="{CENTRAL}"]')
    assert "2 September 2024" in page.inner_text("#moment")
    assert "10:00 Gaza time" in page.inner_text("#moment")
    assert "UTC+03:00" in page.inner_text("#moment")
    page.screenshot(path=artefacts / "02-polio-active.png")
    # keyboard: the slider moves by 5 minutes; the window ends at 15:00 (exclusive)
    set_moment(page, SEP2, 14 * 60 + 55)
    assert zone_state(page, CENTRAL) == "active"
    page.focus("#clock")
    page.keyboard.press("ArrowRight")
    assert page.input_value("#clock") == str(15 * 60)
    assert zone_state(page, CENTRAL) is None  # not active, not later today: not listed
    page.check("#show-inactive")
    assert zone_state(page, CENTRAL) == "inactive"
    page.screenshot(path=artefacts / "03-polio-ended.png")
    # across days: the next day the window is due again
    page.click("#next-day")
    assert page.input_value("#day") == "2024-09-03"
    page.fill("#clock", str(5 * 60))
    assert zone_state(page, CENTRAL) == "later"


def test_click_a_point_in_a_zone(page: Any, live_server: str, artefacts: Path) -> None:
    open_map(page, "t=2024-09-02T07:00:00Z")
    page.evaluate("([lon, lat]) => window.respite.view(lon, lat, 12)", list(DEIR))
    x, y = page.evaluate("([lon, lat]) => window.respite.pixel(lon, lat)", list(DEIR))
    page.mouse.click(x, y)
    answer = page.locator("#answer")
    answer.wait_for()
    text = answer.inner_text()
    assert "PAUSED" in text and "NOT PAUSED" not in text
    assert "Central Gaza (Deir al-Balah governorate)" in text
    until = page.inner_text("#answer .until")
    assert "Covered until" in until and "2 September 2024" in until and "15:00" in until
    assert "5 h left" in text  # 07:00 UTC is 10:00 in Gaza; the window ends at 15:00
    pick = page.evaluate("window.respite.state.pick")
    expected = server_status(live_server, pick["lon"], pick["lat"], "2024-09-02T07:00:00Z")
    assert json.loads(answer.get_attribute("data-status")) == expected
    page.screenshot(path=artefacts / "04-answer-paused.png")
    # the same place after the window: not paused, next window the following morning
    set_moment(page, SEP2, 16 * 60)
    text = page.inner_text("#answer")
    assert "NOT PAUSED" in text
    assert "Next window: Central Gaza (Deir al-Balah governorate)" in text
    assert "3 September 2024" in text and "06:00" in text
    expected = server_status(live_server, pick["lon"], pick["lat"], "2024-09-02T13:00:00Z")
    assert json.loads(page.get_attribute("#answer", "data-status")) == expected


def test_arabic_right_to_left_and_remembered(page: Any, artefacts: Path) -> None:
    open_map(page, "t=2024-09-02T07:00:00Z")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.click("#lang")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.inner_text("h1") == "هدنة: الهدن الإنسانية"
    moment = page.inner_text("#moment")
    assert "بتوقيت غزة" in moment and "أيلول" in moment
    assert "١٠:٠٠" in moment  # Arabic-Indic digits
    map_box = page.locator(".map-wrap").bounding_box()
    panel_box = page.locator(".panel").bounding_box()
    assert panel_box["x"] < map_box["x"]  # the panel is on the left in Arabic
    assert (
        page.inner_text(f'#zone-list li[data-zone="{CENTRAL}"] .badge')
        .strip()
        .endswith("نشطة الآن")
    )
    page.evaluate("([lon, lat]) => window.respite.check(lon, lat)", list(DEIR))
    assert "مشمول بهدنة" in page.inner_text("#answer")
    page.screenshot(path=artefacts / "05-arabic.png")
    page.reload()
    page.wait_for_function("() => window.respite && window.respite.state.data")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.click("#lang")
    assert page.evaluate("document.documentElement.dir") == "ltr"


@pytest.fixture(scope="module")
def central_block(live_server: str) -> tuple[int, list[float]]:
    """A bundled evacuation block whose label point lies in the polio central zone."""
    blocks = httpx.get(f"{live_server}/web/basemap/blocks.geojson").json()["features"]
    data = httpx.get(f"{live_server}/web/data.json").json()
    zone = shape(next(f for f in data["features"] if f["id"] == CENTRAL)["geometry"])
    for feature in blocks:
        label = feature["properties"]["label"]
        if zone.contains(Point(label).buffer(0.002)):
            return feature["properties"]["block"], label
    raise AssertionError("no block inside the central zone")


def test_search_a_block_number(
    page: Any, live_server: str, artefacts: Path, central_block: tuple[int, list[float]]
) -> None:
    number, label = central_block
    open_map(page, "t=2024-09-02T07:00:00Z")
    arabic_digits = str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    page.fill("#search", f"بلوك {arabic_digits}")
    page.press("#search", "Enter")
    text = page.locator("#answer").inner_text()
    assert f"Block {number}" in text
    assert "PAUSED" in text and "NOT PAUSED" not in text
    expected = server_status(live_server, label[0], label[1], "2024-09-02T07:00:00Z")
    assert json.loads(page.get_attribute("#answer", "data-status")) == expected
    page.screenshot(path=artefacts / "06-search-block.png")
    page.fill("#search", "nothing-like-this")
    page.press("#search", "Enter")
    assert "Nothing found" in page.inner_text("#search-status")


@pytest.mark.parametrize("query", ["Deir al-Balah", "دير البلح", "deir el balah"])
def test_search_a_place_in_either_language(page: Any, query: str) -> None:
    open_map(page, "t=2024-09-02T07:00:00Z")
    page.fill("#search", query)
    page.press("#search", "Enter")
    results = page.locator("#results button")
    assert results.count() >= 1
    results.first.click()
    assert "PAUSED" in page.inner_text("#answer")


def test_use_my_location(page: Any, context: Any, live_server: str) -> None:
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"longitude": DEIR[0], "latitude": DEIR[1], "accuracy": 20})
    open_map(page, "t=2024-09-01T02:59:59Z")  # a second before the window opens
    page.click("#locate")
    page.wait_for_selector("#answer .verdict")
    text = page.inner_text("#answer")
    assert "NOT PAUSED" in text
    assert "Next window: Central Gaza (Deir al-Balah governorate)" in text
    assert "in 0 min" in text or "in 1 min" in text
    expected = server_status(live_server, DEIR[0], DEIR[1], "2024-09-01T02:59:59Z")
    assert json.loads(page.get_attribute("#answer", "data-status")) == expected


def test_keyboard_only(page: Any) -> None:
    open_map(page, "t=2024-09-02T07:00:00Z")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash").startswith("#")
    # the map is focusable; Enter checks the place at its centre
    page.focus("#map")
    page.keyboard.press("Enter")
    assert page.locator("#answer .verdict").count() == 1
    # every control has a name a screen reader can read
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('button, input, a[href]')]
          .filter((el) => el.offsetParent !== null)
          .filter((el) => !(el.getAttribute('aria-label') || el.textContent.trim() ||
            (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label')))
          .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []
    assert page.get_attribute("#answer", "aria-live") == "polite"
    assert page.get_attribute("#map", "aria-label")


def test_pause_page(page: Any, artefacts: Path) -> None:
    open_map(page)
    page.click('#pause-list button[data-open="polio-round-1-2024-09"]')
    section = page.locator("#pause-page")
    assert section.is_visible()
    text = section.inner_text()
    assert "Area-specific humanitarian pauses for polio vaccination" in text
    assert "156,500" in text and "187,000" in text  # target vs achieved
    assert "WHO" in text and "Agreed by" in text
    assert "Sun 1 Sept, 06:00" in text  # windows in local time
    assert "Version history" in text
    hrefs = section.locator("a").evaluate_all("els => els.map((a) => a.getAttribute('href'))")
    assert "/v1/cap?pause=polio-round-1-2024-09" in hrefs
    assert "/v1/feeds/pauses.ics?id=polio-round-1-2024-09" in hrefs
    assert "/v1/feeds/pauses.geojson?id=polio-round-1-2024-09" in hrefs
    assert "/pauses/polio-round-1-2024-09/print?lang=en" in hrefs
    sms = section.locator(".sms").inner_text()
    assert len(sms) <= 160
    page.screenshot(path=artefacts / "07-pause-page.png", full_page=True)
    page.keyboard.press("Escape")
    assert not section.is_visible()
    # the truce: its versions with sources
    page.click('#pause-list button[data-open="truce-2023-11-24"]')
    history = page.locator("#pause-page table").last.inner_text()
    assert "extended" in history and "Extended by two days" in history
    # the printable sheet
    page.goto("/pauses/polio-round-1-2024-09/print?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.screenshot(path=artefacts / "08-print-ar.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible()


def test_works_offline_after_the_first_load(page: Any, context: Any, artefacts: Path) -> None:
    open_map(page)
    assert page.evaluate("window.respite.offlineReady") is True
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    try:
        page.evaluate("location.hash = '#t=2024-09-02T07:00:00Z'")
        page.reload()
        page.wait_for_function(
            "() => window.respite && (window.respite.state.data || window.respite.error)"
        )
        assert page.evaluate("window.respite.error || null") is None
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        assert "Offline" in page.inner_text("#net")
        page.evaluate("([lon, lat]) => window.respite.check(lon, lat)", list(DEIR))
        text = page.inner_text("#answer")
        assert "PAUSED" in text and "15:00" in text
        page.fill("#search", "Khan Younis")
        page.press("#search", "Enter")
        assert page.locator("#results button").count() >= 1
        page.screenshot(path=artefacts / "09-offline.png")
        page.goto("/pauses/polio-round-1-2024-09/print?lang=en")
        assert "06:00-15:00" in page.inner_text("body")
        page.goto("/v1/pauses/polio-round-1-2024-09/summary.txt?lang=ar")
        assert "بتوقيت غزة" in page.inner_text("body")
    finally:
        context.set_offline(False)


def test_first_load_is_small(page: Any, live_server: str, artefacts: Path) -> None:
    open_map(page)
    assert page.evaluate("window.respite.offlineReady") is True
    transferred = page.evaluate(
        """() => performance.getEntriesByType('navigation').concat(
              performance.getEntriesByType('resource'))
            .reduce((sum, e) => sum + e.transferSize, 0)"""
    )
    # What the service worker caches, each as the service sends it (gzip).
    sw = httpx.get(f"{live_server}/sw.js").text.splitlines()[0]
    precache = json.loads(sw.removeprefix("self.RESPITE=").removesuffix(";"))["precache"]
    sizes = {}
    with httpx.Client(base_url=live_server, headers={"Accept-Encoding": "gzip"}) as client:
        for url in ["/sw.js", *precache]:
            with client.stream("GET", url) as response:
                raw = b"".join(response.iter_raw())
                sizes[url] = len(raw)
                if len(raw) > 1024:
                    assert response.headers.get("content-encoding") == "gzip", url
    app_js = next(u for u in sizes if u.startswith("/static/dist/app.js"))
    leaflet = len(gzip.compress(Path(_leaflet_js()).read_bytes(), 9)) if _leaflet_js() else 0
    report = {
        "page_transferred_bytes": transferred,
        "service_worker_and_precache_gzip_bytes": sum(sizes.values()),
        "by_url": sizes,
        "leaflet_gzip_bytes_included_in_app_js": leaflet,
        "app_js_gzip_bytes": sizes[app_js],
    }
    (artefacts / "first-load.json").write_text(json.dumps(report, indent=2))
    assert 0 < transferred < FIRST_LOAD_LIMIT
    assert sum(sizes.values()) < FIRST_LOAD_LIMIT


def _leaflet_js() -> str | None:
    path = (
        Path(__file__).parents[2] / "src/respite/web/frontend/node_modules/leaflet/dist/leaflet.js"
    )
    return str(path) if path.exists() else None
