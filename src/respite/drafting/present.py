"""What a person reads: the field list (field, value, span, confidence) and the JSON object.

Both are plain data, shared by the command line and the HTTP view, so the two say the same.
"""

from __future__ import annotations

from typing import Any

from .model import Extraction, Span
from .to_pause import AmendmentDraft, Draft

__all__ = ["as_json", "field_rows"]


def _span(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


def _iso(value: object) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:5] if len(text) == 8 and text[2] == ":" else text  # times as HH:MM


def as_json(
    extraction: Extraction, draft: Draft, extension: AmendmentDraft | None = None
) -> dict[str, Any]:
    """The ``--json`` / HTTP object: every field with its span, and the draft document."""
    to_fill = list(draft.to_fill_in) + (list(extension.to_fill_in) if extension else [])
    return {
        "is_announcement": extraction.is_announcement,
        "language": extraction.language,
        "text_date": extraction.anchor.isoformat(),
        "kind": extraction.kind.value if extraction.kind else None,
        "kind_span": _span(extraction.kind.span) if extraction.kind else None,
        "confidence": extraction.announcement.confidence,
        "timezone": extraction.timezone.value if extraction.timezone else None,
        "places": [
            {
                "text": p.text,
                "id": p.id,
                "kind": p.kind,
                "span": _span(p.span),
                "confidence": p.confidence,
            }
            for p in extraction.places
        ],
        "windows": [
            {
                "start_local": _iso(w.start_local),
                "end_local": _iso(w.end_local),
                "first_date": _iso(w.first_date),
                "last_date": _iso(w.last_date),
                "recurrence": w.recurrence,
                "until_further_notice": w.until_further_notice,
                "timezone": w.timezone,
                "duration_hours": w.duration_hours,
                "derived": list(w.derived),
                "spans": [_span(s) for s in w.spans],
                "confidence": w.confidence,
            }
            for w in extraction.windows
        ],
        "notice_hours": extraction.notice_hours.value if extraction.notice_hours else None,
        "extension_days": extraction.extension_days.value if extraction.extension_days else None,
        "objectives": [
            {
                "kind": o.kind,
                "target": o.target,
                "unit": o.unit,
                "span": _span(o.span),
                "confidence": o.confidence,
            }
            for o in extraction.objectives
        ],
        "parties": [
            {"name": p.name, "role": p.role, "span": _span(p.span), "confidence": p.confidence}
            for p in extraction.parties
        ],
        "movement_rules": [
            {"rule": m.rule, "direction": m.direction, "span": _span(m.span)}
            for m in extraction.movement
        ],
        "to_fill_in": list(dict.fromkeys(to_fill)),
        "draft": draft.document.model_dump(mode="json", exclude_none=True)
        if draft.document
        else None,
        "amendment": extension.amendment if extension else None,
    }


def field_rows(extraction: Extraction) -> list[tuple[str, str, str, str]]:
    """(field, value, span text, confidence) for each thing found, in reading order."""
    rows: list[tuple[str, str, str, str]] = []

    def add(name: str, value: object, span: Span | None, confidence: float) -> None:
        quoted = f"«{span.text}» @{span.start}" if span is not None else "(none)"
        rows.append((name, str(value), quoted, f"{confidence:.2f}"))

    add(
        "is_announcement",
        extraction.is_announcement,
        extraction.announcement.span,
        extraction.announcement.confidence,
    )
    if extraction.kind is not None:
        add("kind", extraction.kind.value, extraction.kind.span, extraction.kind.confidence)
    if extraction.timezone is not None:
        add(
            "timezone",
            extraction.timezone.value,
            extraction.timezone.span,
            extraction.timezone.confidence,
        )
    for index, place in enumerate(extraction.places):
        add(f"places[{index}]", place.id or "(not in catalogue)", place.span, place.confidence)
    for index, w in enumerate(extraction.windows):
        value = (
            f"{_iso(w.start_local) or '?'}-{_iso(w.end_local) or '?'} "
            f"{_iso(w.first_date) or '?'}..{_iso(w.last_date) or '?'} {w.recurrence}"
            f"{' until further notice' if w.until_further_notice else ''} ({w.timezone or '?'})"
        )
        first = w.spans[0] if w.spans else None
        add(f"windows[{index}]", value, first, w.confidence)
        for span in w.spans[1:]:
            add(f"windows[{index}]", "", span, w.confidence)
    if extraction.notice_hours is not None:
        add(
            "notice_hours",
            extraction.notice_hours.value,
            extraction.notice_hours.span,
            extraction.notice_hours.confidence,
        )
    if extraction.extension_days is not None:
        add(
            "extension_days",
            extraction.extension_days.value,
            extraction.extension_days.span,
            extraction.extension_days.confidence,
        )
    for o in extraction.objectives:
        target = f" (target {o.target:g} {o.unit})" if o.target is not None else ""
        add("objectives", f"{o.kind}{target}", o.span, o.confidence)
    for p in extraction.parties:
        add(f"parties.{p.role}", p.name, p.span, p.confidence)
    for m in extraction.movement:
        add("movement_rules", f"{m.rule} {m.direction or ''}".strip(), m.span, m.confidence)
    return rows
