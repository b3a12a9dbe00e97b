"""A printable one-page sheet per pause: map, windows in local time, and the text.

Server-made HTML with an inline SVG map (no script, no tiles), so it prints and works from the
service worker's cache without the network. Zones are hatched, not only coloured.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from html import escape

import shapely
from shapely.geometry.base import BaseGeometry

from respite.geometry import AreaCatalogue
from respite.pauses.resolve import Pause
from respite.web import localtime as lt
from respite.web.localtime import Lang
from respite.web.summary import sms_text

WIDTH = 360.0
MAX_ROWS = 16

_WORDS: dict[str, dict[Lang, str]] = {
    "windows": {"en": "Windows", "ar": "النوافذ"},
    "part": {"en": "Zone", "ar": "المنطقة"},
    "start": {"en": "From", "ar": "من"},
    "end": {"en": "Until", "ar": "حتى"},
    "more": {"en": "more windows: see the online map", "ar": "نوافذ أخرى: انظر الخريطة"},
    "rules": {"en": "Movement rules", "ar": "قواعد التنقل"},
    "sms": {"en": "Short text (SMS)", "ar": "نص قصير (رسالة)"},
    "version": {"en": "Version", "ar": "النسخة"},
    "status": {"en": "Status", "ar": "الحالة"},
    "approx": {"en": "How the zone was drawn", "ar": "كيف رُسمت المنطقة"},
    "sources": {"en": "Sources", "ar": "المصادر"},
    "legend": {
        "en": "Hatched: the pause's zones. Dots: towns. Squares: crossings.",
        "ar": "المناطق المخططة: مناطق الهدنة. النقاط: البلدات. المربعات: المعابر.",
    },
    "note": {
        "en": "Times are local wall-clock times. A place on a zone's edge is not covered.",
        "ar": "الأوقات بالتوقيت المحلي. المكان الواقع على حد المنطقة غير مشمول.",
    },
    "title": {"en": "Pause sheet", "ar": "ورقة الهدنة"},
    "other": {"en": "العربية", "ar": "English"},
}


STATUS: dict[str, dict[Lang, str]] = {
    "draft": {"en": "draft", "ar": "مسودة"},
    "announced": {"en": "announced", "ar": "معلنة"},
    "suspended": {"en": "suspended", "ar": "معلّقة"},
    "ended": {"en": "ended", "ar": "منتهية"},
    "cancelled": {"en": "cancelled", "ar": "ملغاة"},
}


def _t(word: str, lang: Lang) -> str:
    return _WORDS[word][lang]


class _Projection:
    """Equirectangular, scaled by cos(latitude) to keep shapes right, into a fixed width."""

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        min_x, min_y, max_x, max_y = bounds
        self.k = math.cos(math.radians((min_y + max_y) / 2))
        self.min_x, self.max_y = min_x, max_y
        self.scale = WIDTH / ((max_x - min_x) * self.k)
        self.height = (max_y - min_y) * self.scale

    def xy(self, x: float, y: float) -> str:
        return f"{(x - self.min_x) * self.k * self.scale:.1f},{(self.max_y - y) * self.scale:.1f}"

    def path(self, geom: BaseGeometry) -> str:
        rings: list[Iterable[tuple[float, float]]] = []
        polygons = getattr(geom, "geoms", [geom])
        for polygon in polygons:
            if polygon.geom_type == "Polygon":
                rings.append(polygon.exterior.coords)
                rings.extend(i.coords for i in polygon.interiors)
            elif polygon.geom_type == "LineString":
                rings.append(polygon.coords)
        return " ".join("M" + " L".join(self.xy(x, y) for x, y in ring) for ring in rings)


def frame(pause: Pause) -> tuple[float, float, float, float]:
    """The map's extent: the pause's own zones (every part of every version), padded.

    Never a fixed region: a Sudan-wide ceasefire frames Sudan, a 400 m crossing point in
    Aleppo frames a few kilometres round it.
    """
    zones = [part.zone for version in pause.versions for part in version.parts]
    minx, miny, maxx, maxy = shapely.union_all(zones).bounds
    # A tenth of the extent on each side, and at least ~1 km, so that a small zone keeps
    # some of its surroundings.
    pad_y = max((maxy - miny) * 0.1, 0.01)
    pad_x = max((maxx - minx) * 0.1, 0.01 / max(math.cos(math.radians((miny + maxy) / 2)), 0.1))
    return (minx - pad_x, miny - pad_y, maxx + pad_x, maxy + pad_y)


def _map(pause: Pause, lang: Lang) -> str:
    catalogue = AreaCatalogue.bundled()
    bounds = frame(pause)
    proj = _Projection(bounds)
    view = shapely.box(*bounds)
    # Simplify to about a third of an SVG unit: finer detail cannot be printed.
    tolerance = (bounds[3] - bounds[1]) / max(proj.height, 1.0) / 3
    extent = ",".join(f"{v:.5f}" for v in bounds)
    out = [
        f'<svg class="map" viewBox="0 0 {WIDTH:.0f} {proj.height:.0f}" role="img" '
        f'aria-label="{escape(_t("legend", lang))}" data-bounds="{extent}">',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" '
        'stroke="#b3261e" stroke-width="2.5"/></pattern></defs>',
    ]
    for area in catalogue.areas_in(view):
        shape = area.geometry.intersection(view).simplify(tolerance)
        out.append(f'<path class="gov" d="{proj.path(shape)}"/>')
    for part in pause.latest.parts:
        shape = part.zone.simplify(tolerance)
        out.append(f'<path class="zone" d="{proj.path(shape)}"/>')
    for road in catalogue.roads():
        if road.geometry.intersects(view):
            shape = road.geometry.intersection(view).simplify(tolerance)
            out.append(f'<path class="road" d="{proj.path(shape)}"/>')
    for place in catalogue.places():
        if place.category not in ("city", "town") and (place.population or 0) < 20000:
            continue
        if not view.contains(place.geometry):
            continue
        x, y = proj.xy(place.geometry.x, place.geometry.y).split(",")
        name = place.name_ar if lang == "ar" else place.name_en
        out.append(
            f'<circle cx="{x}" cy="{y}" r="2.2"/>'
            f'<text x="{float(x) + 4:.1f}" y="{float(y) + 3:.1f}">{escape(name)}</text>'
        )
    for crossing in catalogue.crossings():
        if not view.contains(crossing.geometry):
            continue
        x, y = proj.xy(crossing.geometry.x, crossing.geometry.y).split(",")
        out.append(
            f'<rect class="crossing" x="{float(x) - 3:.1f}" y="{float(y) - 3:.1f}" '
            'width="6" height="6"/>'
        )
    out.append("</svg>")
    return "".join(out)


def _windows(pause: Pause, lang: Lang, lo: int, hi: int) -> str:
    rows = []
    tz = pause.timezone
    for part in pause.latest.parts:
        name = part.name or pause.spec.name
        label = escape((name.ar or name.en) if lang == "ar" else name.en)
        pairs = [(int(s), int(e)) for s, e in part.coverage(lo, hi).clip(lo, hi)]
        if part.is_open_ended:
            pairs = [(s, e) for s, e in pairs if e < hi]
        for run in lt.runs(pairs, tz, open_ended=part.is_open_ended)[:MAX_ROWS]:
            rows.append(
                f"<tr><th scope='row'>{label}</th><td>{escape(lt.run_text(run, lang))}</td></tr>"
            )
    zone = f"{lt.zone_label(tz, lang)} ({tz})"
    return (
        f"<table><caption>{_t('windows', lang)}: {escape(zone)}</caption>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def sheet_html(pause: Pause, lang: Lang, lo: int, hi: int, *, generated: str) -> str:
    """The whole printable page."""
    spec = pause.spec
    name = (spec.name.ar or spec.name.en) if lang == "ar" else spec.name.en
    other = "en" if lang == "ar" else "ar"
    summary = ""
    if spec.summary is not None:
        text = (spec.summary.ar or spec.summary.en) if lang == "ar" else spec.summary.en
        summary = f"<p>{escape(text)}</p>"
    rules = "".join(
        f"<li>{escape((r.text.ar or r.text.en) if lang == 'ar' else r.text.en)}</li>"
        for r in spec.movement_rules
    )
    rules_html = f"<h2>{_t('rules', lang)}</h2><ul>{rules}</ul>" if rules else ""
    approx = "".join(
        f'<li lang="en" dir="ltr">{escape(p.zone_spec.approximation)}</li>'
        for p in pause.latest.parts
        if p.zone_spec.approximation
    )
    approx_html = f"<h2>{_t('approx', lang)}</h2><ul class='small'>{approx}</ul>" if approx else ""
    sources = "".join(f'<li lang="en" dir="ltr">{escape(s.title)}</li>' for s in spec.sources)
    version = lt.digits(str(pause.latest.version), lang)
    status = STATUS[pause.latest.status.value][lang]
    return f"""<!doctype html>
