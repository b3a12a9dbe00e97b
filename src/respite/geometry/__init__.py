"""Pure geometry for pause zones: strict GeoJSON, metre-based shapes and the Gaza catalogue.

No web or database imports here: everything is shapely/pyproj on WGS 84 lon/lat degrees.

- :func:`parse_geometry` / :func:`to_geojson`: reject doubtful GeoJSON, write RFC 7946.
- :func:`corridor`, :func:`circle`, :func:`buffer_m`: build in metres in a local projection;
  :func:`area_km2`, :func:`length_km`: geodesic measures.
- :class:`AreaCatalogue`: governorates, evacuation blocks, roads, crossings and places bundled
  with the package (sources and licences in ``respite/data/ATTRIBUTION.md``).
"""

from .areas import AreaCatalogue, NamedArea, NamedPoint, NamedRoad, normalise_name
from .geojson import SUPPORTED_TYPES, Region, parse_geometry, to_geojson
from .metric import (
    MAX_DISTANCE_M,
    LocalProjection,
    area_km2,
    buffer_m,
    circle,
    corridor,
    length_km,
)

__all__ = [
    "MAX_DISTANCE_M",
    "SUPPORTED_TYPES",
    "AreaCatalogue",
    "LocalProjection",
    "NamedArea",
    "NamedPoint",
    "NamedRoad",
    "Region",
    "area_km2",
    "buffer_m",
    "circle",
    "corridor",
    "length_km",
    "normalise_name",
    "parse_geometry",
    "to_geojson",
]
