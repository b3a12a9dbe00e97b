"""GeoJSON incidents: a FeatureCollection, or features one per line / per RFC 8142 record.

The input is sniffed from its first bytes: a leading RS (0x1E) means an RFC 8142 text
sequence, an object with a ``features`` member a FeatureCollection (streamed with ijson, one
feature at a time), any other object newline-delimited features (or, when the first one spans
several lines, pretty-printed features one after another). Problems are located as
``features[N]...`` with ``N`` counting features from 0 in file order.

Each feature's geometry is a Point, or a Polygon which stands for its centroid with the radius
to its farthest vertex (the disc then covers the whole polygon); anything else is a problem.
Properties read (all others are kept, as text, in ``attributes``):

``id`` / ``event_id`` (or the feature's own ``id``; else a digest of the feature), ``occurred_at``
(ISO 8601; a date alone is a day) with optional ``time_precision``, or ``occurred_from`` +
``occurred_until``; ``radius_m`` and/or ``geo_precision`` (required for a Point);
``event_type`` (required), ``sub_event_type``, ``fatalities``, ``location``, ``actors`` (a list
or ``;``-separated text), ``notes``, ``reported_by`` (or ``source``). Times without a UTC
offset, and dates, are read in ``timezone``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from shapely.geometry import Point, Polygon

from respite.errors import GeometryError, Problem
from respite.events._read import KeySet, check, count, digest_key, metres
from respite.events._read_dates import edge, moment_span, read_moment
from respite.events._read_json import features
from respite.events.precision import PrecisionPolicy, geo_precision_of, time_precision_of, zone_of
from respite.events.record import (
    GeoPrecision,
    IncidentRecord,
    IncidentSource,
    ParsedRow,
    TimePrecision,
)
from respite.geometry import LocalProjection, Region, parse_geometry

__all__ = ["read_geojson"]

_TEXT = ("event_type", "sub_event_type", "location", "notes", "reported_by", "source")


def read_geojson(
    stream: BinaryIO,
    *,
    timezone: str = "Asia/Gaza",
    policy: PrecisionPolicy | None = None,
    region: Region | None = None,
) -> Iterator[ParsedRow]:
    """One :class:`ParsedRow` per feature; raises :class:`InvalidInput` at once if not GeoJSON.

    ``region`` (min_lon, min_lat, max_lon, max_lat), if given, lets a Point whose axes are
    swapped be caught (see :func:`respite.geometry.parse_geometry`).
    """
    zone = zone_of(timezone)
    items = features(stream)
    reader = _Feature(zone, policy or PrecisionPolicy(), region)
    return (reader.parse(where, value, error) for where, value, error in items)


class _Feature:
    def __init__(self, zone: ZoneInfo, policy: PrecisionPolicy, region: Region | None) -> None:
        self.zone, self.policy, self.region = zone, policy, region
        self.seen = KeySet()

    def parse(self, where: str, feature: Any, error: str | None) -> ParsedRow:
        if error is not None:
            return ParsedRow(where, None, (Problem(where, error),))
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            return ParsedRow(where, None, (Problem(f"{where}.type", "is not a Feature"),))
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            return ParsedRow(where, None, (Problem(f"{where}.properties", "is not an object"),))
        problems: list[Problem] = []
        at = f"{where}.properties"
        key = self.key(feature, props, where, problems)
        span = self.span(props, at, problems)
        place = self.place(feature.get("geometry"), props, where, problems)
        texts = {name: _text(props.get(name), f"{at}.{name}", problems) for name in _TEXT}
        fatalities = check(problems, f"{at}.fatalities", _count, props.get("fatalities"))
        actors = _actors(props.get("actors"), f"{at}.actors", problems)
        if not texts["event_type"] and props.get("event_type") is None:
            problems.append(Problem(f"{at}.event_type", "is missing: every incident needs a type"))
        if problems:
            return ParsedRow(where, None, tuple(problems))
        assert span is not None and place is not None and key is not None
        attributes = {name: _as_text(value) for name, value in props.items()}
        if "id" in feature:
            attributes.setdefault("id", _as_text(feature["id"]))
        return ParsedRow(
            where,
            IncidentRecord(
                source=IncidentSource.GEOJSON,
                source_key=key,
                occurred_from=span[0],
                occurred_until=span[1],
                time_precision=span[2],
                lon=place[0],
                lat=place[1],
                radius_m=place[3],
                geo_precision=place[2],
                event_type=texts["event_type"] or "",
                sub_event_type=texts["sub_event_type"],
                fatalities=fatalities,
                location=texts["location"],
                actors=actors,
                notes=texts["notes"],
                reported_by=texts["reported_by"] or texts["source"],
                attributes=attributes,
            ),
        )

    def key(
        self, feature: dict[str, Any], props: dict[str, Any], where: str, problems: list[Problem]
    ) -> str | None:
        for name, value, at in (
            ("id", feature.get("id"), f"{where}.id"),
            ("id", props.get("id"), f"{where}.properties.id"),
            ("event_id", props.get("event_id"), f"{where}.properties.event_id"),
        ):
            if value is None or value == "":
                continue
            if isinstance(value, bool) or not isinstance(value, str | int):
                problems.append(Problem(at, f"{name} must be text or a whole number"))
                return None
            key = str(value)
            break
        else:
            canonical = json.dumps(feature, sort_keys=True, ensure_ascii=False, default=str)
            key, at = digest_key([("feature", canonical)]), where
        if not self.seen.add(key):
            problems.append(Problem(at, f"{key!r} already appears in an earlier feature"))
        return key

    def span(
        self, props: dict[str, Any], at: str, problems: list[Problem]
    ) -> tuple[int, int, TimePrecision] | None:
        if "occurred_from" in props or "occurred_until" in props:
            lo = check(
                problems, f"{at}.occurred_from", _edge, props.get("occurred_from"), self.zone
            )
            hi = check(
                problems,
                f"{at}.occurred_until",
                _edge,
                props.get("occurred_until"),
                self.zone,
                True,
            )
            if lo is None or hi is None:
                return None
            if hi <= lo:
                problems.append(Problem(f"{at}.occurred_until", "is not after occurred_from"))
                return None
            return lo, hi, TimePrecision.SPAN
        value = props.get("occurred_at")
        if not isinstance(value, str):
            why = "is missing: give occurred_at, or occurred_from and occurred_until"
            problems.append(Problem(f"{at}.occurred_at", why if value is None else "is not text"))
            return None
        found = check(problems, f"{at}.occurred_at", read_moment, value, self.zone)
        stated = None
        if props.get("time_precision") is not None:
            stated = check(
                problems, f"{at}.time_precision", time_precision_of, props["time_precision"]
            )
            if stated is None:
                return None
        if found is None:
            return None
        where = f"{at}.time_precision" if stated else f"{at}.occurred_at"
        return check(problems, where, moment_span, *found, stated, self.zone, self.policy)

    def place(
        self, geometry: Any, props: dict[str, Any], where: str, problems: list[Problem]
    ) -> tuple[float, float, GeoPrecision, float] | None:
        if geometry is None:
            problems.append(Problem(f"{where}.geometry", "is null: an incident needs a place"))
            return None
        try:
            shape = parse_geometry(geometry, allowed=("Point", "Polygon"), region=self.region)
        except GeometryError as exc:
            problems.extend(exc.prefixed(f"{where}.geometry").problems)
            return None
        at = f"{where}.properties"
        label = None
        if props.get("geo_precision") is not None:
            label = check(problems, f"{at}.geo_precision", geo_precision_of, props["geo_precision"])
        radius = None
        if props.get("radius_m") is not None:
            radius = check(problems, f"{at}.radius_m", _metres, props["radius_m"])
        if isinstance(shape, Polygon):
            if radius is not None:
                problems.append(Problem(f"{at}.radius_m", "a Polygon gives its own radius"))
                return None
            return (*_disc(shape), label or GeoPrecision.EXACT, _reach(shape))
        assert isinstance(shape, Point)
        if radius is not None:
            return shape.x, shape.y, label or GeoPrecision.EXACT, radius
        if label is None:
            if "radius_m" not in props and "geo_precision" not in props:
                why = "is missing: a Point needs radius_m (metres) or geo_precision"
                problems.append(Problem(f"{at}.radius_m", why))
            return None
        found = check(problems, f"{at}.geo_precision", self.policy.radius, label)
        return None if found is None else (shape.x, shape.y, *found)


def _disc(polygon: Polygon) -> tuple[float, float]:
    projection = LocalProjection.around(polygon)
    centre = projection.to_lonlat(projection.to_metric(polygon).centroid)
    return float(centre.x), float(centre.y)


def _reach(polygon: Polygon) -> float:
    """Metres from the polygon's centroid to its farthest vertex."""
    projection = LocalProjection.around(polygon)
    metric = projection.to_metric(polygon)
    centre = metric.centroid
    return float(max(centre.distance(Point(xy)) for xy in metric.exterior.coords))


def _edge(value: Any, zone: ZoneInfo, end: bool = False) -> int:
    if not isinstance(value, str):
        raise ValueError("is missing" if value is None else "is not text")
    return edge(value, zone, end)


def _metres(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{value!r} is not a number of metres")
    return metres(str(value))


def _count(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{value!r} is not a whole number >= 0")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number >= 0")
        value = int(value)
    return count(str(value))


def _text(value: Any, at: str, problems: list[Problem]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(Problem(at, f"is {type(value).__name__}, not text"))
        return None
    return value.strip() or None


def _actors(value: Any, at: str, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(";") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(a, str) for a in items):
        problems.append(Problem(at, "must be a list of names or ';'-separated text"))
        return ()
    return tuple(dict.fromkeys(a.strip() for a in items if a.strip()))


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
