"""Sanity of the bundled data: coverage, containment, proximity, RFC 7946 form, attribution."""

from __future__ import annotations

import gzip
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LinearRing, shape
from shapely.ops import nearest_points

import respite.geometry
from respite.geometry import AreaCatalogue, area_km2, buffer_m, length_km, parse_geometry

GEOD = Geod(ellps="WGS84")
DATA = resources.files("respite") / "data"
FILES = [
    "governorates.geojson",
    "evacuation_blocks.geojson.gz",
    "roads.geojson",
    "crossings.geojson",
    "places.geojson",
]
# Not geometry: how announcements name the region's places (read by respite.drafting).
DESCRIPTIONS = ["gazetteer.json"]
# Read by the movement planner's worked problems (team bases and vaccination sites).
PLANNER_DATA = ["health_facilities.geojson"]


@pytest.fixture(scope="module")
def cat() -> AreaCatalogue:
    return AreaCatalogue.bundled()


def raw(name: str) -> dict[str, Any]:
    data = (DATA / "gaza" / name).read_bytes()
    loaded: dict[str, Any] = json.loads(gzip.decompress(data) if name.endswith(".gz") else data)
    return loaded


def metres(a: Any, b: Any) -> float:
    _, _, dist = GEOD.inv(a.x, a.y, b.x, b.y)
    return float(dist)


def test_five_governorates_cover_the_strip(cat: AreaCatalogue) -> None:
    areas = [area_km2(g.geometry) for g in cat.governorates()]
    assert len(areas) == 5
    # The Gaza Strip is about 365 km².
    assert sum(areas) == pytest.approx(365, rel=0.03)
    # Nothing double-counted: the union is as large as the parts together.
    assert area_km2(cat.strip()) == pytest.approx(sum(areas), rel=0.001)
    assert cat.strip().geom_type == "Polygon"


def test_governorate_areas_match_ochas_own_figures(cat: AreaCatalogue) -> None:
    for feature in raw("governorates.geojson")["features"]:
        ours = area_km2(cat.governorate(feature["properties"]["pcode"]).geometry)
        assert ours == pytest.approx(feature["properties"]["area_sqkm"], rel=0.005)


def test_blocks_lie_within_the_governorates(cat: AreaCatalogue) -> None:
    # Block outlines were digitised separately and overshoot the coastline by up to ~100 m.
    strip = buffer_m(cat.strip(), 150)
    outside = [b.ref for b in cat.blocks() if not strip.contains(b.geometry)]
    assert outside == []
    inside_share = sum(area_km2(b.geometry.intersection(cat.strip())) for b in cat.blocks()) / sum(
        area_km2(b.geometry) for b in cat.blocks()
    )
    assert inside_share > 0.99


def test_blocks_are_one_valid_feature_per_number() -> None:
    features = raw("evacuation_blocks.geojson.gz")["features"]
    numbers = [f["properties"]["block"] for f in features]
    assert len(numbers) == len(set(numbers)) == 326
    assert all(shape(f["geometry"]).is_valid for f in features)
    assert raw("evacuation_blocks.geojson.gz")["truncated"] is True


def test_block_131_is_the_union_of_its_two_outlines(cat: AreaCatalogue) -> None:
    # The raw layer has an Aug 2024 outline (~0.70 km²) inside the later one (0.94 km²).
    assert area_km2(cat.block(131).geometry) == pytest.approx(0.9426, rel=0.01)


def test_crossings_are_near_the_strip_border(cat: AreaCatalogue) -> None:
    boundary = cat.strip().exterior
    for crossing in cat.crossings():
        point = crossing.geometry
        on_border = nearest_points(boundary, point)[0]
        assert metres(point, on_border) < 1000, crossing.name_en


