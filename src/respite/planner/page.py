"""A plan as one self-contained HTML page: summary, map (inline SVG), timeline, tables.

No external resources (no CDN, no tiles, no fonts): the page works offline and can be mailed.
The map draws every leg's path, depots as squares and places as circles shaded by the share
of their demand delivered; the timeline has one row per vehicle in the place's local time.
"""

from __future__ import annotations

import math
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from respite.planner.result import PlanResult

_W, _H, _PAD = 640, 720, 20
_COLOURS = ("#1b6ca8", "#d1495b", "#2e8b57", "#edae49", "#6a4c93", "#00798c", "#8d6a9f")
#: the timeline shows at most this many vehicles (the tables and CSV have all)
MAX_TIMELINE_ROWS = 120


def plan_html(result: PlanResult) -> str:
    zone = ZoneInfo(result.timezone)
    title = f"Plan: {result.problem}"
    goods, people = result.delivered_share("goods"), result.delivered_share("people")
    bound = result.upper_bound.get("goods")
    most = "" if bound is None else f"; the crossings could pass at most {bound:,}"
    summary = (
        f"<p>{len(result.routes)} vehicle trips; goods delivered {result.delivered('goods'):,} of "
        f"{result.demand('goods'):,} ({goods:.0%}{most}); people moved "
        f"{result.delivered('people'):,} of "
        f"{result.demand('people'):,} ({people:.0%}). Times in {escape(result.timezone)}. "
        f"{'Feasible.' if result.feasible else 'Some routes broke a rule and were dropped.'}</p>"
    )
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{escape(title)}</title>",
            "<style>body{font:14px system-ui,sans-serif;margin:1.5em;max-width:1100px}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
            "text-align:left}svg{border:1px solid #ccc;background:#fafafa}</style>",
            "</head><body>",
            f"<h1>{escape(title)}</h1>",
            summary,
            "<h2>Map</h2>",
            _map(result),
            f"<h2>Timeline ({escape(result.timezone)})</h2>",
            _timeline(result, zone),
            "<h2>Not delivered, and why</h2>",
            _shortfalls(result),
            "</body></html>",
        ]
    )


def _map(result: PlanResult) -> str:
    points = [p for r in result.routes for leg in r.legs for p in leg.path]
    if not points:
        return "<p>No routes.</p>"
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    span = max((max(lons) - min(lons)) * scale_x, max(lats) - min(lats), 1e-6)
    size = min(_W, _H) - 2 * _PAD

    def xy(lon: float, lat: float) -> str:
        x = _PAD + (lon - min(lons)) * scale_x / span * size
        y = _PAD + (max(lats) - lat) / span * size
        return f"{x:.1f},{y:.1f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}">']
    kinds = sorted({r.kind for r in result.routes})
    for route in result.routes:
        colour = _COLOURS[kinds.index(route.kind) % len(_COLOURS)]
        for leg in route.legs:
            line = " ".join(xy(x, y) for x, y in leg.path)
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" '
                f'stroke-opacity="0.35" stroke-width="1.5"/>'
            )
    seen: dict[str, tuple[float, float, str, str]] = {}
    for route in result.routes:
        for stop in route.stops:
            arrival = next((g for g in route.legs if g.to_id == stop.place_id), None)
            if arrival is not None and arrival.path:
                seen[stop.place_id] = (*arrival.path[-1], stop.name, stop.action)
    shares = {i.item_id: i.delivered / i.demand for i in result.items if i.demand}
    for place, (lon, lat, name, action) in seen.items():
        x, y = (float(v) for v in xy(lon, lat).split(","))
        label = escape(name)
        if action == "return":
            parts.append(
                f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#333">'
                f"<title>{label} (depot)</title></rect>"
            )
        else:
            share = shares.get(place, 1.0)
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{_shade(share)}" stroke="#333">'
                f"<title>{label}: {share:.0%} delivered</title></circle>"
            )
    legend = " ".join(
        f'<tspan fill="{_COLOURS[i % len(_COLOURS)]}">{escape(k)}</tspan>'
        for i, k in enumerate(kinds)
    )
    parts.append(f'<text x="{_PAD}" y="{_H - 6}">{legend}</text></svg>')
    return "".join(parts)


def _shade(share: float) -> str:
    red, green = round(220 * (1 - share)), round(160 * share)
    return f"rgb({red},{green},60)"


def _timeline(result: PlanResult, zone: ZoneInfo) -> str:
    routes = result.routes[:MAX_TIMELINE_ROWS]
    if not routes:
        return "<p>No routes.</p>"
    begin = min(r.departure for r in routes)
    end = max(r.arrival for r in routes)
    total = max((end - begin).total_seconds(), 1.0)
    row, label_w, width = 14, 260, 820

    def x(moment: datetime) -> float:
        return label_w + (moment - begin).total_seconds() / total * (width - label_w - 10)

    height = row * len(routes) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">']
    parts.append(
        f'<text x="{label_w}" y="12">{begin.astimezone(zone):%a %d %b %H:%M}</text>'
        f'<text x="{width - 10}" y="12" text-anchor="end">{end.astimezone(zone):%a %d %b %H:%M}'
        "</text>"
    )
    for i, route in enumerate(routes):
        top = 20 + i * row
        parts.append(f'<text x="0" y="{top + 10}" font-size="10">{escape(route.vehicle)}</text>')
        for leg in route.legs:
            parts.append(
                f'<rect x="{x(leg.depart):.1f}" y="{top + 2}" height="9" fill="#1b6ca8" '
                f'width="{max(x(leg.arrive) - x(leg.depart), 0.5):.1f}">'
                f"<title>{escape(leg.from_id)} to {escape(leg.to_id)}, "
                f"{leg.depart.astimezone(zone):%H:%M}-{leg.arrive.astimezone(zone):%H:%M}, "
                f"under {escape(', '.join(leg.windows))}</title></rect>"
            )
        for stop in route.stops[1:-1]:
            parts.append(
                f'<rect x="{x(stop.start):.1f}" y="{top + 2}" height="9" fill="#edae49" '
                f'width="{max(x(stop.end) - x(stop.start), 0.5):.1f}">'
                f"<title>{escape(stop.action)} {stop.amount} at {escape(stop.name)}</title></rect>"
            )
    parts.append("</svg>")
    more = len(result.routes) - len(routes)
    note = f"<p>and {more} more vehicles (see the CSV)</p>" if more > 0 else ""
    return "".join(parts) + note


def _shortfalls(result: PlanResult) -> str:
    if not result.shortfalls:
        return "<p>Everything is delivered.</p>"
    rows = "".join(
        f"<tr><td>{escape(s.name)}</td><td>{s.priority}</td><td>{s.amount:,} {s.cargo}</td>"
        f"<td>{escape(s.reason.value)}</td><td>{escape(s.detail)}</td></tr>"
        for s in result.shortfalls
    )
    return (
        "<table><tr><th>where</th><th>priority</th><th>left</th><th>reason</th>"
        f"<th>detail</th></tr>{rows}</table>"
    )
