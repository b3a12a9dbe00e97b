"""A compliance report as one self-contained HTML page: no scripts, fonts, images or links
to fetch, so it opens offline, can be mailed as a file and prints as it shows.

Everything from outside (event keys, types, locations, notes in "why" lines, feature labels)
is escaped; the page holds a summary, the timeline and map (inline SVG), a table per part,
near sites and movements, and the event list.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from respite.compliance.render.common import STYLES, esc, killed, number
from respite.compliance.render.map import render_map
from respite.compliance.render.timeline import render_timeline
from respite.compliance.report.build import Baseline, ComplianceReport, Counts, Margin, PartReport
from respite.compliance.report.text import interval_text, local_text, metres, span_text

#: Event rows shown on the page; the JSON and HXL outputs always hold every one.
MAX_EVENT_ROWS = 2_000
_LISTED = ("during", "before", "after", "near")

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:70rem;color:#222;
line-height:1.4;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.inside{color:#b2182b;font-weight:bold}.possibly{color:#6a3d9a}
.note{color:#555;font-size:.9rem}svg{max-width:100%;height:auto;border:1px solid #ddd}
@media print{body{max-width:none;margin:0}h2{break-after:avoid}tr,svg{break-inside:avoid}}
"""


def render_html(report: ComplianceReport) -> str:
    tz = ZoneInfo(report.timezone)
    body = [
        f"<h1>Did the pause hold? {esc(report.pause_name)}</h1>",
        _facts(report, tz),
        "<h2>Summary</h2>",
        _how_to_read(report),
        _phase_table(report.during, report.before, report.after),
        _baseline_line(report.baseline, report.options.baseline_days),
        "<h2>Timeline</h2>",
        render_timeline(report),
        "<h2>Map</h2>",
        render_map(report),
        "<h2>By part and window</h2>",
        *(_part(part, tz) for part in report.parts),
    ]
    if report.near:
        body += ["<h2>Near sites and movements</h2>", _near(report, tz)]
    body += ["<h2>Events</h2>", _events(report, tz)]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Compliance report: {esc(report.pause_name)}</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _facts(report: ComplianceReport, tz: ZoneInfo) -> str:
    o = report.options
    as_of = "" if o.as_of is None else f"; as of {esc(local_text(o.as_of, tz))}"
    return (
        f'<p class="note">Pause <code>{esc(report.pause_id)}</code> ({esc(report.kind)}, '
        f"{esc(report.status)}, version {report.version}); all times are local in "
        f"{esc(tz.key)} with the zone named{as_of}. Margins: {number(o.margin_hours)} h before "
        f"and after each window; baseline: the same local hours on {o.baseline_days} days "
        f"before the pause; near: {esc(metres(o.near_distance_m))}. "
        f"Events read: {report.events_seen:,}.</p>"
    )


def _how_to_read(report: ComplianceReport) -> str:
    inside, possibly = STYLES["inside"], STYLES["possibly"]
    return (
        f'<p class="note"><span class="inside">{inside.symbol} Inside</span>: the event\'s '
        "whole time span lies in a window and its whole uncertainty circle in the zone. "
        f'<span class="possibly">{possibly.symbol} Possibly inside</span>: its span or its '
        "circle only partly overlaps. <b>Outside</b>: events at the same time elsewhere. "
        "Pause and part rows count distinct events (each at its best class); window rows "
        "count events per window. Fatalities not reported are counted apart, never as 0.</p>"
    )


def _counts_cells(counts: Counts) -> str:
    return (
        f'<td class="n">{counts.inside:,}</td><td class="n">{counts.possibly:,}</td>'
        f'<td class="n">{counts.outside:,}</td>'
        f'<td class="n">{esc(_killed(counts, "inside"))}</td>'
        f'<td class="n">{esc(_killed(counts, "possibly"))}</td>'
        f"<td>{esc(_types(counts))}</td>"
    )


_COUNT_HEAD = (
    f'<th class="n">{STYLES["inside"].symbol} inside</th>'
    f'<th class="n">{STYLES["possibly"].symbol} possibly</th><th class="n">outside</th>'
    '<th class="n">killed (inside)</th><th class="n">killed (possibly)</th>'
    "<th>event types (inside / possibly)</th>"
)


def _phase_table(during: Counts, before: Counts, after: Counts) -> str:
    rows = [
        ("During the windows", during),
        ("Margin before", before),
        ("Margin after", after),
    ]
    body = "".join(f"<tr><th>{label}</th>{_counts_cells(c)}</tr>" for label, c in rows)
    return f"<table><thead><tr><th></th>{_COUNT_HEAD}</tr></thead><tbody>{body}</tbody></table>"