<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(name)}: {_t("title", lang)}</title>
<style>{_CSS}</style></head>
<body><main>
<nav class="noprint"><a href="?lang={other}" hreflang="{other}">{_t("other", lang)}</a>
 · <a href="/#pause={escape(pause.id)}">⌂</a></nav>
<h1>{escape(name)}</h1>
<p class="meta">{_t("status", lang)}: {status} · {_t("version", lang)} {version}
 · <bdi dir="ltr">{escape(generated)}</bdi></p>
{summary}
<div class="cols"><div>{_map(pause, lang)}<p class="small">{_t("legend", lang)}</p></div>
<div>{_windows(pause, lang, lo, hi)}<p class="small">{_t("note", lang)}</p>{rules_html}
<h2>{_t("sms", lang)}</h2><p class="sms">{escape(sms_text(pause, lang, lo, hi))}</p></div></div>
{approx_html}
<h2>{_t("sources", lang)}</h2><ul class="small">{sources}</ul>
</main></body></html>
"""


_CSS = """
@page { size: A4; margin: 12mm; }
body { font: 11pt/1.4 system-ui, "Noto Sans Arabic", "DejaVu Sans", sans-serif; color: #111;
  margin: 0; }
main { max-width: 190mm; margin: 0 auto; padding: 4mm; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 11.5pt; margin: 3mm 0 1mm; }
.meta, .small { font-size: 9pt; color: #333; }
.cols { display: grid; grid-template-columns: 48% 50%; gap: 2%; align-items: start; }
.map { width: 100%; height: auto; max-height: 150mm; border: 1px solid #999; }
.map .gov { fill: #f3f1ea; stroke: #555; stroke-width: .6; }
.map .zone { fill: url(#hatch); fill-opacity: .75; stroke: #b3261e; stroke-width: 1.4; }
.map .road { fill: none; stroke: #333; stroke-width: .8; stroke-dasharray: 3 2; }
.map circle { fill: #000; } .map .crossing { fill: #fff; stroke: #000; stroke-width: 1.2; }
.map text { font-size: 7px; fill: #000; paint-order: stroke; stroke: #fff; stroke-width: 2px; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; }
caption { text-align: start; font-weight: 600; padding-bottom: 1mm; }
th, td { border: 1px solid #999; padding: 1mm 2mm; text-align: start; vertical-align: top; }
.sms { border: 1px dashed #555; padding: 2mm; }
@media print { .noprint { display: none; } }
"""
