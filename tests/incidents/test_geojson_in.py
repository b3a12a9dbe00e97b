"""GeoJSON incidents: FeatureCollection, newline-delimited and RFC 8142 input, per feature."""

from __future__ import annotations

import io
import json
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pyproj import Geod

from respite.errors import InvalidInput
from respite.events.geojson_in import read_geojson
from respite.events.precision import local_day_span
from respite.events.record import GeoPrecision, IncidentSource, ParsedRow, TimePrecision

DATA = Path(__file__).parent / "data"
GEOD = Geod(ellps="WGS84")
GAZA_BOX = (34.17, 31.17, 34.62, 31.64)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())


def feature(fid: object = "F1", geometry: Any = None, **props: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "occurred_at": "2024-09-02T10:00+03:00",
        "radius_m": 100,
        "event_type": "shelling",
    }
    base.update(props)
    out: dict[str, Any] = {
        "type": "Feature",
        "geometry": geometry or {"type": "Point", "coordinates": [34.3517, 31.4181]},
        "properties": {k: v for k, v in base.items() if v is not None},
    }
    if fid is not None:
        out["id"] = fid
    return out


def collection(*features: dict[str, Any]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def read(raw: bytes, **kw: Any) -> list[ParsedRow]:
    return list(read_geojson(io.BytesIO(raw), **kw))


def problems(parsed: ParsedRow) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in parsed.problems]


# -- the fixture ----------------------------------------------------------------------------


def test_the_fixture_collection_yields_good_features_and_locates_bad_ones() -> None:
    with (DATA / "incidents.geojson").open("rb") as f:
        parsed = list(read_geojson(f))
    assert [p.record.source_key for p in parsed if p.record] == ["G-1", "G-2", "G-3"]
    first = parsed[0].record
    assert first is not None
    assert first.source is IncidentSource.GEOJSON
    assert (first.occurred_from, first.occurred_until) == (
        utc(2024, 9, 2, 7, 15),
        utc(2024, 9, 2, 7, 15, 1),
    )
    assert (first.lon, first.lat, first.radius_m, first.geo_precision) == (
        34.3517,
        31.4181,
        150.0,
        GeoPrecision.EXACT,
    )
    assert first.reported_by == "Team Alpha"
    second = parsed[1].record
    assert second is not None
    assert (second.geo_precision, second.radius_m) == (GeoPrecision.NEAR_TOWN, 10_000.0)
    assert (second.occurred_from, second.occurred_until) == local_day_span(
        date(2024, 9, 2), "Asia/Gaza"
    )
    assert second.actors == ("Unknown armed group",)
    assert second.attributes["geo_precision"] == "2"
    assert second.attributes["actors"] == '["Unknown armed group"]'
    assert [q for p in parsed[3:] for q in problems(p)] == [
        (
            "features[3].geometry.type",
            "geometry type 'LineString' is not allowed here; allowed: Point, Polygon",
        ),
        ("features[4].properties.radius_m", "'-5' is negative: a radius is metres >= 0"),
        ("features[4].properties.fatalities", "'four' is not a whole number >= 0"),
    ]


def test_a_polygon_is_its_centroid_with_the_radius_to_its_farthest_vertex() -> None:
    with (DATA / "incidents.geojson").open("rb") as f:
        polygon = list(read_geojson(f))[2].record
    assert polygon is not None
    assert polygon.time_precision is TimePrecision.SPAN
    assert (polygon.occurred_from, polygon.occurred_until) == (
        utc(2024, 9, 3, 3),
        utc(2024, 9, 3, 6, 30),
    )
    ring = [(34.40, 31.43), (34.41, 31.43), (34.41, 31.44), (34.40, 31.44)]
    distances = [GEOD.inv(polygon.lon, polygon.lat, lon, lat)[2] for lon, lat in ring]
    assert abs(polygon.lon - 34.405) < 1e-4 and abs(polygon.lat - 31.435) < 1e-4
    assert max(distances) == pytest.approx(polygon.radius_m, abs=1.0)
    assert 700 < polygon.radius_m < 760  # half the diagonal of a ~950 m x 1110 m cell


# -- framings -------------------------------------------------------------------------------


def test_features_before_the_type_member_are_still_a_collection() -> None:
    raw = json.dumps(
        {"features": [feature("A"), feature("B")], "type": "FeatureCollection"}
    ).encode()
    assert [p.record.source_key for p in read(raw) if p.record] == ["A", "B"]


