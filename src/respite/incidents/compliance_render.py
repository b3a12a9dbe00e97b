"""A compliance report as the bytes a client asked for, saying which incidents it counted.

The report renderers (:mod:`respite.compliance`) know nothing of who asked; the set of
incidents a stored report was computed over
(:func:`respite.incidents.compliance_report.incident_set`) is added here: as ``incidents`` in the
JSON, and as a note under the HTML page's title. HXL rows have no place for it; the HTTP
answer's header and the command's output say it.
"""

from __future__ import annotations

import html
import json
from typing import Any

from respite.compliance.render.html import render_html
from respite.compliance.render.hxl import render_hxl
from respite.compliance.report.build import ComplianceReport

MEDIA_TYPES = {
    "json": "application/json",
    "hxl": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def render(report: ComplianceReport, used: dict[str, Any], format: str) -> tuple[str, str]:
    """``(text, media type)`` of the report in ``format`` (json, hxl or html)."""
    if format == "json":
        document = {"incidents": used, **report.to_json()}
        # Compact: a report lists every counted event, tens of megabytes for a big pause.
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return text + "\n", MEDIA_TYPES[format]
    if format == "hxl":
        return render_hxl(report), MEDIA_TYPES[format]
    page = render_html(report)
    note = f'<p class="note">Incidents counted: {html.escape(used["text"])}.</p>'
    return page.replace("</h1>", "</h1>\n" + note, 1), MEDIA_TYPES["html"]
