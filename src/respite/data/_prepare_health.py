"""Derive ``gaza/health_facilities.geojson`` from the HOT OpenStreetMap export (run once).

Run from the repository root with ``../shared/data`` present::

    python src/respite/data/_prepare_health.py

See ATTRIBUTION.md for what is kept and why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape

_SOURCE = Path("../shared/data/sites/hotosm_pse_health_facilities_points_geojson.geojson")
_HERE = Path(__file__).parent / "gaza"
_KEPT = ("hospital", "clinic", "doctors", "birthing_centre", "centre")


def main() -> None:
    raw = json.loads(_SOURCE.read_text(encoding="utf-8"))
    governorates = json.loads((_HERE / "governorates.geojson").read_text(encoding="utf-8"))
    areas = [(f["properties"]["pcode"], shape(f["geometry"])) for f in governorates["features"]]
    out: list[dict[str, Any]] = []
    for feature in raw["features"]:
        props = feature["properties"]
        amenity = props.get("amenity") or props.get("healthcare")
        lon, lat = feature["geometry"]["coordinates"][:2]
        inside = [pcode for pcode, area in areas if area.contains(Point(lon, lat))]
        name = props.get("name") or props.get("name:ar") or props.get("name:en")
        if amenity not in _KEPT or not inside or not name:
            continue
        osm_type = "node" if props.get("osm_type") == "nodes" else "way"
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "osm": f"{osm_type}/{props['osm_id']}",
                    "name": name,
                    "name_en": props.get("name:en"),
                    "amenity": "hospital" if amenity == "hospital" else "clinic",
                    "pcode": inside[0],
                },
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            }
        )
    out.sort(key=lambda f: f["properties"]["osm"])
    text = json.dumps(
        {"type": "FeatureCollection", "features": out}, ensure_ascii=False, separators=(",", ":")
    )
    (_HERE / "health_facilities.geojson").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