def test_a_byte_order_mark_and_leading_space_are_ignored() -> None:
    raw = b"\xef\xbb\xbf  \n" + collection(feature("A"))
    assert [p.record.source_key for p in read(raw) if p.record] == ["A"]


def test_newline_delimited_features_continue_after_a_bad_line() -> None:
    lines = [json.dumps(feature("A")), "", "{not json", json.dumps(feature("C"))]
    parsed = read("\n".join(lines).encode())
    assert [p.location for p in parsed] == ["features[0]", "features[1]", "features[2]"]
    assert parsed[1].record is None and "is not valid JSON" in parsed[1].problems[0].message
    assert parsed[2].record is not None and parsed[2].record.source_key == "C"


def test_an_rfc_8142_sequence_may_hold_pretty_printed_records() -> None:
    records = [json.dumps(feature("A"), indent=2), "[1, 2", json.dumps(feature("C"))]
    raw = b"".join(b"\x1e" + r.encode() + b"\n" for r in records)
    parsed = read(raw)
    assert [p.record.source_key if p.record else None for p in parsed] == ["A", None, "C"]
    assert parsed[1].problems[0].location == "features[1]"


def test_a_single_feature_is_read_as_a_sequence_of_one() -> None:
    [parsed] = read(json.dumps(feature("A"), indent=1).encode())
    assert parsed.record is not None and parsed.record.source_key == "A"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "is not GeoJSON"),
        (b"id,lat,lon\n1,2,3\n", "is not GeoJSON"),
        (b"[1, 2, 3]", "is not GeoJSON"),
        (b'{"type": "Feature", "geometry": ', "is not valid JSON"),
    ],
)
def test_input_that_is_not_geojson_is_refused_before_any_feature(raw: bytes, expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_geojson(io.BytesIO(raw))
    assert expected in caught.value.problems[0].message


def test_a_text_stream_is_refused_with_a_hint() -> None:
    with pytest.raises(InvalidInput, match="binary mode"):
        read_geojson(io.StringIO(collection(feature()).decode()))  # type: ignore[arg-type]


def test_a_collection_that_breaks_midway_yields_what_came_before_then_stops() -> None:
    raw = collection(feature("A"), feature("B"))[:-2] + b', {"type": "Feature", oops'
    rows = read_geojson(io.BytesIO(raw))
    assert [next(rows).record.source_key, next(rows).record.source_key] == ["A", "B"]  # type: ignore[union-attr]
    with pytest.raises(InvalidInput) as caught:
        next(rows)
    assert caught.value.problems[0].location == "features[2]"
    assert "stops being valid JSON" in caught.value.problems[0].message


def test_a_bare_geometry_is_not_a_feature() -> None:
    [parsed] = read(b'{"type": "Point", "coordinates": [34.4, 31.5]}')
    assert problems(parsed) == [("features[0].type", "is not a Feature")]


# -- properties -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("props", "where", "expected"),
    [
        ({"fatalities": -1}, "fatalities", "whole number >= 0"),
        ({"fatalities": 2.5}, "fatalities", "whole number >= 0"),
        ({"fatalities": True}, "fatalities", "whole number >= 0"),
        ({"event_type": None}, "event_type", "is missing"),
        ({"event_type": 7}, "event_type", "is int, not text"),
        ({"radius_m": None}, "radius_m", "needs radius_m (metres) or geo_precision"),
        ({"radius_m": "wide"}, "radius_m", "is not a number"),
        ({"geo_precision": 7}, "geo_precision", "not a geo precision"),
        ({"occurred_at": None}, "occurred_at", "is missing"),
        ({"occurred_at": 1725260400}, "occurred_at", "is not text"),
        ({"occurred_at": "2024-04-20T02:30"}, "occurred_at", "does not exist in Asia/Gaza"),
        ({"time_precision": "fortnight"}, "time_precision", "not a time precision"),
        ({"occurred_from": "2024-09-02T10:00Z"}, "occurred_until", "is missing"),
        (
            {"occurred_from": "2024-09-02", "occurred_until": "2024-09-01"},
            "occurred_until",
            "is not after",
        ),
        ({"actors": [1, 2]}, "actors", "list of names"),
    ],
)
def test_a_bad_property_is_named_and_the_feature_skipped(
    props: dict[str, Any], where: str, expected: str
) -> None:
    [parsed] = read(collection(feature(**props)))
    assert parsed.record is None
    [(location, message)] = problems(parsed)
    assert location == f"features[0].properties.{where}"
    assert expected in message


