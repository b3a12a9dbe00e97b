"""The report's timeline as inline SVG: one lane per part, time in the pause's local zone.

Windows are shaded, their margins lighter; events are marks (a square inside, a circle
possibly inside), or bars when the event is only dated to an hour or more, so a day-dated
event is drawn across its whole day rather than at a made-up instant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from respite.compliance.render.common import (
    INK,
    MARGIN_FILL,
    STYLES,
    ZONE_FILL,
    esc,
    legend,
    mark,
    omitted,
    pick_events,
)
from respite.compliance.report.build import ComplianceReport
from respite.compliance.report.text import local, local_text

WIDTH = 960
LEFT = 170
RIGHT = 20
TOP = 36
LANE = 56
_BAR_FROM = 3600  # events dated less precisely than an hour are drawn as spans
_SHOWN = ("during", "before", "after")
_MAX_LEVEL = 2


def render_timeline(report: ComplianceReport) -> str:
    tz = ZoneInfo(report.timezone)
    spans = [
        span
        for part in report.parts
        for w in part.windows
        for span in (
            (w.start, w.end),
            *((m.start, m.end) for m in (w.before, w.after) if m is not None),
        )
    ]
    if not spans:
        return '<p class="note">No window falls in the report\'s span.</p>'
    # Whole local days, so an event dated to one of those days is drawn across all of it.
    lo = _midnight(min(s for s, _ in spans), tz, after=False)
    hi = _midnight(max(e for _, e in spans), tz, after=True)
    plot = WIDTH - LEFT - RIGHT
    height = TOP + LANE * len(report.parts) + 56

    def x(t: int) -> float:
        return LEFT + (min(max(t, lo), hi) - lo) / (hi - lo) * plot

    out = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="timeline-title" font-size="12" font-family="sans-serif">',
        f'<title id="timeline-title">Windows, margins and events of {esc(report.pause_name)}, '
        f"local time {esc(tz.key)}</title>",
    ]
    out += _ticks(lo, hi, tz, x, height - 44)
    lane_of = {part.id: i for i, part in enumerate(report.parts)}
    for i, part in enumerate(report.parts):
        top = TOP + i * LANE
        out.append(
            f'<text x="{LEFT - 8}" y="{top + LANE / 2 + 4}" text-anchor="end">'
            f"{esc(_short(part.name))}</text>"
        )
        for w in part.windows:
            for m in (w.before, w.after):
                if m is not None:
                    tip = f"margin: {_span(m.start, m.end, tz)}"
                    out.append(_band(x(m.start), x(m.end), top, MARGIN_FILL, tip))
            tip = f"window {w.number}: {_span(w.start, w.end, tz)}"
            out.append(_band(x(w.start), x(w.end), top, ZONE_FILL, tip))
    # Bars that would cover one another go one level further from the lane's middle.
    levels: dict[tuple[str, str], list[float]] = {}
    chosen, left_out = pick_events(report.events, _SHOWN, key=lambda e: (e.key, e.part))
    for e in sorted(chosen, key=lambda e: e.occurred_from):
        if e.part is None:
            continue
        # Inside above the middle, possibly below, so both classes stay visible where they meet.
        sign = 1 if e.klass == "possibly" else -1
        y = TOP + lane_of[e.part] * LANE + LANE / 2 + sign * 8
        tip = f"{e.key} ({STYLES[e.klass].label}): {e.why}"
        if e.occurred_until - e.occurred_from >= _BAR_FROM:
            x0, x1 = x(e.occurred_from), x(e.occurred_until)
            ends = levels.setdefault((e.part, e.klass), [])
            level = next((i for i, end in enumerate(ends) if end < x0), len(ends))
            if level == len(ends):
                ends.append(x1)
            ends[level] = x1
            y += sign * 7 * min(level, _MAX_LEVEL)
            out.append(_bar(e.klass, x0, x1, y, tip))
        else:
            out.append(mark(e.klass, x(e.occurred_from), y, tip))
    out.append(legend(LEFT, height - 8))
    out.append(
        f'<rect x="{LEFT + 320}" y="{height - 18}" width="14" height="12" fill="{ZONE_FILL}" '
        f'fill-opacity="0.45"/><text x="{LEFT + 338}" y="{height - 8}">window</text>'
        f'<rect x="{LEFT + 410}" y="{height - 18}" width="14" height="12" fill="{MARGIN_FILL}" '
        f'fill-opacity="0.45"/><text x="{LEFT + 428}" y="{height - 8}">margin'
        f"{esc(omitted(left_out))}</text>"
    )
    out.append("</svg>")
    return "".join(out)


def _band(x0: float, x1: float, top: float, fill: str, tip: str) -> str:
    return (
        f'<rect x="{x0:.1f}" y="{top + 4}" width="{max(x1 - x0, 1):.1f}" height="{LANE - 8}" '
        f'fill="{fill}" fill-opacity="0.45"><title>{esc(tip)}</title></rect>'
    )


def _bar(klass: str, x0: float, x1: float, y: float, tip: str) -> str:
    colour = STYLES[klass].colour
    # Inside: a solid bar; possibly: a dashed outline, so the two differ without colour.
    style = (
        f'fill="{colour}"'
        if klass == "inside"
        else (f'fill="white" stroke="{colour}" stroke-width="1.5" stroke-dasharray="3 2"')
    )
    return (
        f'<rect x="{x0:.1f}" y="{y - 3:.1f}" width="{max(x1 - x0, 2):.1f}" height="6" {style}>'
        f"<title>{esc(tip)}</title></rect>"
    )


def _span(start: int, end: int, tz: ZoneInfo) -> str:
    return f"{local_text(start, tz)} to {local_text(end, tz)}"


def _ticks(
    lo: int, hi: int, tz: ZoneInfo, place: Callable[[int], float], axis_y: float
) -> list[str]:
    first = local(lo, tz).replace(hour=0, minute=0, second=0, microsecond=0)
    days = (hi - lo) / 86_400
    step_hours = 3 if days <= 2 else 24 * max(1, round(days / 12))
    out = [f'<line x1="{LEFT}" y1="{axis_y}" x2="{WIDTH - RIGHT}" y2="{axis_y}" stroke="{INK}"/>']
    zones: list[str] = []
    moment = first
    while True:
        t = int(moment.timestamp())
        if t > hi:
            break
        if t >= lo:
            px = place(t)
            label = moment.strftime("%d %b") if moment.hour == 0 else moment.strftime("%H:%M")
            out.append(
                f'<line x1="{px:.1f}" y1="{TOP}" x2="{px:.1f}" y2="{axis_y + 4}" '
                f'stroke="#bbbbbb" stroke-width="0.6"/>'
                f'<text x="{px:.1f}" y="{axis_y + 16}" text-anchor="middle">{esc(label)}</text>'
            )
            if moment.tzname() not in zones:
                zones.append(str(moment.tzname()))
        moment = _wall_add(moment, step_hours, tz)
    names = ", ".join(zones) or str(local(lo, tz).tzname())
    out.append(
        f'<text x="{WIDTH - RIGHT}" y="{axis_y + 32}" text-anchor="end">'
        f"Local time, {esc(names)} ({esc(tz.key)})</text>"
    )
    return out


def _midnight(seconds: int, tz: ZoneInfo, *, after: bool) -> int:
    day = local(seconds, tz).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    if after and int(day.replace(tzinfo=tz).timestamp()) < seconds:
        day += timedelta(days=1)
    return int(day.replace(tzinfo=tz).timestamp())


def _wall_add(moment: datetime, hours: int, tz: ZoneInfo) -> datetime:
    # Ticks stay on the local wall clock (midnight stays midnight across a DST change).
    wall = moment.replace(tzinfo=None) + timedelta(hours=hours)
    return wall.replace(tzinfo=tz)


def _short(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