def test_roads_run_inside_the_strip_and_match_their_stated_length(cat: AreaCatalogue) -> None:
    strip = buffer_m(cat.strip(), 200)
    stated = {
        f["properties"]["id"]: f["properties"]["length_km"]
        for f in raw("roads.geojson")["features"]
    }
    for road in cat.roads():
        assert strip.contains(road.geometry), road.ref
        assert length_km(road.geometry) == pytest.approx(stated[road.ref], rel=0.005)


def test_places_are_inside_the_strip(cat: AreaCatalogue) -> None:
    points = [p.geometry for p in cat.places("gaza")]
    assert len(points) == 22
    assert all(cat.strip().contains(p) for p in points)


def test_sudan_outline_and_towns(cat: AreaCatalogue) -> None:
    sudan = cat.area("SD")
    assert (sudan.kind, sudan.region, sudan.name_ar) == ("country", "sudan", "السودان")
    assert cat.area("السودان") is sudan and cat.area("Republic of the Sudan") is sudan
    assert sudan.geometry.is_valid
    # Natural Earth's Sudan (since 2011, without South Sudan) is about 1.86 million km2
    assert area_km2(sudan.geometry) == pytest.approx(1_856_000, rel=0.01)
    towns = cat.places("sudan")
    assert {t.name_en for t in towns} >= {"Khartoum", "Omdurman", "Port Sudan", "El Fasher"}
    assert all(sudan.geometry.contains(t.geometry) for t in towns)
    # the Gaza governorates keep their ids, and a region never leaks into another
    assert cat.area("PS0265").region == "gaza"
    assert not cat.regions()["gaza"].intersects(cat.regions()["sudan"])


def test_files_are_rfc7946(cat: AreaCatalogue) -> None:
    for name in FILES:
        collection = raw(name)
        assert collection["type"] == "FeatureCollection"
        assert "crs" not in collection
        for feature in collection["features"]:
            geometry = feature["geometry"]
            polygons = {
                "Polygon": [geometry["coordinates"]],
                "MultiPolygon": geometry["coordinates"],
            }
            for polygon in polygons.get(geometry["type"], []):
                assert LinearRing(polygon[0]).is_ccw
                assert not any(LinearRing(hole).is_ccw for hole in polygon[1:])
            # Everything bundled passes our own strict reader, with swapped-axis detection on.
            parse_geometry(
                geometry,
                allowed=["Point", "LineString", "Polygon", "MultiPolygon"],
                max_vertices=100_000,
                region=cat.region(),
            )


def test_coordinates_have_at_most_six_decimals() -> None:
    for name in FILES:
        numbers = re.findall(r"-?\d+\.\d+", json.dumps(raw(name)["features"]))
        assert numbers
        assert max(len(n.split(".")[1]) for n in numbers) <= 6, name


def test_every_bundled_file_is_attributed() -> None:
    attribution = (DATA / "ATTRIBUTION.md").read_text(encoding="utf-8")
    bundled = sorted(p.name for p in (DATA / "gaza").iterdir())
    assert bundled == sorted(FILES + DESCRIPTIONS + PLANNER_DATA)
    for name in bundled:
        assert f"`gaza/{name}`" in attribution, name
    for needle in (
        "CC BY 3.0 IGO",
        "ODbL 1.0",
        "© OpenStreetMap contributors",
        "MIT",
        "Theresa Eingartner & Marian Dörk",
        "PS0255",
    ):
        assert needle in attribution
    assert (DATA / "LICENSE-mushon-nibal.txt").read_text(encoding="utf-8").startswith("MIT")


def test_package_never_reads_the_shared_folder() -> None:
    package = Path(respite.geometry.__file__).parent
    for source in package.glob("*.py"):
        assert "shared" not in source.read_text(encoding="utf-8"), source.name


def test_shapes_have_sane_vertex_counts(cat: AreaCatalogue) -> None:
    counts = np.array([shapely.get_num_coordinates(b.geometry) for b in cat.blocks()])
    assert counts.min() >= 4
    assert counts.max() < 5000  # each block fits the default parse_geometry limit
