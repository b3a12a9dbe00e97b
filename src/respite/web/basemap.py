"""The offline basemap: the bundled Gaza layers as GeoJSON for the page (no tiles).

Layers: ``strip`` (the outline: coast and boundary, the union of the governorates),
``governorates``, ``blocks`` (evacuation blocks with their numbers), ``places`` (populated
places, Arabic and English names), ``crossings`` and ``roads``. Areas get a ``label`` point
inside them (shapely's representative point), where the page writes the name or number and
which a search for the block or governorate checks.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources
from typing import Any

from shapely.geometry import shape

from respite.geometry import AreaCatalogue, to_geojson

LAYERS = ("strip", "governorates", "blocks", "places", "crossings", "roads")
_FILES = {
    "governorates": "governorates.geojson",
    "blocks": "evacuation_blocks.geojson.gz",
    "places": "places.geojson",
    "crossings": "crossings.geojson",
    "roads": "roads.geojson",
}
ATTRIBUTION = {
    "strip": "UN OCHA COD-AB via HDX (CC BY 3.0 IGO)",
    "governorates": "UN OCHA COD-AB via HDX (CC BY 3.0 IGO)",
    "blocks": "IDF block map (Dec 2023) via GazaMaps and mushon/nibal (MIT)",
    "places": "© OpenStreetMap contributors (ODbL 1.0)",
    "crossings": "Wikipedia (coordinates)",
    "roads": "© OpenStreetMap contributors (ODbL 1.0), via mushon/nibal",
}


def _read(name: str) -> dict[str, Any]:
    raw = (resources.files("respite") / "data" / "gaza" / name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    collection: dict[str, Any] = json.loads(raw)
    return collection


def _label(geometry: dict[str, Any]) -> list[float]:
    point = shape(geometry).representative_point()
    return [round(point.x, 6), round(point.y, 6)]


def layer(name: str) -> dict[str, Any]:
    """One layer as a GeoJSON FeatureCollection (a KeyError for an unknown name)."""
    if name == "strip":
        outline = to_geojson(AreaCatalogue.bundled().strip())
        features = [{"type": "Feature", "geometry": outline, "properties": {}}]
        return _collection(name, features)
    source = _read(_FILES[name])
    features = source["features"]
    if name in ("blocks", "governorates"):
        features = [
            {**f, "properties": {**f["properties"], "label": _label(f["geometry"])}}
            for f in features
        ]
    return _collection(name, features, truncated=bool(source.get("truncated")))


def _collection(name: str, features: list[Any], *, truncated: bool = False) -> dict[str, Any]:
    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION[name],
        "features": features,
    }
    if truncated:
        collection["truncated"] = True
    return collection


@cache
def layer_bytes(name: str) -> bytes:
    """The layer as compact UTF-8 JSON, made once per process."""
    if name not in LAYERS:
        raise KeyError(name)
    return json.dumps(layer(name), ensure_ascii=False, separators=(",", ":")).encode()
