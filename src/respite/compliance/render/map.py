"""The report's map as inline SVG, drawn in the report's own metric projection.

Drawing in the projection the join used (an azimuthal equidistant one around the pause) keeps
an event's uncertainty circle a true circle of its radius, so what the reader sees touching a
zone is what the join counted as touching it. North is up and the scale bar is in metres.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from respite.compliance.render.common import (
    INK,
    STYLES,
    ZONE_FILL,
    esc,
    legend,
    mark,
    omitted,
    pick_events,
)
from respite.compliance.report.build import ComplianceReport
from respite.compliance.report.events import EventEntry
from respite.geometry import AreaCatalogue, LocalProjection

WIDTH = 720
_MAX_HEIGHT = 820
_SCALES = (100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000)
_SHOWN = ("during", "before", "after", "near")


class _Frame:
    """Metres in the report's projection to SVG pixels (y down)."""

    def __init__(self, projection: LocalProjection, bounds: tuple[float, ...]) -> None:
        minx, miny, maxx, maxy = bounds
        pad = 0.08 * max(maxx - minx, maxy - miny, 2_000.0)
        self.minx, self.maxy = minx - pad, maxy + pad
        span_x, span_y = maxx - minx + 2 * pad, maxy - miny + 2 * pad
        self.scale = min(WIDTH / span_x, _MAX_HEIGHT / span_y)
        self.width = span_x * self.scale
        self.height = span_y * self.scale
        self.projection = projection

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.minx) * self.scale, (self.maxy - y) * self.scale

    def metric(self, geom: BaseGeometry) -> BaseGeometry:
        return self.projection.to_metric(geom).simplify(0.5 / self.scale)

    def path(self, geom: BaseGeometry) -> str:
        """SVG path data; polygons with holes need ``fill-rule="evenodd"``."""
        out: list[str] = []
        for part in _flat(geom):
            rings = [part.exterior, *part.interiors] if isinstance(part, Polygon) else [part]
            for ring in rings:
                coords = [self.xy(x, y) for x, y in np.asarray(ring.coords)[:, :2]]
                if not coords:
                    continue
                head, *tail = coords
                out.append(f"M{head[0]:.1f},{head[1]:.1f}")
                out.append("".join(f"L{a:.1f},{b:.1f}" for a, b in tail))
                if isinstance(part, Polygon):
                    out.append("Z")
        return "".join(out)


def render_map(report: ComplianceReport) -> str:
    projection = report.projection
    zones = [projection.to_metric(p.zone) for p in report.parts]
    near = [projection.to_metric(n.feature.geometry) for n in report.near]
    extent = shapely.GeometryCollection(
        [*zones, *(g.buffer(report.options.near_distance_m) for g in near)]
    )
    frame = _Frame(projection, extent.bounds)
    w, h = frame.width, frame.height
    out = [
        f'<svg class="map" viewBox="0 0 {w:.0f} {h + 40:.0f}" width="100%" role="img" '
        f'aria-labelledby="map-title" font-size="12" font-family="sans-serif">',
        f'<title id="map-title">Map of {esc(report.pause_name)}: zones, sites and events</title>',
        f'<rect width="{w:.0f}" height="{h:.0f}" fill="#f7f7f4"/>',
    ]
    out += _basemap(frame)
    for part, zone in zip(report.parts, zones, strict=True):
        shape = zone.simplify(0.5 / frame.scale)
        out.append(
            f'<path d="{frame.path(shape)}" fill="{ZONE_FILL}" fill-opacity="0.25" '
            f'fill-rule="evenodd" stroke="{ZONE_FILL}" stroke-width="1.5">'
            f"<title>{esc(part.name)}</title></path>"
        )
        out.append(_label(frame, zone, part.name, bold=True))
    for n, geom in zip(report.near, near, strict=True):
        ring = geom.buffer(report.options.near_distance_m)
        out.append(
            f'<path d="{frame.path(ring)}" fill="none" stroke="{INK}" stroke-dasharray="5 3" '
            f'stroke-width="1"/><path d="{frame.path(geom)}" fill="none" stroke="{INK}" '
            f'stroke-width="2"/>'
        )
        if isinstance(geom, Point):
            px, py = frame.xy(geom.x, geom.y)
            out.append(f'<polygon points="{_triangle(px, py)}" fill="{INK}"/>')
        out.append(_label(frame, geom, f"{n.feature.kind}: {n.feature.label}", bold=False))
    chosen, left_out = pick_events(report.events, _SHOWN, key=lambda e: e.key)
    out += _events(frame, chosen)
    out += _scale_bar(frame)
    out.append(_north(w))
    out.append(legend(10, h + 28))
    out.append(
        f'<text x="{w - 10:.0f}" y="{h + 28:.0f}" text-anchor="end">circles: location '
        f"uncertainty; dashed: near distance{esc(omitted(left_out))}</text></svg>"
    )
    return "".join(out)