def test_a_polygon_with_its_own_radius_is_ambiguous() -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[34.4, 31.5], [34.41, 31.5], [34.41, 31.51], [34.4, 31.5]]],
    }
    [parsed] = read(collection(feature(geometry=square, radius_m=10)))
    assert problems(parsed) == [
        ("features[0].properties.radius_m", "a Polygon gives its own radius")
    ]


def test_ids_come_from_the_feature_or_its_properties_and_repeat_ids_are_problems() -> None:
    parsed = read(
        collection(
            feature(7),
            feature(None, id="P-1"),
            feature(None, event_id="E-1"),
            feature("7"),
            feature(None, event_id="E-1"),
            feature(True),
        )
    )
    assert [p.record.source_key if p.record else None for p in parsed] == [
        "7",
        "P-1",
        "E-1",
        None,
        None,
        None,
    ]
    assert [p.problems[0].location for p in parsed[3:]] == [
        "features[3].id",
        "features[4].properties.event_id",
        "features[5].id",
    ]


def test_without_any_id_the_key_is_a_digest_of_the_feature() -> None:
    raw = collection(feature(None), feature(None, event_type="gunfire"), feature(None))
    first, other, repeat = read(raw)
    assert first.record is not None and other.record is not None
    assert first.record.source_key.startswith("sha256:")
    assert first.record.source_key != other.record.source_key
    assert repeat.record is None and repeat.problems[0].location == "features[2]"


def test_text_properties_actors_and_attributes() -> None:
    props = {
        "actors": "A; B ;A",
        "location": " Rafah ",
        "source": "WAFA",
        "nested": {"k": [1]},
        "n": None,
        "fatalities": 3,
    }
    [parsed] = read(collection(feature(**props)))
    record = parsed.record
    assert record is not None
    assert (record.actors, record.location, record.reported_by, record.fatalities) == (
        ("A", "B"),
        "Rafah",
        "WAFA",
        3,
    )
    assert record.attributes["nested"] == '{"k": [1]}'
    assert record.attributes["id"] == "F1"


def test_naive_times_and_dates_are_read_in_the_given_zone() -> None:
    [gaza] = read(collection(feature(occurred_at="2024-09-02T10:00:00")))
    [utc_read] = read(collection(feature(occurred_at="2024-09-02T10:00:00")), timezone="UTC")
    assert gaza.record is not None and utc_read.record is not None
    assert utc_read.record.occurred_from - gaza.record.occurred_from == 3 * 3600
    assert gaza.record.time_precision is TimePrecision.SECOND


def test_a_region_catches_swapped_point_axes() -> None:
    swapped = {"type": "Point", "coordinates": [31.4181, 34.3517]}
    [parsed] = read(collection(feature(geometry=swapped)), region=GAZA_BOX)
    assert parsed.problems[0].location.startswith("features[0].geometry.coordinates")
    assert "[lat, lon]" in parsed.problems[0].message
    assert read(collection(feature(geometry=swapped)))[0].record is not None  # no region, no check


def test_a_large_collection_streams_in_constant_memory(tmp_path: Path) -> None:
    """20,000 features: the peak while reading them all is the peak of the first 5,000."""
    path = tmp_path / "big.geojson"
    with path.open("w", encoding="utf-8") as f:
        f.write('{"type": "FeatureCollection", "features": [\n')
        for i in range(20_000):
            item = feature(f"F{i}", occurred_at=f"2024-09-{1 + i % 28:02d}", notes="x" * 200)
            f.write(("," if i else "") + json.dumps(item) + "\n")
        f.write("]}\n")
    peaks: list[int] = []
    good = 0
    with path.open("rb") as f:
        tracemalloc.start()
        try:
            for n, parsed in enumerate(read_geojson(f), start=1):
                good += parsed.record is not None
                if n % 5_000 == 0:
                    peaks.append(tracemalloc.get_traced_memory()[1])
                    tracemalloc.reset_peak()
        finally:
            tracemalloc.stop()
    assert good == 20_000
    assert max(peaks) < 2_000_000, peaks
    assert max(peaks) <= peaks[0] + 100_000, peaks
