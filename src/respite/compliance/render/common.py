"""Shared pieces of the HTML rendering: escaping, class styles, SVG marks and numbers.

Every class has a shape and a word as well as a colour (a filled square for inside, an open
circle for possibly inside), so the page reads the same printed in grey or by someone who
does not tell red from purple.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from respite.compliance.report.events import EventEntry

#: Marks drawn per chart: beyond this a chart is unreadable and the page too heavy to open.
MAX_MARKS = 1_500


@dataclass(frozen=True, slots=True)
class ClassStyle:
    label: str
    symbol: str  # the same shape as the SVG mark, for tables and text
    colour: str


STYLES = {
    "inside": ClassStyle("inside", "■", "#b2182b"),
    "possibly": ClassStyle("possibly inside", "○", "#6a3d9a"),
}
ZONE_FILL = "#1b9e77"
MARGIN_FILL = "#a6dba0"
INK = "#222222"


def esc(text: object) -> str:
    """Text for HTML and SVG, quotes included: event notes come from outside."""
    return html.escape(str(text), quote=True)


def mark(klass: str, x: float, y: float, title: str, size: float = 8.0) -> str:
    """The class's SVG mark centred on (x, y), with its title as a tooltip."""
    colour = STYLES[klass].colour
    tip = f"<title>{esc(title)}</title>"
    if klass == "inside":
        h = size / 2
        return (
            f'<rect x="{x - h:.1f}" y="{y - h:.1f}" width="{size:.1f}" height="{size:.1f}" '
            f'fill="{colour}" stroke="{INK}" stroke-width="0.8">{tip}</rect>'
        )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size / 2:.1f}" fill="white" '
        f'stroke="{colour}" stroke-width="2">{tip}</circle>'
    )


def legend(x: float, y: float) -> str:
    """Both marks with their words, in a row starting at (x, y)."""
    parts = []
    for i, (klass, style) in enumerate(STYLES.items()):
        left = x + i * 150
        parts.append(mark(klass, left + 5, y - 4, style.label))
        parts.append(f'<text x="{left + 14}" y="{y}">{esc(style.label)}</text>')
    return "".join(parts)


def number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def killed(total: int, events: int, unknown: int) -> str:
    """Fatalities with the unreported ones named: ``12 (+2 events not reporting)``."""
    if events == 0:
        return "-"
    if unknown == events:
        return f"not reported ({unknown})"
    return f"{total:,}" + (f" (+{unknown} not reporting)" if unknown else "")


def pick_events(
    events: Iterable[EventEntry],
    phases: tuple[str, ...],
    key: Callable[[EventEntry], Hashable],
    limit: int = MAX_MARKS,
) -> tuple[list[EventEntry], int]:
    """One entry per ``key`` (its inside one if any), inside and during first, up to ``limit``.

    Returns the entries to draw and how many were left out.
    """
    best: dict[Hashable, EventEntry] = {}
    for e in events:
        if e.phase not in phases:
            continue
        k = key(e)
        if k not in best or (e.klass == "inside" and best[k].klass != "inside"):
            best[k] = e
    ranked = sorted(best.values(), key=lambda e: (e.klass != "inside", e.phase != "during"))
    return ranked[:limit], max(0, len(ranked) - limit)


def omitted(count: int) -> str:
    return f"; {count:,} more not drawn (all are in the event list)" if count else ""
