"""Metre-based construction: checked against an independent projection (UTM 36N), not our own."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from respite.errors import GeometryError
from respite.geometry import (
    AreaCatalogue,
    LocalProjection,
    area_km2,
    buffer_m,
    circle,
    corridor,
    length_km,
)

# UTM zone 36N covers Gaza (scale error < 0.03 % there): an independent metric yardstick.
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32636", always_xy=True)
GEOD = Geod(ellps="WGS84")


def utm(geom: BaseGeometry) -> BaseGeometry:
    def apply(xy: Any) -> Any:
        x, y = TO_UTM.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, apply)


def boundary_distances_m(zone: BaseGeometry, line: BaseGeometry, step_m: float = 25.0) -> Any:
    """Distances (m) from points densely spaced along the zone's boundary to the line."""
    edge = utm(zone.boundary)
    points = shapely.line_interpolate_point(edge, np.arange(0.0, edge.length, step_m))
    return shapely.distance(points, utm(line))


@pytest.fixture(scope="module")
def salah_al_din() -> LineString:
    line: LineString = AreaCatalogue.bundled().road("salah-al-din").geometry
    return line


def test_salah_al_din_corridor_is_one_km_wide_everywhere(salah_al_din: LineString) -> None:
    zone = corridor(salah_al_din, 1000)
    distances = boundary_distances_m(zone, salah_al_din)
    assert len(distances) > 1000  # ~30 km of boundary at 25 m spacing
    assert distances.min() == pytest.approx(500, rel=0.01)
    assert distances.max() == pytest.approx(500, rel=0.01)
    assert zone.contains(salah_al_din)


def test_a_corridor_built_in_degrees_would_be_lopsided(salah_al_din: LineString) -> None:
    # The naive way: 500 m converted with 111,320 m per degree, buffered in lon/lat.
    naive = salah_al_din.buffer(500 / 111_320)
    distances = boundary_distances_m(naive, salah_al_din)
    # East-west it is only cos(31.5°) * 500 ≈ 426 m wide: 15 % short, not a rounding issue.
    assert distances.min() < 440
    assert distances.max() / distances.min() > 1.1
    ours = boundary_distances_m(corridor(salah_al_din, 1000), salah_al_din)
    assert ours.max() / ours.min() < 1.01


def test_corridor_caps_cover_the_end_points(salah_al_din: LineString) -> None:
    zone = utm(corridor(salah_al_din, 1000))
    start = utm(Point(salah_al_din.coords[0]))
    assert zone.contains(start.buffer(495))
    assert not zone.contains(start.buffer(510))


def test_500m_circle_has_the_area_of_a_circle() -> None:
    disc = circle(34.45, 31.52, 500)
    assert area_km2(disc) == pytest.approx(math.pi * 0.25, rel=0.005)
    lons, lats = np.asarray(disc.exterior.coords).T
    _, _, dist = GEOD.inv(np.full(len(lons), 34.45), np.full(len(lats), 31.52), lons, lats)
    assert np.allclose(dist, 500, rtol=1e-4)
    assert len(disc.exterior.coords) == 65  # 64 segments + closing position


def test_circle_is_round_in_metres_not_in_degrees() -> None:
    minx, miny, maxx, maxy = circle(34.45, 31.52, 5000).bounds
    # Wider in degrees of longitude than of latitude, by 1/cos(latitude).
    ratio = (maxx - minx) / (maxy - miny)
    assert ratio == pytest.approx(1 / math.cos(math.radians(31.52)), rel=0.01)


def test_buffer_m_grows_and_shrinks() -> None:
    grown = buffer_m(Point(34.45, 31.52), 1000)
    assert area_km2(grown) == pytest.approx(math.pi, rel=0.005)
    block = AreaCatalogue.bundled().block(655).geometry
    assert area_km2(buffer_m(block, -50)) < area_km2(block) < area_km2(buffer_m(block, 50))


@pytest.mark.parametrize("width", [0, -5, 100_001, math.nan, math.inf, "wide", True])
def test_corridor_rejects_bad_widths(salah_al_din: LineString, width: Any) -> None:
    with pytest.raises(GeometryError) as info:
        corridor(salah_al_din, width)
    assert [p.location for p in info.value.problems] == ["width_m"]


def test_corridor_accepts_the_100_km_limit(salah_al_din: LineString) -> None:
    assert corridor(salah_al_din, 100_000).contains(salah_al_din)


def test_corridor_reports_line_and_width_together() -> None:
    with pytest.raises(GeometryError) as info:
        corridor(Point(34.4, 31.5), -1)
    found = [(p.location, p.message) for p in info.value.problems]
    assert found[0] == ("line", "must be a LineString, got Point")
    assert found[1][0] == "width_m"
    assert "greater than 0" in found[1][1]


def test_corridor_rejects_an_empty_line() -> None:
    with pytest.raises(GeometryError, match="line: must not be empty"):
        corridor(LineString(), 100)


def test_circle_names_each_bad_argument() -> None:
    with pytest.raises(GeometryError) as info:
        circle(200.0, 95.0, 0, segments=3)
    assert [p.location for p in info.value.problems] == ["lon", "lat", "radius_m", "segments"]


def test_buffer_m_rejects_zero_and_huge_distances() -> None:
    for metres in (0, 100_001, -100_001):
        with pytest.raises(GeometryError) as info:
            buffer_m(Point(34.45, 31.52), metres)
        assert info.value.problems[0].location == "metres"


def test_area_ignores_winding_and_subtracts_holes() -> None:
    outer = [(34.40, 31.50), (34.42, 31.50), (34.42, 31.52), (34.40, 31.52)]
    inner = [(34.405, 31.505), (34.415, 31.505), (34.415, 31.515), (34.405, 31.515)]
    ccw = area_km2(Polygon(outer))
    assert area_km2(Polygon(outer[::-1])) == pytest.approx(ccw)
    # Same winding for shell and hole (invalid for RFC 7946 writers, common in the wild).
    holed = area_km2(Polygon(outer, [inner]))
    assert holed == pytest.approx(ccw - area_km2(Polygon(inner)))
    assert holed == pytest.approx(ccw * 0.75, rel=0.001)


def test_areas_and_lengths_of_points_and_real_roads(salah_al_din: LineString) -> None:
    assert area_km2(Point(34.4, 31.5)) == 0.0
    # The source file gives 14.61 km (probably on a sphere); the ellipsoid gives 14.63 km.
    assert length_km(salah_al_din) == pytest.approx(14.61, rel=0.005)


def test_local_projection_is_centred_and_shared_per_rounded_centre() -> None:
    a = LocalProjection.at(34.4512, 31.5204)
    assert a == LocalProjection.at(34.4488, 31.5196) == LocalProjection(34.45, 31.52)
    centre = a.to_metric(Point(34.45, 31.52))
    assert abs(centre.x) < 1e-6
    assert abs(centre.y) < 1e-6
    back = a.to_lonlat(a.to_metric(Point(34.47, 31.55)))
    assert back.distance(Point(34.47, 31.55)) < 1e-9


def test_local_projection_needs_a_geometry() -> None:
    with pytest.raises(GeometryError, match="empty geometry"):
        LocalProjection.around(Polygon())