def _baseline_line(baseline: Baseline, days: int) -> str:
    if not baseline.days:
        return '<p class="note">No baseline days were asked for.</p>'
    per_day = ", ".join(f"{d.inside + d.possibly}" for d in baseline.days)
    return (
        f"<p>Baseline, the same local hours on each of {days} days before the pause "
        f"(inside or possibly, day 1 nearest first): {esc(per_day)}; mean "
        f"{number(baseline.mean_any)} against {baseline.during_inside + baseline.during_possibly:,}"
        f" during the windows: ratio <b>{number(baseline.ratio_any)}</b> "
        f"(inside only: mean {number(baseline.mean_inside)}, ratio "
        f"{number(baseline.ratio_inside)}).</p>"
    )


def _part(part: PartReport, tz: ZoneInfo) -> str:
    head = f"<h3>{esc(part.name)} <small>(<code>{esc(part.id)}</code>)</small></h3>"
    if part.approximation:
        head += f'<p class="note">Zone: {esc(part.approximation)}</p>'
    summary = _phase_table(part.during, part.before, part.after)
    rows = []
    for w in part.windows:
        cut = " (cut at as_of)" if w.cut else ""
        rows.append(
            f"<tr><td>{w.number}</td><td>{esc(interval_text(w.start, w.end, tz) + cut)}</td>"
            f"{_counts_cells(w.during)}<td>{_margin(w.before)}</td><td>{_margin(w.after)}</td>"
            f'<td class="n">{number(w.baseline.mean_any)}</td>'
            f'<td class="n">{number(w.baseline.ratio_any)}</td></tr>'
        )
    table = (
        f"<table><thead><tr><th>#</th><th>window</th>{_COUNT_HEAD}<th>before</th>"
        '<th>after</th><th class="n">baseline mean</th><th class="n">ratio</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return head + summary + _baseline_line(part.baseline, len(part.baseline.days)) + table


def _margin(margin: Margin | None) -> str:
    if margin is None:
        return "-"
    c = margin.counts
    return f"{c.inside} {STYLES['inside'].symbol} / {c.possibly} {STYLES['possibly'].symbol}"


def _near(report: ComplianceReport, tz: ZoneInfo) -> str:
    rows = [
        f"<tr><td>{esc(n.feature.kind)}</td><td>{esc(n.feature.label)}</td>"
        f"<td>{esc(interval_text(n.feature.start, n.feature.end, tz))}</td>"
        f"{_counts_cells(n.counts)}</tr>"
        for n in report.near
    ]
    return (
        f"<table><thead><tr><th>kind</th><th>name</th><th>time</th>{_COUNT_HEAD}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _events(report: ComplianceReport, tz: ZoneInfo) -> str:
    listed = [e for e in report.events if e.phase in _LISTED]
    baseline = len(report.events) - len(listed)
    note = f" {baseline:,} baseline pairs are in the JSON and HXL outputs." if baseline else ""
    if len(listed) > MAX_EVENT_ROWS:
        note += f" The first {MAX_EVENT_ROWS:,} of {len(listed):,} are shown here."
    rows = []
    for e in listed[:MAX_EVENT_ROWS]:
        style = STYLES[e.klass]
        where = e.part if e.window is None else f"{e.part} #{e.window}"
        rows.append(
            f'<tr><td>{esc(e.key)}</td><td class="{e.klass}">{style.symbol} '
            f"{esc(style.label)}</td><td>{esc(e.phase)}</td><td>{esc(where or e.near)}</td>"
            f"<td>{esc(span_text(e.occurred_from, e.occurred_until, tz))}</td>"
            f'<td class="n">{esc(metres(e.radius_m))}</td><td>{esc(e.event_type)}</td>'
            f'<td class="n">{"not reported" if e.fatalities is None else e.fatalities}</td>'
            f"<td>{esc(e.location or '')}</td><td>{esc(e.why)}</td></tr>"
        )
    return (
        f'<p class="note">One row per event and window it meets.{esc(note)}</p>'
        "<table><thead><tr><th>event</th><th>class</th><th>phase</th><th>part / window</th>"
        '<th>dated</th><th class="n">radius</th><th>type</th><th class="n">killed</th>'
        f"<th>location</th><th>why</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _killed(counts: Counts, klass: str) -> str:
    if klass == "inside":
        return killed(counts.fatalities_inside, counts.inside, counts.unknown_fatalities_inside)
    return killed(counts.fatalities_possibly, counts.possibly, counts.unknown_fatalities_possibly)


def _types(counts: Counts) -> str:
    return "; ".join(f"{t.event_type}: {t.inside} / {t.possibly}" for t in counts.by_type)


__all__ = ["MAX_EVENT_ROWS", "render_html"]
