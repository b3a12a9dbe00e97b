"""Property tests: circles, corridors, GeoJSON round trips and swapped-axis detection."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer
from shapely.geometry import LinearRing, LineString, MultiPolygon, Point, Polygon

from respite.errors import GeometryError
from respite.geometry import area_km2, circle, corridor, parse_geometry, to_geojson

GEOD = Geod(ellps="WGS84")
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32636", always_xy=True)
FROM_UTM = Transformer.from_crs("EPSG:32636", "EPSG:4326", always_xy=True)
GAZA = (34.17, 31.17, 34.62, 31.65)
SWAP = "looks like [lat, lon]; GeoJSON order is [longitude, latitude]"

# pyproj builds Transformers lazily, so the first example may be slow: no deadline.
slow = settings(deadline=None, max_examples=60)

gaza_lon = st.floats(34.22, 34.56)
gaza_lat = st.floats(31.23, 31.58)


@slow
@given(
    lon=st.floats(-179.0, 179.0),
    lat=st.floats(-75.0, 75.0),
    radius=st.floats(1.0, 100_000.0),
    segments=st.integers(8, 256),
)
def test_circle_area_follows_the_radius(
    lon: float, lat: float, radius: float, segments: int
) -> None:
    disc = circle(lon, lat, radius, segments=segments)
    # An inscribed regular polygon: pi r² scaled by sin(2pi/n) / (2pi/n).
    step = 2 * math.pi / segments
    expected = math.pi * (radius / 1000) ** 2 * math.sin(step) / step
    assert area_km2(disc) == pytest.approx(expected, rel=1e-3)
    lons, lats = np.asarray(disc.exterior.coords).T
    _, _, dist = GEOD.inv(np.full(len(lons), lon), np.full(len(lats), lat), lons, lats)
    assert np.allclose(dist, radius, rtol=1e-3)


@slow
@given(radius=st.floats(10.0, 50_000.0), factor=st.floats(1.01, 4.0))
def test_circle_area_grows_with_the_square_of_the_radius(radius: float, factor: float) -> None:
    small = area_km2(circle(34.45, 31.5, radius))
    large = area_km2(circle(34.45, 31.5, min(radius * factor, 100_000.0)))
    assert large / small == pytest.approx((min(radius * factor, 100_000.0) / radius) ** 2, rel=1e-3)


@st.composite
def gaza_lines(draw: st.DrawFn) -> LineString:
    start = (draw(gaza_lon), draw(gaza_lat))
    steps = draw(
        st.lists(st.tuples(st.floats(-0.03, 0.03), st.floats(-0.03, 0.03)), min_size=1, max_size=5)
    )
    points = [start]
    for dx, dy in steps:
        points.append((points[-1][0] + dx, points[-1][1] + dy))
    line = LineString(points)
    assume(line.length > 1e-4)
    return line


@slow
@given(
    line=gaza_lines(),
    width=st.floats(10.0, 5000.0),
    probes=st.lists(
        st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 2 * math.pi), st.floats(0.0, 2.0)),
        min_size=1,
        max_size=30,
    ),
)
def test_corridor_is_exactly_half_the_width_around_its_line(
    line: LineString, width: float, probes: list[tuple[float, float, float]]
) -> None:
    zone = corridor(line, width)
    assert zone.contains(line)
    # Measure in UTM 36N, independent of the projection the corridor was built in.
    line_utm = LineString(np.column_stack(TO_UTM.transform(*np.asarray(line.coords).T)))
    half = width / 2
    for fraction, angle, reach in probes:
        anchor = line_utm.interpolate(fraction, normalized=True)
        x = anchor.x + reach * half * math.cos(angle)
        y = anchor.y + reach * half * math.sin(angle)
        distance = line_utm.distance(Point(x, y))
        lon, lat = FROM_UTM.transform(x, y)
        if distance <= half * 0.99:
            assert zone.contains(Point(lon, lat)), (distance, half)
        elif distance >= half * 1.01:
            assert not zone.contains(Point(lon, lat)), (distance, half)


@st.composite
def star_polygons(draw: st.DrawFn, lon: float | None = None) -> Polygon:
    """Random simple polygons: vertices sorted by angle around a centre, gaps under 180°."""
    cx = lon if lon is not None else draw(st.floats(-170.0, 170.0))
    cy = draw(st.floats(-80.0, 80.0))
    n = draw(st.integers(5, 30))
    jitters = draw(st.lists(st.floats(0.0, 0.8), min_size=n, max_size=n))
    radii = draw(st.lists(st.floats(0.001, 1.0), min_size=n, max_size=n))
    angles = [(k + j) * 2 * math.pi / n for k, j in enumerate(jitters)]
    shell = [
        (cx + r * math.cos(a), cy + r * math.sin(a)) for r, a in zip(radii, angles, strict=True)
    ]
    holes = []
    if draw(st.booleans()):
        # Every vertex is at least min(radii) away and gaps are < 130°, so this hexagon fits.
        h = 0.3 * min(radii)
        holes.append(
            [
                (cx + h * math.cos(k * math.pi / 3), cy + h * math.sin(k * math.pi / 3))
                for k in range(6)
            ]
        )
    if draw(st.booleans()):
        shell = shell[::-1]
        holes = [hole[::-1] for hole in holes]
    polygon = Polygon(shell, holes)
    assert polygon.is_valid
    return polygon


def round_trip(geom: Any) -> Any:
    text = json.dumps(to_geojson(geom))
    return parse_geometry(json.loads(text), max_vertices=1000)


@settings(max_examples=150)
@given(polygon=star_polygons())
def test_round_trip_preserves_random_polygons(polygon: Polygon) -> None:
    back = round_trip(polygon)
    assert back.normalize().equals_exact(polygon.normalize(), tolerance=1e-7)
    written = to_geojson(polygon)["coordinates"]
    assert LinearRing(written[0]).is_ccw
    assert all(not LinearRing(hole).is_ccw for hole in written[1:])


@settings(max_examples=50)
@given(a=star_polygons(lon=-100.0), b=star_polygons(lon=100.0))
def test_round_trip_preserves_random_multipolygons(a: Polygon, b: Polygon) -> None:
    multi = MultiPolygon([a, b])
    assert round_trip(multi).normalize().equals_exact(multi.normalize(), tolerance=1e-7)


@given(lon=gaza_lon, lat=gaza_lat)
def test_swapped_gaza_positions_are_detected(lon: float, lat: float) -> None:
    point = {"type": "Point", "coordinates": [lat, lon]}
    with pytest.raises(GeometryError) as info:
        parse_geometry(point, allowed=["Point"], region=GAZA)
    assert SWAP in info.value.problems[0].message
    assert parse_geometry(
        {"type": "Point", "coordinates": [lon, lat]}, allowed=["Point"], region=GAZA
    ).equals(Point(lon, lat))


@given(lon=gaza_lon, lat=gaza_lat, size=st.floats(0.001, 0.02))
def test_every_swapped_position_of_a_polygon_is_reported(
    lon: float, lat: float, size: float
) -> None:
    square = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    swapped = [[y, x] for x, y in square]
    with pytest.raises(GeometryError) as info:
        parse_geometry({"type": "Polygon", "coordinates": [swapped]}, region=GAZA)
    assert [p.location for p in info.value.problems] == [f"coordinates[0][{i}]" for i in range(5)]


@given(
    lat=st.floats(-90.0, 90.0), lon=st.one_of(st.floats(90.001, 180.0), st.floats(-180.0, -90.001))
)
def test_out_of_range_latitude_that_swaps_into_range_gets_the_hint(lat: float, lon: float) -> None:
    # Written [lat, lon]: the "latitude" is really a longitude beyond ±90.
    with pytest.raises(GeometryError) as info:
        parse_geometry({"type": "Point", "coordinates": [lat, lon]}, allowed=["Point"])
    message = info.value.problems[0].message
    assert message.startswith("latitude ")
    assert message.endswith(SWAP)


@given(lon=st.floats(-180.0, 180.0), lat=st.floats(-90.0, 90.0))
def test_valid_positions_are_accepted_unless_swapping_lands_in_the_region(
    lon: float, lat: float
) -> None:
    swapped_inside = GAZA[0] <= lat <= GAZA[2] and GAZA[1] <= lon <= GAZA[3]
    inside = GAZA[0] <= lon <= GAZA[2] and GAZA[1] <= lat <= GAZA[3]
    point = {"type": "Point", "coordinates": [lon, lat]}
    if swapped_inside and not inside:
        with pytest.raises(GeometryError):
            parse_geometry(point, allowed=["Point"], region=GAZA)
    else:
        assert parse_geometry(point, allowed=["Point"], region=GAZA).equals(Point(lon, lat))
