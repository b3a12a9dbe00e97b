"""Strict reading and RFC 7946 writing of GeoJSON geometries.

Zones arrive hand-written or exported from tools that disagree on axis order and winding. We
*reject* anything doubtful instead of repairing it: a silently "fixed" polygon may cover a
different neighbourhood than the coordinator meant, and in a humanitarian pause that difference
matters. Every problem is reported at once (``GeometryError`` with one ``Problem`` per mistake)
so a hand-written file can be corrected in a single pass.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from respite.errors import GeometryError, Problem

from ._validate import (
    Collector,
    Region,
    Regions,
    as_regions,
    check_polygon,
    count_positions,
    kind_of,
    validity_reason,
)

__all__ = ["SUPPORTED_TYPES", "Region", "Regions", "parse_geometry", "to_geojson"]

SUPPORTED_TYPES: tuple[str, ...] = ("Point", "LineString", "Polygon", "MultiPolygon")
_OTHER_GEOJSON = ("MultiPoint", "MultiLineString", "GeometryCollection")
_DEPTH = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiPolygon": 3}


def parse_geometry(
    obj: object,
    *,
    allowed: Collection[str] = ("Polygon", "MultiPolygon"),
    max_vertices: int = 5000,
    region: Regions | None = None,
) -> BaseGeometry:
    """Parse one RFC 7946 geometry object, rejecting (never repairing) anything doubtful.

    Parameters
    ----------
    obj
        The decoded JSON value, e.g. ``{"type": "Polygon", "coordinates": [...]}``.
    allowed
        Geometry types accepted here, a subset of :data:`SUPPORTED_TYPES`.
    max_vertices
        Largest accepted number of positions in total (closing positions included). A larger
        geometry is rejected on its size alone, before its positions are examined, so that an
        oversized input is cheap to refuse.
    region
        ``(min_lon, min_lat, max_lon, max_lat)`` where positions are expected, or a tuple of
        such boxes. Used only to spot swapped axes: a position outside every box whose
        ``[lat, lon]`` reading falls inside one is rejected. Positions simply outside the
        regions are accepted.

    Returns
    -------
    shapely geometry
        A valid 2-D geometry. An altitude, if given, is accepted and dropped (zones are flat).
        Ring winding is accepted either way, as RFC 7946 asks of parsers.

    Raises
    ------
    GeometryError
        Listing every problem found, each with its location (``coordinates[0][3]``): not an
        object, missing/unknown/disallowed ``type``, malformed nesting, non-numeric or
        non-finite numbers, longitude/latitude out of range, swapped axes, unclosed or short
        rings, a LineString without 2 distinct positions, an empty geometry, too many
        positions, self-intersections and holes outside their shell.

    Examples
    --------
    >>> square = [[34.40, 31.50], [34.41, 31.50], [34.41, 31.51], [34.40, 31.51], [34.40, 31.50]]
    >>> parse_geometry({"type": "Polygon", "coordinates": [square]}).geom_type
    'Polygon'
    >>> gaza = (34.17, 31.17, 34.62, 31.64)
    >>> parse_geometry({"type": "Point", "coordinates": [31.5, 34.4]}, allowed=["Point"],
    ...                region=gaza)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    respite.errors.GeometryError: coordinates: position [31.5, 34.4] ... looks like [lat, lon]...
    """
    _check_arguments(allowed, max_vertices, region)
    c = Collector(region)
    if not isinstance(obj, Mapping):
        c.add(
            "",
            f"a geometry must be a JSON object with 'type' and 'coordinates', got {kind_of(obj)}",
        )
        c.fail()
    gtype = _check_type(c, obj, allowed)
    if "coordinates" not in obj:
        c.add("coordinates", "missing")
    if gtype is None or "coordinates" not in obj:
        c.fail()
    coords = obj["coordinates"]
    total = count_positions(coords, _DEPTH[gtype])
    if total > max_vertices:
        c.add("coordinates", f"{total} positions, more than the limit of {max_vertices}")
        c.fail()
    geom = _build(c, gtype, coords)
    if geom is None or c.problems:
        c.fail()
    return geom


def _check_arguments(allowed: Collection[str], max_vertices: int, region: Regions | None) -> None:
    """Programming errors in the call itself (not in the input) are plain ValueErrors."""
    unknown = set(allowed) - set(SUPPORTED_TYPES)
    if unknown or not allowed:
        raise ValueError(f"allowed must be a non-empty subset of {SUPPORTED_TYPES}")
    if max_vertices < 1:
        raise ValueError("max_vertices must be positive")
    for box in as_regions(region):
        if not (
            len(box) == 4
            and all(math.isfinite(v) for v in box)
            and box[0] < box[2]
            and box[1] < box[3]
        ):
            raise ValueError("region must be (min_lon, min_lat, max_lon, max_lat)")


def _check_type(c: Collector, obj: Mapping[Any, Any], allowed: Collection[str]) -> str | None:
    """The geometry type if it is one we can read (even when not allowed here), else None."""
    gtype = obj.get("type")
    if "type" not in obj:
        c.add("type", f"missing; expected one of {', '.join(allowed)}")
        return None
    if not isinstance(gtype, str):
        c.add("type", f"must be a string, got {kind_of(gtype)}")
        return None
    if gtype in ("Feature", "FeatureCollection"):
        c.add("type", f"'{gtype}' is not a geometry; pass the Feature's 'geometry' member")
        return None
    if gtype in _OTHER_GEOJSON:
        c.add("type", f"geometry type '{gtype}' is not supported; use one of {', '.join(allowed)}")
        return None
    if gtype not in SUPPORTED_TYPES:
        close = difflib.get_close_matches(gtype, [*SUPPORTED_TYPES, *_OTHER_GEOJSON], n=1)
        hint = f" (did you mean '{close[0]}'? type names are case-sensitive)" if close else ""
        c.add(
            "type", f"unknown geometry type '{gtype}'{hint}; expected one of {', '.join(allowed)}"
        )
        return None
    if gtype not in allowed:
        # Keep going: the coordinates may have their own mistakes worth reporting now.
        c.add("type", f"geometry type '{gtype}' is not allowed here; allowed: {', '.join(allowed)}")
    return gtype


def _build(c: Collector, gtype: str, coords: object) -> BaseGeometry | None:
    loc = "coordinates"
    if isinstance(coords, list | tuple) and not coords:
        c.add(loc, f"empty geometry: a {gtype} needs coordinates")
        return None
    if gtype == "Point":
        pos = c.position(coords, loc)
        return Point(pos[:2]) if pos else None
    if gtype == "LineString":
        line = c.positions(coords, loc, "a LineString")
        if line is None:
            return None
        if len({p[:2] for p in line}) < 2:
            c.add(
                loc,
                f"a LineString needs at least 2 distinct positions, got "
                f"{len({p[:2] for p in line})}",
            )
            return None
        return LineString([p[:2] for p in line])
    if gtype == "Polygon":
        rings = c.rings(coords, loc)
        return check_polygon(c, rings, loc) if rings else None
    if not isinstance(coords, Sequence) or isinstance(coords, str | bytes):
        c.add(loc, f"a MultiPolygon must be an array of polygons, got {kind_of(coords)}")
        return None
    parts = [c.rings(p, f"{loc}[{i}]") for i, p in enumerate(coords)]
    polygons = [check_polygon(c, r, f"{loc}[{i}]") if r else None for i, r in enumerate(parts)]
    if any(p is None for p in polygons):
        return None
    multi = MultiPolygon(polygons)
    why = validity_reason(multi)
    if why:
        c.add(loc, f"the polygons overlap or share an edge: {why}")
        return None
    return multi


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """Write a geometry as an RFC 7946 GeoJSON geometry object.

    Exterior rings are written counter-clockwise and holes clockwise, coordinates are 2-D and
    rounded to 7 decimals (about 1 cm), and there is no ``crs`` member (RFC 7946 is always
    WGS 84 longitude/latitude).

    Parameters
    ----------
    geom
        A non-empty shapely geometry in longitude/latitude degrees.

    Returns
    -------
    dict
        ``{"type": ..., "coordinates": ...}`` (``geometries`` for a GeometryCollection), built
        from plain lists and floats so it serialises with :func:`json.dumps`.

    Raises
    ------
    GeometryError
        If the geometry is empty (RFC 7946 empty coordinates would not round-trip through
        :func:`parse_geometry`).

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> clockwise = Polygon([(34.4, 31.5), (34.4, 31.51), (34.41, 31.51), (34.4, 31.5)])
    >>> to_geojson(clockwise)["coordinates"][0]
    [[34.4, 31.5], [34.41, 31.51], [34.4, 31.51], [34.4, 31.5]]
    """
    if not isinstance(geom, BaseGeometry):
        raise TypeError(f"expected a shapely geometry, got {type(geom).__name__}")
    if geom.is_empty:
        raise GeometryError([Problem("", "an empty geometry cannot be written as GeoJSON")])
    flat = shapely.force_2d(geom)
    return _write(shapely.orient_polygons(flat, exterior_cw=False))


def _write(geom: BaseGeometry) -> dict[str, Any]:
    kind: str = geom.geom_type
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [_write(g) for g in geom.geoms]}
    if kind == "Point":
        coords: Any = _xy(geom.coords)[0]
    elif kind in ("LineString", "LinearRing"):
        kind, coords = "LineString", _xy(geom.coords)
    elif kind == "Polygon":
        coords = _rings(geom)
    elif kind == "MultiPoint":
        coords = [_xy(p.coords)[0] for p in geom.geoms]
    elif kind == "MultiLineString":
        coords = [_xy(line.coords) for line in geom.geoms]
    else:
        coords = [_rings(p) for p in geom.geoms]
    return {"type": kind, "coordinates": coords}


def _rings(polygon: Polygon) -> list[list[list[float]]]:
    return [_xy(polygon.exterior.coords), *(_xy(r.coords) for r in polygon.interiors)]


def _xy(coords: Any) -> list[list[float]]:
    return [[round(float(x), 7), round(float(y), 7)] for x, y in coords]
