"""GeoJSON export follows RFC 7946 and says what each zone is."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import shapely
from shapely.geometry import shape

from respite.feeds import pauses_to_geojson


def test_feature_collection_is_rfc7946(scenario) -> None:
    collection = json.loads(json.dumps(pauses_to_geojson(scenario)))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    for feature in collection["features"]:
        geometry = feature["geometry"]
        assert geometry["type"] in {"Polygon", "MultiPolygon"}
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for rings in polygons:
            exterior = shapely.LinearRing(rings[0])
            assert exterior.is_ccw, feature["id"]
            for hole in rings[1:]:
                assert not shapely.LinearRing(hole).is_ccw
            for lon, lat in rings[0]:
                assert 34.1 < lon < 34.7 and 31.1 < lat < 31.7  # lon, lat order, in Gaza
        assert shape(geometry).is_valid
        assert feature["properties"]["sources"]


def test_occurrences_and_names(scenario) -> None:
    collection = pauses_to_geojson(
        scenario, lo=datetime(2024, 9, 1, tzinfo=UTC), hi=datetime(2024, 9, 3, tzinfo=UTC)
    )
    central = next(f for f in collection["features"] if f["id"] == "polio-round-1-2024-09/central")
    assert central["properties"]["occurrences"] == [
        {"start": "2024-09-01T03:00:00Z", "end": "2024-09-01T12:00:00Z"},
        {"start": "2024-09-02T03:00:00Z", "end": "2024-09-02T12:00:00Z"},
    ]
    assert central["properties"]["part_name_ar"] == "وسط غزة (محافظة دير البلح)"
    assert "Deir al-Balah governorate" in central["properties"]["approximation"]