def _basemap(frame: _Frame) -> list[str]:
    out = []
    for gov in AreaCatalogue.bundled().governorates():
        shape = frame.metric(gov.geometry)
        out.append(
            f'<path d="{frame.path(shape)}" fill="none" stroke="#9a9a9a" stroke-width="0.8" '
            f'fill-rule="evenodd"><title>{esc(gov.name_en)} governorate</title></path>'
        )
    return out


def _events(frame: _Frame, chosen: list[EventEntry]) -> list[str]:
    if not chosen:
        return []
    xs, ys = shapely.get_coordinates(
        frame.projection.to_metric(shapely.multipoints([(e.lon, e.lat) for e in chosen]))
    ).T
    circles, marks = [], []
    # Many overlapping circles would hide the zones: the more there are, the fainter each.
    with_radius = sum(1 for e in chosen if e.radius_m > 0)
    fade = max(0.08, min(0.6, 40 / max(with_radius, 1)))
    for e, x, y in zip(chosen, xs, ys, strict=True):
        px, py = frame.xy(float(x), float(y))
        tip = f"{e.key} ({STYLES[e.klass].label}): {e.why}"
        if e.radius_m > 0:
            circles.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{e.radius_m * frame.scale:.1f}" '
                f'fill="none" stroke="{STYLES[e.klass].colour}" stroke-opacity="{fade:.2f}" '
                'stroke-width="0.8"/>'
            )
        marks.append(mark(e.klass, px, py, tip))
    return circles + marks


def _scale_bar(frame: _Frame) -> list[str]:
    target = frame.width / 5 / frame.scale
    metres = max((s for s in _SCALES if s <= target), default=_SCALES[0])
    length = metres * frame.scale
    y = frame.height - 14
    label = f"{metres // 1000} km" if metres >= 1000 else f"{metres} m"
    return [
        f'<rect x="10" y="{y - 4:.1f}" width="{length:.1f}" height="6" fill="white" '
        f'stroke="{INK}"/><rect x="10" y="{y - 4:.1f}" width="{length / 2:.1f}" height="6" '
        f'fill="{INK}"/><text x="{10 + length + 6:.1f}" y="{y + 3:.1f}">{label}</text>'
    ]


def _north(width: float) -> str:
    x = width - 24
    return (
        f'<polygon points="{x:.1f},14 {x - 8:.1f},38 {x:.1f},32 {x + 8:.1f},38" fill="{INK}"/>'
        f'<text x="{x:.1f}" y="52" text-anchor="middle" font-weight="bold">N</text>'
    )


def _label(frame: _Frame, geom: BaseGeometry, text: str, *, bold: bool) -> str:
    point = geom.representative_point() if not isinstance(geom, Point) else geom
    px, py = frame.xy(point.x, point.y)
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{px:.1f}" y="{py - 8:.1f}" text-anchor="middle"{weight} '
        f'paint-order="stroke" stroke="white" stroke-width="3">{esc(text)}</text>'
    )


def _triangle(x: float, y: float, size: float = 7.0) -> str:
    h = size * math.sqrt(3) / 2
    return f"{x:.1f},{y - h:.1f} {x - size:.1f},{y + h:.1f} {x + size:.1f},{y + h:.1f}"


def _flat(geom: BaseGeometry) -> list[BaseGeometry]:
    if isinstance(geom, MultiPolygon | MultiLineString):
        return list(geom.geoms)
    if isinstance(geom, Polygon | LineString):
        return [geom]
    if hasattr(geom, "geoms"):
        return [g for part in geom.geoms for g in _flat(part)]
    return []
