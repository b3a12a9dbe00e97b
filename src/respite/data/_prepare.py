"""One-off build step: prepare the bundled Gaza data from the shared raw inputs.

This script is **not used at run time**. The package only reads the files it writes under
``src/respite/data/gaza/``. It reads the read-only raw inputs in ``../shared/data`` (relative
to the project root; override with the first command-line argument) and is kept here so that the
preparation is reproducible and reviewable::

    .venv/bin/python src/respite/data/_prepare.py [/path/to/shared/data]

Every change made to the upstream data is listed in ``ATTRIBUTION.md`` next to this file; the
script prints the same facts (pieces per block, repaired blocks, places kept) so the notes can be
checked against a fresh run. Output is deterministic (sorted keys, fixed gzip mtime).
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, mapping, shape
from shapely.geometry.base import BaseGeometry

from respite.geometry import LocalProjection, length_km

OUT = Path(__file__).resolve().parent / "gaza"
DEFAULT_SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"
GRID = 1e-6  # 6 decimals is ~0.1 m: far below the accuracy of any of these sources
_GEOD = Geod(ellps="WGS84")

# Arabic names and honest aliases of the five governorates. Aliases are other spellings of the
# *governorate* (geoBoundaries shapeName, ISO 3166-2 codes carried by geoBoundaries, common
# transliterations). "Gaza City" is deliberately absent: the city is only part of Gaza governorate.
GOVERNORATE_EXTRA: dict[str, tuple[str, list[str]]] = {
    "PS0255": ("شمال غزة", ["PS-NGZ"]),
    "PS0260": ("غزة", ["PS-GZA"]),
    "PS0265": (
        "دير البلح",
        ["PS-DEB", "Deir Al Balah", "Deir al-Balah", "Deir el-Balah", "Dayr al-Balah"],
    ),
    "PS0270": ("خان يونس", ["PS-KYS", "Khan Yunis", "Khan Younes"]),
    "PS0275": ("رفح", ["PS-RFH"]),
}

ROADS: dict[str, dict[str, Any]] = {
    "salah-al-din": {
        "match": "Salah al-Din",
        "name_en": "Salah al-Din Road",
        "aliases": ["Salah ad-Din Road", "Salah el-Din Road", "شارع صلاح الدين"],
        "segment": "Gaza City east to Deir al-Balah",
    },
    "al-rashid": {
        "match": "al-Rashid",
        "name_en": "al-Rashid coastal road",
        "aliases": ["al-Rashid Road", "Rashid Street", "coastal road", "طريق الرشيد"],
        "segment": "Nuseirat to south of al-Mawasi",
    },
}

# Arabic names of the crossings are common usage added by us (the CSV has none).
CROSSING_EXTRA: dict[str, tuple[str, str, list[str]]] = {
    "Kerem Shalom": ("kerem-shalom", "معبر كرم أبو سالم", []),
    "Erez": ("erez", "معبر بيت حانون (إيرز)", ["بيت حانون", "إيرز"]),
    "Rafah": ("rafah", "معبر رفح", []),
}

_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"))


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (list, tuple)):
        return [_round(v) for v in value]
    return value


def _gj(geom: BaseGeometry) -> dict[str, Any]:
    # RFC 7946 winding (exterior counter-clockwise) and 6-decimal coordinates.
    oriented = shapely.orient_polygons(geom) if geom.geom_type.endswith("Polygon") else geom
    out = dict(mapping(oriented))
    out["coordinates"] = _round(out["coordinates"])
    return out


def _snap(geom: BaseGeometry, label: str, notes: list[str]) -> BaseGeometry:
    """Snap to the 6-decimal grid, keeping the result valid (set_precision repairs topology)."""
    snapped = shapely.set_precision(geom, GRID)
    if not snapped.is_valid or snapped.is_empty:
        raise SystemExit(f"{label}: snapping to 1e-6 degrees gave an unusable geometry")
    if snapped.geom_type != geom.geom_type:
        notes.append(f"{label}: {geom.geom_type} became {snapped.geom_type} on 1e-6 snapping")
    return snapped


def _area_km2(geom: BaseGeometry) -> float:
    return round(abs(_GEOD.geometry_area_perimeter(geom)[0]) / 1e6, 4)


def _write(name: str, collection: dict[str, Any], *, compress: bool = False) -> None:
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    data = text.encode("utf-8") + b"\n"
    path = OUT / name
    if compress:
        # mtime=0 and no file name keep the archive byte-for-byte reproducible.
        with (
            path.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        ):
            gz.write(data)
    else:
        path.write_bytes(data)
    print(f"wrote {path.name}: {path.stat().st_size} bytes")


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return unicodedata.normalize("NFC", text).translate(_BIDI_MARKS).strip()


def governorates(src: Path) -> BaseGeometry:
    raw = json.loads((src / "boundaries/gaza_governorates_ocha_cod.geojson").read_text())
    features: list[dict[str, Any]] = []
    notes: list[str] = []
    for f in raw["features"]:
        p = f["properties"]
        name_ar, aliases = GOVERNORATE_EXTRA[p["adm2_pcode"]]
        geom = _snap(shape(f["geometry"]), p["adm2_pcode"], notes)
        props = {
            "pcode": p["adm2_pcode"],
            "name_en": p["adm2_name"],
            "name_ar": name_ar,
            "aliases": aliases,
            "area_sqkm": round(p["area_sqkm"], 4),
            "valid_on": p["valid_on"],
        }
        features.append({"type": "Feature", "properties": props, "geometry": _gj(geom)})
    print("governorate notes:", notes or "none")
    _write("governorates.geojson", {"type": "FeatureCollection", "features": features})
    return shapely.union_all([shape(f["geometry"]) for f in features])


def blocks(src: Path) -> None:
    raw = json.loads((src / "zones/evacuation_blocks_idf.geojson").read_text())
    pieces: dict[int, list[BaseGeometry]] = defaultdict(list)
    for f in raw["features"]:
        pieces[int(f["properties"]["Block"])].append(shape(f["geometry"]))
    features, notes = [], []
    distinct_total = 0
    for number in sorted(pieces):
        # Rows repeat the block geometry once per evacuation order; dedupe exact copies first.
        distinct = list({g.wkb: g for g in pieces[number]}.values())
        distinct_total += len(distinct)
        merged = shapely.union_all(distinct)
        if len(distinct) > 1:
            notes.append(f"block {number}: union of {len(distinct)} distinct geometries")
        if not merged.is_valid:
            notes.append(
                f"block {number}: union invalid ({shapely.is_valid_reason(merged)}), made valid"
            )
            merged = shapely.make_valid(merged)
        geom = _snap(merged, f"block {number}", notes)
        props = {"block": number, "area_sqkm": _area_km2(geom)}
        features.append({"type": "Feature", "properties": props, "geometry": _gj(geom)})
    print(
        f"blocks: {len(raw['features'])} features, {len(pieces)} numbers, "
        f"{distinct_total} distinct geometries"
    )
    print("block notes:", notes or "none")
    collection = {
        "type": "FeatureCollection",
        "features": features,
        "truncated": True,  # the ArcGIS export hit exceededTransferLimit at 2000 rows
    }
    _write("evacuation_blocks.geojson.gz", collection, compress=True)


# The shipped routes have no coastal road through Gaza City: the only route that reaches the
# north (zones/jabalia-rafah.geojson) runs inland along Salah al-Din road. The northern stretch
# of al-Rashid road is therefore drawn from the coastline of the OCHA governorate boundary,
# between these latitudes (al-Shati camp at Gaza City's northern edge, and the start of the
# routed segment in Nuseirat), moved this far inland (the road runs close behind the beach).
COAST_NORTH_LAT = 31.545
COAST_SOUTH_LAT = 31.457
COAST_INLAND_M = 200.0
COAST_SIMPLIFY_M = 20.0


def _coastal_stretch(strip: BaseGeometry) -> LineString:
    """The coastline between the two latitudes, north to south, moved inland."""
    band = shapely.box(34.0, COAST_SOUTH_LAT, 34.7, COAST_NORTH_LAT)
    pieces = shapely.get_parts(shapely.line_merge(strip.boundary.intersection(band)))
    coast = min(pieces, key=lambda piece: piece.centroid.x)  # the sea is to the west
    if coast.coords[0][1] < coast.coords[-1][1]:
        coast = LineString(coast.coords[::-1])
    projection = LocalProjection.around(coast)
    metric = projection.to_metric(coast).simplify(COAST_SIMPLIFY_M)
    # Heading south with the sea on the right, inland is on the left: a positive offset.
    inland = shapely.offset_curve(metric, COAST_INLAND_M, join_style="mitre")
    line = projection.to_lonlat(inland)
    assert isinstance(line, LineString)
    return line


def roads(src: Path, strip: BaseGeometry) -> None:
    raw = json.loads((src / "roads/main_roads_segments.geojson").read_text())
    features = []
    for road_id, extra in ROADS.items():
        (f,) = [f for f in raw["features"] if extra["match"] in f["properties"]["name"]]
        p = f["properties"]
        coords = _round(f["geometry"]["coordinates"])
        note = (
            f"approximated segment ({extra['segment']}): {p['description']}; cut from {p['source']}"
        )
        props = {
            "id": road_id,
            "name_en": extra["name_en"],
            "name_ar": p["name_ar"],
            "aliases": extra["aliases"],
            "segment": extra["segment"],
            "length_km": p["length_km"],
        }
        if road_id == "al-rashid":
            north = _round([list(c) for c in _coastal_stretch(strip).coords])
            coords = north + coords
            routed_km = p["length_km"]
            north_km = round(length_km(LineString(north)), 2)
            props["segment"] = "Gaza City (al-Shati) to south of al-Mawasi"
            props["length_km"] = round(length_km(LineString(coords)), 2)
            props["approximation"] = (
                f"the northern {north_km} km, from al-Shati camp on Gaza City's coast south across "
                f"Wadi Gaza to Nuseirat ({COAST_NORTH_LAT} to {COAST_SOUTH_LAT} N), is the OCHA "
                f"COD-AB coastline moved {COAST_INLAND_M:.0f} m inland, not road data: no shipped "
                "route follows the coast through Gaza City"
            )
            note = (
                "the coastal road, the second corridor named on 9 Nov 2023, from Gaza City to "
                f"south of al-Mawasi. The northern {north_km} km (Gaza City to Nuseirat) is "
                f"approximated from the coastline, {COAST_INLAND_M:.0f} m inland (see "
                f"`approximation`); the southern {routed_km} km (Nuseirat to south of al-Mawasi) "
                f"is cut from {p['source']}"
            )
        props["note"] = note
        geom = {"type": "LineString", "coordinates": coords}
        features.append({"type": "Feature", "properties": props, "geometry": geom})
    _write("roads.geojson", {"type": "FeatureCollection", "features": features})


def crossings(src: Path) -> None:
    features: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    with (src / "crossings/gaza_crossings.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            aliases = [a.strip() for a in row["alt_names"].split(";") if a.strip()]
            if not row["lat"] or not row["lon"]:
                skipped.append({"name": row["crossing"], "aliases": aliases, "note": row["note"]})
                continue
            cid, name_ar, aliases_ar = CROSSING_EXTRA[row["crossing"]]
            props = {
                "id": cid,
                "name_en": row["crossing"],
                "name_ar": name_ar,
                "aliases": aliases + aliases_ar,
                "coord_source": row["coord_source_url"],
                "note": row["note"],
            }
            geom = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
            features.append({"type": "Feature", "properties": props, "geometry": geom})
    print("crossings without coordinates (left out):", [c["name"] for c in skipped])
    collection = {"type": "FeatureCollection", "features": features, "without_coordinates": skipped}
    _write("crossings.geojson", collection)


def places(src: Path, strip: BaseGeometry) -> None:
    raw = json.loads((src / "sites/hotosm_pse_populated_places_points_geojson.geojson").read_text())
    features: list[dict[str, Any]] = []
    for f in raw["features"]:
        point = shape(f["geometry"])
        if not isinstance(point, Point) or not strip.contains(point):
            continue
        p = f["properties"]
        props = {
            "osm": f"{p['osm_type'].rstrip('s')}/{p['osm_id']}",
            "name_en": _clean(p["name:en"]),
            "name_ar": _clean(p["name:ar"] or p["name"]),
            "place": p["place"],
            "population": int(p["population"]) if p["population"] else None,
        }
        geom = {"type": "Point", "coordinates": _round(list(point.coords[0]))}
        features.append({"type": "Feature", "properties": props, "geometry": geom})
    features.sort(key=lambda f: f["properties"]["osm"])
    print(f"places: {len(raw['features'])} in export, {len(features)} inside the Gaza Strip")
    _write("places.geojson", {"type": "FeatureCollection", "features": features})


def main(argv: list[str]) -> None:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_SHARED
    OUT.mkdir(exist_ok=True)
    strip = governorates(src)
    blocks(src)
    roads(src, strip)
    crossings(src)
    places(src, strip)


if __name__ == "__main__":
    main(sys.argv)
