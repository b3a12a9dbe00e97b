"""parse_geometry rejects doubtful input, each problem located; to_geojson writes RFC 7946."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import shapely
from shapely.geometry import LinearRing, MultiPolygon, Point, Polygon

from respite.errors import GeometryError, InvalidInput, Problem
from respite.geometry import AreaCatalogue, parse_geometry, to_geojson

GAZA = (34.17, 31.17, 34.62, 31.65)  # region: the Strip's bbox padded (see AreaCatalogue.region)
SWAP = "looks like [lat, lon]; GeoJSON order is [longitude, latitude]"
# A ~1 km square in Jabalia, counter-clockwise.
SQUARE = [[34.48, 31.52], [34.49, 31.52], [34.49, 31.53], [34.48, 31.53], [34.48, 31.52]]


def poly(*rings: list[Any]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


def problems(obj: object, **kwargs: Any) -> list[Problem]:
    with pytest.raises(GeometryError) as info:
        parse_geometry(obj, **kwargs)
    assert isinstance(info.value, InvalidInput)
    return list(info.value.problems)


def only(obj: object, **kwargs: Any) -> Problem:
    found = problems(obj, **kwargs)
    assert len(found) == 1, found
    return found[0]


# -- accepted -----------------------------------------------------------------------------------


def test_accepts_a_counter_clockwise_polygon() -> None:
    geom = parse_geometry(poly(SQUARE))
    assert geom.geom_type == "Polygon"
    assert geom.equals(Polygon(SQUARE))


def test_accepts_a_clockwise_polygon_as_rfc7946_asks_of_parsers() -> None:
    geom = parse_geometry(poly(SQUARE[::-1]))
    assert geom.equals(Polygon(SQUARE))


def test_accepts_real_governorate_and_block_geometries() -> None:
    catalogue = AreaCatalogue.bundled()
    for area in (*catalogue.governorates(), catalogue.block(655)):
        parsed = parse_geometry(to_geojson(area.geometry), region=catalogue.region())
        assert parsed.equals_exact(area.geometry, tolerance=1e-7)


def test_accepts_duplicate_consecutive_points_and_keeps_them() -> None:
    ring = [SQUARE[0], SQUARE[1], SQUARE[1], *SQUARE[2:]]
    geom = parse_geometry(poly(ring))
    assert len(geom.exterior.coords) == 6


def test_accepts_altitude_and_drops_it() -> None:
    ring = [[*p, 12.5] for p in SQUARE]
    geom = parse_geometry(poly(ring))
    assert not geom.has_z
    assert geom.equals(Polygon(SQUARE))


def test_accepts_polygon_with_hole_and_multipolygon() -> None:
    hole = [[34.484, 31.524], [34.484, 31.526], [34.486, 31.526], [34.484, 31.524]]
    geom = parse_geometry(poly(SQUARE, hole))
    assert len(geom.interiors) == 1
    far = [[x + 0.1, y] for x, y in SQUARE]
    multi = parse_geometry({"type": "MultiPolygon", "coordinates": [[SQUARE], [far]]})
    assert isinstance(multi, MultiPolygon)
    assert len(multi.geoms) == 2


def test_accepts_point_and_linestring_when_allowed() -> None:
    point = parse_geometry({"type": "Point", "coordinates": [34.27, 31.22]}, allowed=["Point"])
    assert point.equals(Point(34.27, 31.22))
    line = parse_geometry(
        {"type": "LineString", "coordinates": [[34.48, 31.52], [34.48, 31.52], [34.38, 31.43]]},
        allowed=["LineString"],
    )
    assert line.geom_type == "LineString"


def test_accepts_positions_outside_region_when_swapping_would_not_help() -> None:
    aleppo = [[37.1, 36.2], [37.2, 36.2], [37.2, 36.3], [37.1, 36.2]]
    assert parse_geometry(poly(aleppo), region=GAZA).geom_type == "Polygon"


# -- rejected: the object and its type -----------------------------------------------------------


def test_rejects_a_non_mapping() -> None:
    p = only([SQUARE])
    assert p.location == ""
    assert "must be a JSON object" in p.message
    assert "got array" in p.message


def test_rejects_missing_type() -> None:
    p = only({"coordinates": [SQUARE]})
    assert (p.location, p.message) == ("type", "missing; expected one of Polygon, MultiPolygon")


def test_rejects_unknown_type_with_suggestion() -> None:
    p = only({"type": "polygon", "coordinates": [SQUARE]})
    assert p.location == "type"
    assert "unknown geometry type 'polygon'" in p.message
    assert "did you mean 'Polygon'" in p.message


def test_rejects_a_feature_passed_as_geometry() -> None:
    p = only({"type": "Feature", "geometry": poly(SQUARE), "coordinates": []})
    assert p.location == "type"
    assert "not a geometry" in p.message


def test_rejects_unsupported_geojson_type() -> None:
    p = only({"type": "GeometryCollection", "coordinates": []})
    assert "'GeometryCollection' is not supported" in p.message


def test_rejects_a_type_not_allowed_here_and_still_checks_coordinates() -> None:
    found = problems({"type": "Point", "coordinates": [34.4, 95.0]})
    assert [p.location for p in found] == ["type", "coordinates"]
    assert "'Point' is not allowed here; allowed: Polygon, MultiPolygon" in found[0].message
    assert "latitude 95.0 is outside [-90, 90]" in found[1].message


def test_rejects_missing_coordinates() -> None:
    p = only({"type": "Polygon"})
    assert (p.location, p.message) == ("coordinates", "missing")


# -- rejected: nesting and numbers --------------------------------------------------------------


def test_rejects_a_ring_passed_where_rings_are_expected() -> None:
    # One level of nesting missing: the ring's numbers are read as positions.
    found = problems({"type": "Polygon", "coordinates": SQUARE})
    assert found[0].location == "coordinates[0][0]"
    assert "a position must be an array [longitude, latitude], got float" in found[0].message
    assert len(found) == 10  # both numbers of each of the 5 "rings"


def test_rejects_coordinates_that_are_not_an_array() -> None:
    p = only({"type": "Polygon", "coordinates": "34.4 31.5"})
    assert p.location == "coordinates"
    assert "array of linear rings, got string" in p.message


def test_rejects_non_numeric_and_non_finite_numbers_with_their_index() -> None:
    ring = [SQUARE[0], ["34.49", 31.52], [34.49, math.nan], [True, 31.53], SQUARE[4]]
    found = problems(poly(ring))
    assert [(p.location, p.message) for p in found] == [
        ("coordinates[0][1][0]", "must be a number, got string '34.49'"),
        ("coordinates[0][2][1]", "must be a finite number, got nan"),
        ("coordinates[0][3][0]", "must be a number, got bool True"),
    ]


def test_rejects_infinity() -> None:
    p = only({"type": "Point", "coordinates": [math.inf, 31.5]}, allowed=["Point"])
    assert (p.location, p.message) == ("coordinates[0]", "must be a finite number, got inf")


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ([34.4, 31.5, 1.0, 2.0], "a position needs 2 or 3 numbers"),
        ([34.4], "got 1"),
        ([], "empty geometry"),
    ],
)
def test_rejects_positions_with_wrong_length(position: list[float], message: str) -> None:
    p = only({"type": "Point", "coordinates": position}, allowed=["Point"])
    assert p.location == "coordinates"
    assert message in p.message


def test_rejects_longitude_and_latitude_out_of_range_saying_which() -> None:
    ring = [SQUARE[0], [200.0, 31.52], [34.49, -195.0], [34.49, -95.0], SQUARE[4]]
    found = problems(poly(ring))
    assert [(p.location, p.message) for p in found] == [
        ("coordinates[0][1]", "longitude 200.0 is outside [-180, 180]"),
        ("coordinates[0][2]", "latitude -195.0 is outside [-90, 90]"),
        # [-95, 34.49] would be a valid position, so the message suggests the swap.
        ("coordinates[0][3]", f"latitude -95.0 is outside [-90, 90]; {SWAP}"),
    ]


def test_out_of_range_that_would_be_valid_if_swapped_says_so() -> None:
    sydney = [-33.87, 151.21]  # [lat, lon]
    p = only({"type": "Point", "coordinates": sydney}, allowed=["Point"])
    assert p.message == f"latitude 151.21 is outside [-90, 90]; {SWAP}"


def test_out_of_range_both_ways_has_no_swap_hint() -> None:
    p = only({"type": "Point", "coordinates": [200.0, 95.0]}, allowed=["Point"])
    assert SWAP not in p.message
    assert "longitude 200.0" in p.message
    assert "latitude 95.0" in p.message


def test_detects_swapped_real_gaza_coordinates() -> None:
    # Jabalia written [lat, lon], as CAP and most maps show it.
    swapped = [[lat, lon] for lon, lat in SQUARE]
    found = problems(poly(swapped), region=GAZA)
    assert [p.location for p in found] == [f"coordinates[0][{i}]" for i in range(5)]
    assert found[0].message == (
        f"position [31.52, 34.48] is outside the expected area but [34.48, 31.52] is inside it: "
        f"{SWAP}"
    )


def test_swapped_coordinates_pass_without_a_region() -> None:
    # Without a region a swapped Gaza position is a valid place (in Saudi Arabia): accepted.
    swapped = [[lat, lon] for lon, lat in SQUARE]
    assert parse_geometry(poly(swapped)).geom_type == "Polygon"


# -- rejected: rings, lines, emptiness, size ----------------------------------------------------


def test_rejects_an_unclosed_ring() -> None:
    p = only(poly(SQUARE[:-1]))
    assert p.location == "coordinates[0]"
    assert p.message == (
        "ring is not closed: the last position [34.48, 31.53] must repeat the first [34.48, 31.52]"
    )


def test_rejects_a_ring_with_fewer_than_four_positions() -> None:
    p = only(poly([SQUARE[0], SQUARE[1], SQUARE[0]]))
    assert p.location == "coordinates[0]"
    assert "at least 4 positions (the first repeated as the last), got 3" in p.message


def test_short_and_unclosed_ring_reports_both() -> None:
    found = problems(poly(SQUARE[:3]))
    assert [p.location for p in found] == ["coordinates[0]", "coordinates[0]"]
    assert "got 3" in found[0].message
    assert "not closed" in found[1].message


@pytest.mark.parametrize(
    "coords",
    [[[34.48, 31.52]], [[34.48, 31.52], [34.48, 31.52]], [[34.48, 31.52, 1], [34.48, 31.52, 2]]],
)
def test_rejects_linestring_without_two_distinct_positions(coords: list[list[float]]) -> None:
    p = only({"type": "LineString", "coordinates": coords}, allowed=["LineString"])
    assert p.location == "coordinates"
    assert p.message == "a LineString needs at least 2 distinct positions, got 1"


@pytest.mark.parametrize("gtype", ["Polygon", "MultiPolygon", "LineString"])
def test_rejects_empty_geometry(gtype: str) -> None:
    p = only({"type": gtype, "coordinates": []}, allowed=[gtype])
    assert (p.location, p.message) == (
        "coordinates",
        f"empty geometry: a {gtype} needs coordinates",
    )


def test_rejects_an_empty_polygon_inside_a_multipolygon() -> None:
    p = only({"type": "MultiPolygon", "coordinates": [[SQUARE], []]})
    assert p.location == "coordinates[1]"
    assert "empty polygon" in p.message


def test_rejects_more_positions_than_the_limit() -> None:
    p = only(poly(SQUARE), max_vertices=4)
    assert (p.location, p.message) == ("coordinates", "5 positions, more than the limit of 4")
    ring = [
        [34.4 + 0.01 * math.cos(a / 1000), 31.5 + 0.01 * math.sin(a / 1000)] for a in range(6283)
    ]
    p = only(poly([*ring, ring[0]]))
    assert p.message == "6284 positions, more than the limit of 5000"


def test_lists_every_problem_across_parts() -> None:
    bad_part = [SQUARE[0], [34.49, "x"], *SQUARE[2:]]
    unclosed = [[x + 0.1, y] for x, y in SQUARE[:-1]]
    found = problems({"type": "MultiPolygon", "coordinates": [[bad_part], [unclosed], "no"]})
    assert [p.location for p in found] == [
        "coordinates[0][0][1][1]",
        "coordinates[1][0]",
        "coordinates[2]",
    ]


def test_caps_a_flood_of_problems_with_a_count() -> None:
    ring = [[34.4, 31.5], *([[999.0, 31.5]] * 150), [34.4, 31.5]]
    found = problems(poly(ring))
    assert len(found) == 101
    assert found[-1] == Problem("", "... and 50 more problems not listed")


# -- rejected: topology --------------------------------------------------------------------------


def test_rejects_a_self_intersecting_ring_saying_where() -> None:
    bowtie = [[34.44, 31.51], [34.46, 31.53], [34.46, 31.51], [34.44, 31.53], [34.44, 31.51]]
    p = only(poly(bowtie))
    assert p.location == "coordinates[0]"
    assert p.message == "exterior ring is invalid: self-intersection at [34.45, 31.52]"


def test_rejects_a_hole_outside_its_shell() -> None:
    hole = [[34.50, 31.52], [34.50, 31.521], [34.501, 31.521], [34.50, 31.52]]
    p = only(poly(SQUARE, hole))
    assert p.location == "coordinates[1]"
    assert p.message == "hole lies outside its exterior ring coordinates[0] at [34.5, 31.52]"


def test_rejects_a_hole_crossing_its_shell() -> None:
    hole = [[34.485, 31.525], [34.495, 31.525], [34.495, 31.526], [34.485, 31.525]]
    p = only(poly(SQUARE, hole))
    assert p.location == "coordinates[1]"
    assert p.message.startswith("hole crosses or touches its exterior ring coordinates[0]: ")
    assert "self-intersection at [34.49, 31.525]" in p.message


def test_rejects_overlapping_holes_at_polygon_level() -> None:
    h1 = [[34.482, 31.522], [34.482, 31.526], [34.486, 31.526], [34.486, 31.522], [34.482, 31.522]]
    h2 = [[34.484, 31.524], [34.484, 31.528], [34.488, 31.528], [34.488, 31.524], [34.484, 31.524]]
    p = only(poly(SQUARE, h1, h2))
    assert p.location == "coordinates"
    assert p.message.startswith("polygon is invalid: self-intersection at [")


def test_rejects_overlapping_multipolygon_parts() -> None:
    shifted = [[x + 0.005, y] for x, y in SQUARE]
    p = only({"type": "MultiPolygon", "coordinates": [[SQUARE], [shifted]]})
    assert p.location == "coordinates"
    assert p.message.startswith("the polygons overlap or share an edge: self-intersection at [")


def test_problem_locations_nest_under_a_prefix() -> None:
    with pytest.raises(GeometryError) as info:
        parse_geometry(poly(SQUARE[:-1]))
    moved = info.value.prefixed("pauses[0].zone")
    assert moved.problems[0].location == "pauses[0].zone.coordinates[0]"


def test_bad_arguments_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="allowed"):
        parse_geometry(poly(SQUARE), allowed=["Circle"])
    with pytest.raises(ValueError, match="region"):
        parse_geometry(poly(SQUARE), region=(35.0, 31.0, 34.0, 32.0))


# -- writing -------------------------------------------------------------------------------------


def test_to_geojson_writes_ccw_exteriors_and_cw_holes() -> None:
    hole_ccw = [(34.484, 31.524), (34.486, 31.524), (34.486, 31.526), (34.484, 31.524)]
    clockwise = Polygon(SQUARE[::-1], [hole_ccw])
    out = to_geojson(clockwise)
    assert set(out) == {"type", "coordinates"}  # in particular, no "crs"
    assert LinearRing(out["coordinates"][0]).is_ccw
    assert not LinearRing(out["coordinates"][1]).is_ccw
    assert Polygon(out["coordinates"][0], out["coordinates"][1:]).equals(clockwise)


def test_to_geojson_orients_every_part_of_a_multipolygon() -> None:
    multi = MultiPolygon([Polygon(SQUARE[::-1]), Polygon([[x + 0.1, y] for x, y in SQUARE])])
    out = to_geojson(multi)
    assert out["type"] == "MultiPolygon"
    assert all(LinearRing(part[0]).is_ccw for part in out["coordinates"])


def test_to_geojson_rounds_to_seven_decimals_and_drops_z() -> None:
    out = to_geojson(Point(34.123456789, 31.987654321, 40.0))
    assert out == {"type": "Point", "coordinates": [34.1234568, 31.9876543]}
    assert json.loads(json.dumps(out)) == out


def test_to_geojson_writes_lines() -> None:
    out = to_geojson(shapely.LineString([(34.48, 31.52), (34.38, 31.43)]))
    assert out == {"type": "LineString", "coordinates": [[34.48, 31.52], [34.38, 31.43]]}


def test_to_geojson_refuses_empty_and_non_geometries() -> None:
    with pytest.raises(GeometryError, match="empty geometry"):
        to_geojson(Polygon())
    with pytest.raises(TypeError):
        to_geojson({"type": "Point"})
