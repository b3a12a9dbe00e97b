"""One-off build step: the bundled data of regions other than Gaza, from Natural Earth.

This script is **not used at run time**. It reads the TopoJSON of the npm package
``world-atlas`` 2.0.2 (Natural Earth 1:50m admin-0 countries, public domain), decodes it with a
few lines of TopoJSON arithmetic (no extra dependency), and writes one folder per region
under ``src/respite/data/``: ``admin.geojson`` (the country outline, with its OCHA-style pcode
and names in English and Arabic) and ``places.geojson`` (a few towns: their coordinates are
facts, listed below with where they come from). Output is deterministic::

    mkdir -p /tmp/atlas && npm install --prefix /tmp/atlas world-atlas@2.0.2
    .venv/bin/python src/respite/data/_prepare_world.py /tmp/atlas/node_modules/world-atlas

``ATTRIBUTION.md`` next to this file lists the sources and every change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, mapping

HERE = Path(__file__).resolve().parent
ATLAS_FILE = "countries-50m.json"
GRID = 1e-4  # Natural Earth 1:50m is good to about 1 km; 4 decimals is ~10 m
_GEOD = Geod(ellps="WGS84")

#: region folder -> (Natural Earth name, ISO 3166-1 numeric id in world-atlas, pcode, Arabic
#: name, aliases). The pcode is the country's ISO 3166-1 alpha-2 code, which OCHA's COD
#: p-codes use for admin level 0.
COUNTRIES: dict[str, tuple[str, str, str, str, list[str]]] = {
    "sudan": ("Sudan", "729", "SD", "السودان", ["SDN", "Republic of the Sudan", "جمهورية السودان"]),
}

#: Towns per region: (id, English, Arabic, lon, lat, category). Coordinates are the town
#: centres given by the English Wikipedia articles' coordinate lines (facts, rounded to 0.01
#: degree, about 1 km), Arabic names as the Arabic Wikipedia titles them.
PLACES: dict[str, list[tuple[str, str, str, float, float, str]]] = {
    "sudan": [
        ("khartoum", "Khartoum", "الخرطوم", 32.56, 15.50, "city"),
        ("omdurman", "Omdurman", "أم درمان", 32.48, 15.64, "city"),
        ("khartoum-north", "Khartoum North (Bahri)", "الخرطوم بحري", 32.63, 15.63, "city"),
        ("port-sudan", "Port Sudan", "بورتسودان", 37.22, 19.62, "city"),
        ("wad-madani", "Wad Madani", "ود مدني", 33.52, 14.40, "city"),
        ("el-obeid", "El Obeid", "الأبيض", 30.22, 13.18, "city"),
        ("el-fasher", "El Fasher", "الفاشر", 25.35, 13.63, "city"),
        ("nyala", "Nyala", "نيالا", 24.88, 12.05, "city"),
        ("el-geneina", "El Geneina", "الجنينة", 22.45, 13.45, "city"),
        ("kassala", "Kassala", "كسلا", 36.40, 15.45, "city"),
    ],
}


def decode(topology: dict[str, Any]) -> dict[str, tuple[dict[str, Any], MultiPolygon]]:
    """Natural Earth countries by ISO numeric id, as shapely MultiPolygons (TopoJSON 1.0)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded quantized positions
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for k, index in enumerate(indices):
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]  # ~i: arc i reversed
            points.extend(arc if k == 0 else arc[1:])
        return points

    out = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        shapes = [Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polygons]
        out[str(geometry.get("id"))] = (geometry["properties"], MultiPolygon(shapes))
    return out


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return [_round(v) for v in value]
    return value


def _write(path: Path, collection: dict[str, Any]) -> None:
    path.parent.mkdir(exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    path.write_bytes(text.encode("utf-8") + b"\n")
    print(f"wrote {path.relative_to(HERE)}: {path.stat().st_size} bytes")


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    atlas = Path(argv[1])
    version = json.loads((atlas / "package.json").read_text())["version"]
    countries = decode(json.loads((atlas / ATLAS_FILE).read_text()))
    for region, (name, iso, pcode, name_ar, aliases) in COUNTRIES.items():
        properties, outline = countries[iso]
        if properties["name"] != name:
            raise SystemExit(f"world-atlas id {iso} is {properties['name']!r}, not {name!r}")
        snapped = shapely.orient_polygons(shapely.set_precision(outline, GRID))
        if not snapped.is_valid:
            raise SystemExit(f"{name}: snapping to {GRID} degrees gave an invalid outline")
        area = round(abs(_GEOD.geometry_area_perimeter(snapped)[0]) / 1e6)
        geometry = dict(mapping(snapped))
        geometry["coordinates"] = _round(geometry["coordinates"])
        feature = {
            "type": "Feature",
            "properties": {
                "pcode": pcode,
                "name_en": name,
                "name_ar": name_ar,
                "aliases": aliases,
                "level": 0,
                "area_sqkm": area,
                "source": f"Natural Earth 1:50m admin-0 via world-atlas {version} ({ATLAS_FILE})",
            },
            "geometry": geometry,
        }
        print(f"{name}: {shapely.get_num_coordinates(snapped)} vertices, {area:,} km2")
        _write(
            HERE / region / "admin.geojson", {"type": "FeatureCollection", "features": [feature]}
        )
        places: list[dict[str, Any]] = [
            {
                "type": "Feature",
                "properties": {"id": pid, "name_en": en, "name_ar": ar, "place": category},
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
            for pid, en, ar, lon, lat, category in PLACES[region]
        ]
        for place in places:
            point = shapely.Point(place["geometry"]["coordinates"])
            if not snapped.contains(point):
                raise SystemExit(f"{place['properties']['id']} lies outside {name}")
        _write(HERE / region / "places.geojson", {"type": "FeatureCollection", "features": places})


if __name__ == "__main__":
    main(sys.argv)
