"""Metre-based construction (corridors, circles, buffers) and measurement.

Never buffer in degrees: at Gaza's latitude (31.5° N) a degree of longitude is about 95 km but a
degree of latitude about 111 km, so a "500 m" buffer computed in degrees is an ellipse whose
east-west half-width is ~15 % short (or long, depending on the conversion chosen). We instead
project into an azimuthal equidistant projection centred on the geometry, where distances from
the centre are true and distortion within 100 km of it is below 0.01 %, build there in metres,
and project back. Areas and lengths are measured geodesically on the WGS 84 ellipsoid.

Geometries crossing the antimeridian or reaching a pole are out of scope (none of the places
this project models do).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from respite.errors import GeometryError, Problem

__all__ = [
    "MAX_DISTANCE_M",
    "LocalProjection",
    "area_km2",
    "buffer_m",
    "circle",
    "corridor",
    "length_km",
]

MAX_DISTANCE_M = 100_000.0
"""Largest corridor width, circle radius or buffer distance accepted (100 km): beyond this a
pause zone is certainly a typing mistake, and the local projection would start to distort."""

# Centres are rounded to 0.01° (~1 km) so nearby geometries share one cached Transformer; being
# up to ~0.7 km off-centre changes distances by far less than a millimetre per kilometre.
_CENTRE_DECIMALS = 2
_GEOD = Geod(ellps="WGS84")
_Coords = npt.NDArray[np.float64]


@lru_cache(maxsize=256)
def _transformers(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    # pyproj >= 3.1 Transformers are safe to share between threads (per-thread PROJ contexts).
    aeqd = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs"
    forward = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inverse = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    return forward, inverse


def _mapper(transformer: Transformer) -> Callable[[_Coords], _Coords]:
    def apply(xy: _Coords) -> _Coords:
        x, y = transformer.transform(xy[:, 0], xy[:, 1], errcheck=True)
        return np.column_stack([x, y])

    return apply


@dataclass(frozen=True, slots=True)
class LocalProjection:
    """An azimuthal equidistant projection (metres) centred near ``(lon0, lat0)``.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> proj = LocalProjection.at(34.45, 31.5)
    >>> metric = proj.to_metric(Point(34.45, 31.5))
    >>> round(metric.x), round(metric.y)
    (0, 0)
    """

    lon0: float
    lat0: float

    @classmethod
    def at(cls, lon: float, lat: float) -> LocalProjection:
        """The projection centred at ``(lon, lat)`` rounded to 0.01° (for caching)."""
        return cls(round(lon, _CENTRE_DECIMALS) + 0.0, round(lat, _CENTRE_DECIMALS) + 0.0)

    @classmethod
    def around(cls, geom: BaseGeometry) -> LocalProjection:
        """The projection centred on the centroid of ``geom`` (lon/lat degrees)."""
        if geom.is_empty:
            raise GeometryError([Problem("", "an empty geometry has no centre to project around")])
        centre = geom.centroid
        return cls.at(centre.x, centre.y)

    def to_metric(self, geom: BaseGeometry) -> BaseGeometry:
        """``geom`` (lon/lat degrees) in projected metres."""
        return shapely.transform(geom, _mapper(_transformers(self.lon0, self.lat0)[0]))

    def xy_to_metric(self, lon: _Coords, lat: _Coords) -> tuple[_Coords, _Coords]:
        """Arrays of lon/lat degrees in projected metres, without making point objects."""
        x, y = _transformers(self.lon0, self.lat0)[0].transform(lon, lat, errcheck=True)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def to_lonlat(self, geom: BaseGeometry) -> BaseGeometry:
        """``geom`` (projected metres) back in lon/lat degrees."""
        return shapely.transform(geom, _mapper(_transformers(self.lon0, self.lat0)[1]))


def _distance_problem(name: str, value: object, *, signed: bool = False) -> Problem | None:
    limit = f"at most {MAX_DISTANCE_M:.0f} m (100 km)"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Problem(name, f"must be a number of metres, got {type(value).__name__}")
    if not math.isfinite(value):
        return Problem(name, f"must be a finite number of metres, got {value!r}")
    if signed:
        if value == 0 or abs(value) > MAX_DISTANCE_M:
            return Problem(name, f"must be non-zero and {limit} either way, got {value!r}")
    elif value <= 0 or value > MAX_DISTANCE_M:
        return Problem(name, f"must be greater than 0 and {limit}, got {value!r}")
    return None


def _geometry_problem(name: str, geom: object, kinds: tuple[type, ...] | None) -> Problem | None:
    if not isinstance(geom, BaseGeometry):
        return Problem(name, f"must be a shapely geometry, got {type(geom).__name__}")
    if kinds is not None and not isinstance(geom, kinds):
        wanted = " or ".join(k.__name__ for k in kinds)
        return Problem(name, f"must be a {wanted}, got {geom.geom_type}")
    if geom.is_empty:
        return Problem(name, "must not be empty")
    return None


def _raise(*problems: Problem | None) -> None:
    found = [p for p in problems if p is not None]
    if found:
        raise GeometryError(found)


def corridor(line: LineString, width_m: float) -> Polygon:
    """The area within ``width_m / 2`` metres of a road or route line.

    The line is buffered by half the width on each side with *round* caps and joins, so the
    corridor also covers a half-width disc around each end point: someone standing at the start
    or end of the route is inside it, and bends do not leave notches.

    Parameters
    ----------
    line
        The route in lon/lat degrees.
    width_m
        Full width in metres, ``0 < width_m <= 100_000``.

    Returns
    -------
    Polygon
        In lon/lat degrees.

    Raises
    ------
    GeometryError
        ``line`` not a non-empty LineString, or ``width_m`` out of range (location
        ``width_m``).

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> road = LineString([(34.46, 31.50), (34.44, 31.47)])
    >>> round(area_km2(corridor(road, 1000)), 2)  # 3.83 km x 1 km + two half-discs (0.79 km²)
    4.62
    """
    _raise(
        _geometry_problem("line", line, (LineString,)),
        _distance_problem("width_m", width_m),
    )
    proj = LocalProjection.around(line)
    band = proj.to_metric(line).buffer(width_m / 2, quad_segs=16, cap_style="round")
    result: Polygon = proj.to_lonlat(band)
    return result


def circle(lon: float, lat: float, radius_m: float, *, segments: int = 64) -> Polygon:
    """A circle of ``radius_m`` metres around ``(lon, lat)`` as a polygon.

    The ``segments`` vertices lie exactly on the circle (an inscribed polygon, like shapely's
    buffer), so the polygon's area is slightly below pi r² (0.16 % below with 64 segments).

    Parameters
    ----------
    lon, lat
        Centre in degrees.
    radius_m
        ``0 < radius_m <= 100_000``.
    segments
        Number of vertices, 8 to 4096.

    Raises
    ------
    GeometryError
        Naming ``lon``, ``lat``, ``radius_m`` or ``segments`` for each bad argument.

    Examples
    --------
    >>> disc = circle(34.45, 31.5, 500)
    >>> round(area_km2(disc), 3)  # pi * 0.5**2 = 0.785
    0.784
    """
    _raise(
        _coordinate_problem("lon", lon, 180.0),
        _coordinate_problem("lat", lat, 90.0),
        _distance_problem("radius_m", radius_m),
        None
        if isinstance(segments, int) and not isinstance(segments, bool) and 8 <= segments <= 4096
        else Problem("segments", f"must be an integer from 8 to 4096, got {segments!r}"),
    )
    proj = LocalProjection.at(lon, lat)
    centre = proj.to_metric(shapely.Point(lon, lat))
    angles = np.linspace(0.0, 2.0 * math.pi, segments, endpoint=False)
    ring = np.column_stack(
        [centre.x + radius_m * np.cos(angles), centre.y + radius_m * np.sin(angles)]
    )
    result: Polygon = proj.to_lonlat(Polygon(ring))
    return result


def _coordinate_problem(name: str, value: object, bound: float) -> Problem | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return Problem(name, f"must be a finite number of degrees, got {value!r}")
    if not -bound <= value <= bound:
        return Problem(name, f"must be within [{-bound:g}, {bound:g}], got {value!r}")
    return None


def buffer_m(geom: BaseGeometry, metres: float) -> BaseGeometry:
    """``geom`` grown (or, for a negative distance, shrunk) by ``metres`` metres.

    Parameters
    ----------
    geom
        Any non-empty geometry in lon/lat degrees.
    metres
        Non-zero, at most 100 km either way. A negative value erodes polygons and may give an
        empty result when the polygon is thinner than twice the distance.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> round(area_km2(buffer_m(Point(34.45, 31.5), 1000)), 2)
    3.14
    """
    _raise(_geometry_problem("geom", geom, None), _distance_problem("metres", metres, signed=True))
    proj = LocalProjection.around(geom)
    return proj.to_lonlat(proj.to_metric(geom).buffer(metres, quad_segs=16))


def area_km2(geom: BaseGeometry) -> float:
    """Geodesic area on the WGS 84 ellipsoid in km² (0 for points and lines).

    Rings are re-oriented first because pyproj sums *signed* ring areas: a clockwise exterior
    would otherwise count as negative and a same-direction hole would add instead of subtract.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> round(area_km2(box(34.40, 31.50, 34.41, 31.51)), 3)
    1.053
    """
    oriented = shapely.orient_polygons(geom, exterior_cw=False)
    area, _perimeter = _GEOD.geometry_area_perimeter(oriented)
    return abs(float(area)) / 1e6


def length_km(line: BaseGeometry) -> float:
    """Geodesic length of a (Multi)LineString on the WGS 84 ellipsoid, in km.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> round(length_km(LineString([(34.45, 31.50), (34.45, 31.51)])), 3)
    1.109
    """
    return float(_GEOD.geometry_length(line)) / 1000.0
