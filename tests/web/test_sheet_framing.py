"""The printable sheet's map is framed on the pause's own zones, wherever they are."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from respite.pauses import Pause, load_pause_file
from respite.scenarios import load_scenario
from respite.web.sheet import WIDTH, frame, sheet_html

EPISODES = Path(__file__).parents[1] / "data" / "episodes"
LO = int(datetime(2016, 1, 1, tzinfo=UTC).timestamp())
HI = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())


def _svg(pause: Pause, lang: str = "en") -> tuple[str, tuple[float, ...], tuple[float, ...]]:
    html = sheet_html(pause, lang, LO, HI, generated="test")  # type: ignore[arg-type]
    svg = re.search(r"<svg class=\"map\".*?</svg>", html, re.S)
    assert svg is not None
    found = re.search(r'viewBox="([^"]+)".*?data-bounds="([^"]+)"', svg.group(0))
    assert found is not None
    view = tuple(float(v) for v in found.group(1).split())
    bounds = tuple(float(v) for v in found.group(2).split(","))
    return svg.group(0), view, bounds


def _pause(pauses: tuple[Pause, ...] | list[Pause], pause_id: str) -> Pause:
    return next(p for p in pauses if p.id == pause_id)


def test_a_sudan_pause_prints_a_map_of_sudan() -> None:
    pause = _pause(load_scenario("sudan-2023"), "jeddah-ceasefire-2023-05-22")
    svg, view, (min_lon, min_lat, max_lon, max_lat) = _svg(pause)
    # framed on Sudan (21.8-38.6 E, 8.7-22.2 N), padded, and nowhere near Gaza
    assert 19 < min_lon < 22 and 38 < max_lon < 41 and 7 < min_lat < 9 and 22 < max_lat < 24
    assert view[2] == WIDTH and view[3] > 0
    assert svg.count('class="zone"') == 1 and 'class="gov"' in svg  # the Sudan outline
    assert "Khartoum" in svg and "Port Sudan" in svg
    assert "Gaza" not in svg and "Rafah" not in svg


def test_arabic_sheet_names_sudan_towns_in_arabic() -> None:
    pause = _pause(load_scenario("sudan-2023"), "sudan-ceasefire-2023-06-18")
    svg, _, _ = _svg(pause, "ar")
    assert "الخرطوم" in svg and "Khartoum" not in svg


def test_an_aleppo_pause_prints_aleppo_not_an_empty_gaza_map() -> None:
    pause = _pause(load_pause_file(EPISODES / "four-countries.yaml"), "aleppo-pause-2016-11-04")
    svg, _, (min_lon, min_lat, max_lon, max_lat) = _svg(pause)
    assert min_lon < 37.185 < max_lon and min_lat < 36.205 < max_lat  # eastern Aleppo
    assert max_lon - min_lon < 0.2 and max_lat - min_lat < 0.2  # a city, not a region
    assert 'class="gov"' not in svg  # no Gaza governorates drawn round it
    path = re.search(r'class="zone" d="M([0-9.]+),([0-9.]+)', svg)
    assert path is not None
    assert 0 <= float(path.group(1)) <= WIDTH  # the zone lies inside the drawing


@pytest.mark.parametrize(
    ("pause_id", "inside"),
    [
        ("polio-round-1-2024-09", (34.35, 31.42)),  # three parts over the whole Strip
        ("jabalia-tactical-pause-2023-11-11", (34.49, 31.53)),  # a few blocks
    ],
)
def test_gaza_sheets_frame_their_own_zones(pause_id: str, inside: tuple[float, float]) -> None:
    pause = _pause(load_scenario(), pause_id)
    min_lon, min_lat, max_lon, max_lat = frame(pause)
    assert min_lon < inside[0] < max_lon and min_lat < inside[1] < max_lat
    assert 34.1 < min_lon < max_lon < 34.7
    assert 31.1 < min_lat < max_lat < 31.7
    svg, _, _ = _svg(pause)
    assert 'class="gov"' in svg  # the governorates around the zone


def test_sudan_sheet_uses_khartoum_time_and_sudanese_month_names() -> None:
    pause = _pause(load_scenario("sudan-2023"), "sudan-ceasefire-2023-06-10")
    html = sheet_html(pause, "ar", LO, HI, generated="test")
    assert "بتوقيت الخرطوم (Africa/Khartoum)" in html
    assert "يونيو" in html and "حزيران" not in html  # Sudan says يونيو, the Levant حزيران
    english = sheet_html(pause, "en", LO, HI, generated="test")
    assert "Khartoum time (Africa/Khartoum)" in english
    gaza = sheet_html(_pause(load_scenario(), "polio-round-1-2024-09"), "ar", LO, HI, generated="t")
    assert "أيلول" in gaza
