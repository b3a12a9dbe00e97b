"""From an extraction to a draft in the pause file format (``respite-pauses/1``).

This is the one place that maps what was read onto the document, so that new constructs of the
format (announced-later windows, structured movement rules) are adopted here alone. The draft is
``status: draft`` and unpublished, cites the text as its source (title, date, the quote), and
says in each zone's ``approximation`` what the text did not give (a corridor's width, a named
place's extent). A field the text did not give is left out and listed in ``to_fill_in``; when a
required part cannot be built (no zone from the catalogue, no window with times, no time zone)
there is no document, only the extraction and that list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from respite.pauses.model import FORMAT_ID, Amendment, PauseFile

from .model import Extraction, PlaceFound, WindowFound

__all__ = ["AmendmentDraft", "Draft", "SourceText", "draft_document", "draft_extension"]

# Widths and radii the text never gives: stated in the zone's approximation, to confirm.
CORRIDOR_WIDTH_M = 1000
PLACE_RADIUS_M = 2000
CROSSING_RADIUS_M = 500
_OBJECTIVE_TEXT = {
    "aid_trucks_in": ("Humanitarian aid into the area", "إدخال المساعدات الإنسانية"),
    "fuel_in": ("Fuel into the area", "إدخال الوقود"),
    "people_evacuated": ("Civilians leave the area safely", "خروج المدنيين بأمان"),
    "children_vaccinated": ("Children vaccinated", "تطعيم الأطفال"),
    "hostages_released": ("Hostages released", "الإفراج عن الرهائن"),
    "detainees_released": ("Detainees released", "الإفراج عن المعتقلين"),
}
_KIND_TEXT = {
    "humanitarian_pause": ("Humanitarian pause", "هدنة إنسانية"),
    "tactical_pause": ("Tactical pause", "هدنة تكتيكية"),
    "corridor": ("Corridor", "ممر"),
    "truce": ("Truce", "هدنة"),
    "general_ceasefire": ("Ceasefire", "وقف إطلاق النار"),
}


@dataclass(frozen=True, slots=True)
class SourceText:
    """Where the text comes from; ``title`` is required by the format."""

    title: str
    publisher: str | None = None
    url: str | None = None
    date: date | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    """The document (None when it cannot be built) and every field left to fill in."""

    document: PauseFile | None
    to_fill_in: tuple[str, ...]


def draft_document(extraction: Extraction, source: SourceText) -> Draft:
    """A draft pause file for ``extraction`` (see the module docstring)."""
    gaps = list(extraction.to_fill_in)
    if not extraction.is_announcement or extraction.kind is None:
        return Draft(None, ("the text announces no pause",))
    zone = _zone_of(extraction)
    if zone is None:
        gaps.append("timezone")
        return Draft(None, tuple(dict.fromkeys(gaps)))
    windows = [(i, _window_spec(w, zone)) for i, w in enumerate(extraction.windows)]
    usable = [spec for _, spec in windows if spec is not None]
    gaps += [f"windows[{i}] (no usable times: not in the draft)" for i, s in windows if s is None]
    parts = _parts(extraction.places, usable, gaps)
    if not usable:
        gaps.append("windows")
    if not parts:
        gaps.append("parts (no place from the catalogue)")
    if not usable or not parts:
        return Draft(None, tuple(dict.fromkeys(gaps)))
    document = PauseFile.model_validate(
        {
            "format": FORMAT_ID,
            "description": "Draft read from an announcement text; confirm every field.",
            "pauses": [_pause(extraction, source, zone, parts)],
        }
    )
    return Draft(document, tuple(dict.fromkeys(gaps)))


def _zone_of(extraction: Extraction) -> str | None:
    if extraction.timezone is not None:
        return str(extraction.timezone.value)
    zones = [w.timezone for w in extraction.windows if w.timezone]
    return zones[0] if zones else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "pause"


def _pause(
    extraction: Extraction, source: SourceText, zone: str, parts: list[dict[str, Any]]
) -> dict[str, Any]:
    kind = str(extraction.kind.value) if extraction.kind else "humanitarian_pause"
    first = min(
        (w.first_date for w in extraction.windows if w.first_date), default=extraction.anchor
    )
    names = [p for p in extraction.places if p.id]
    label_en, label_ar = _KIND_TEXT.get(kind, _KIND_TEXT["humanitarian_pause"])
    where_en = ", ".join(dict.fromkeys(_english(p) for p in names[:3]))
    where_ar = "، ".join(dict.fromkeys(p.text for p in names[:3]))
    pause: dict[str, Any] = {
        "id": f"draft-{_slug(kind)}-{first.isoformat()}",
        "name": {"en": f"{label_en}: {where_en} ({first.isoformat()}, draft from text)"},
        "kind": kind,
        "status": "draft",
        "published": False,
        "timezone": zone,
        "parts": parts,
        "sources": [_source(extraction, source)],
        "tags": ["draft-from-text"],
    }
    if extraction.language == "ar":
        pause["name"]["ar"] = f"{label_ar}: {where_ar} (مسودة من نص {first.isoformat()})"
    objectives = _objectives(extraction)
    if objectives:
        pause["objectives"] = objectives
    parties = {
        role: sorted({p.name for p in extraction.parties if p.role == role})
        for role in ("announced_by", "agreed_by", "mediators")
    }
    pause["parties"] = {role: names for role, names in parties.items() if names}
    if extraction.notice_hours is not None:
        quote = extraction.notice_hours.span.text if extraction.notice_hours.span else ""
        pause["notice"] = {
            "hours_in_advance": _number(extraction.notice_hours.value),
            "text": _text(quote),
        }
    rules = [
        {"rule": m.rule, "direction": m.direction, "text": _text(m.span.text)}
        for m in extraction.movement
    ]
    if rules:
        pause["movement_rules"] = rules
    return pause


def _number(value: object) -> float:
    if isinstance(value, int | float):
        return float(value)
    raise TypeError(f"expected a number, got {value!r}")


def _english(place: PlaceFound) -> str:
    return place.text if place.text.isascii() else (place.id or place.text)


def _text(quote: str) -> dict[str, str]:
    if quote.isascii():
        return {"en": quote or "as announced"}
    return {"en": "As announced (Arabic text)", "ar": quote}


def _source(extraction: Extraction, source: SourceText) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "title": source.title,
        "note": f"Quote: {extraction.text.strip()[:1500]}",
    }
    if source.publisher:
        entry["publisher"] = source.publisher
    if source.url:
        entry["url"] = source.url
    entry["date"] = (source.date or extraction.anchor).isoformat()
    return entry


def _objectives(extraction: Extraction) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for objective in extraction.objectives:
        en, ar = _OBJECTIVE_TEXT.get(objective.kind, (objective.kind, None))
        entry: dict[str, Any] = {
            "id": objective.kind.replace("_", "-"),
            "kind": objective.kind,
            "description": {"en": en, **({"ar": ar} if ar else {})},
        }
        if objective.target is not None:
            entry["target"] = objective.target
            entry["unit"] = objective.unit
        result.append(entry)
    return result


def _window_spec(window: WindowFound, zone: str) -> dict[str, Any] | None:
    if window.start_local is None or window.first_date is None:
        return None
    spec: dict[str, Any]
    if window.recurrence == "daily":
        if window.end_local is None:
            return None
        count = (window.last_date - window.first_date).days + 1 if window.last_date else None
        spec = {
            "start_time": window.start_local.strftime("%H:%M"),
            "end_time": window.end_local.strftime("%H:%M"),
            "first_date": window.first_date.isoformat(),
            "rrule": f"FREQ=DAILY;COUNT={count}" if count else "FREQ=DAILY",
        }
        if count is None and window.until_further_notice:
            spec["until_further_notice"] = True
    else:
        if window.end_local is None or window.last_date is None:
            return None
        start = datetime.combine(window.first_date, window.start_local)
        end = datetime.combine(window.last_date, window.end_local)
        if end <= start:
            return None
        spec = {
            "start": start.isoformat(timespec="minutes"),
            "end": end.isoformat(timespec="minutes"),
        }
    if window.timezone and window.timezone != zone:
        spec["timezone"] = window.timezone
    if window.derived:
        spec["note"] = "derived, to confirm: " + ", ".join(window.derived)
    return spec


def _parts(
    places: Sequence[PlaceFound], windows: list[dict[str, Any]], gaps: list[str]
) -> list[dict[str, Any]]:
    known = [p for p in places if p.id]
    specific = [p for p in known if p.id != "region:gaza-strip" and p.kind != "country"]
    chosen = specific or known
    parts: list[dict[str, Any]] = []
    governorates = sorted(
        {g for p in chosen if p.kind in ("region", "governorate") for g in p.governorates}
    )
    if governorates:
        names = ", ".join(p.text for p in chosen if p.kind in ("region", "governorate"))
        parts.append(
            {
                "id": "area",
                "name": {"en": names} if names.isascii() else {"en": "Named area", "ar": names},
                "zone": {
                    "governorates": governorates,
                    "approximation": f"The governorates the text's words name ({names}).",
                },
                "windows": windows,
            }
        )
    blocks = sorted({int(p.id.split(":")[1]) for p in chosen if p.kind == "block" and p.id})
    if blocks:
        parts.append({"id": "blocks", "zone": {"blocks": blocks}, "windows": windows})
    for place in chosen:
        ident = place.id or ""
        if place.kind == "road":
            road = ident.split(":", 1)[1]
            parts.append(
                {
                    "id": _slug(road),
                    "zone": {
                        "corridor": {"road": road, "width_m": CORRIDOR_WIDTH_M},
                        "approximation": (
                            f"The shipped road segment, {CORRIDOR_WIDTH_M} m wide: "
                            "the text gives no width or extent."
                        ),
                    },
                    "windows": windows,
                }
            )
            gaps.append(f"parts[{len(parts) - 1}].zone.corridor.width_m")
        elif place.kind in ("place", "crossing") and place.coordinates is not None:
            radius = CROSSING_RADIUS_M if place.kind == "crossing" else PLACE_RADIUS_M
            lon, lat = place.coordinates
            parts.append(
                {
                    "id": _slug(ident.split(":", 1)[1]),
                    "zone": {
                        "circle": {"lon": lon, "lat": lat, "radius_m": radius},
                        "approximation": (
                            f"{radius} m around the catalogue point for {place.text}: "
                            "the text names the place without its extent."
                        ),
                    },
                    "windows": windows,
                }
            )
            gaps.append(f"parts[{len(parts) - 1}].zone.circle.radius_m")
    ids = [p["id"] for p in parts]
    for index, part in enumerate(parts):  # part ids must be unique within a pause
        if ids.count(part["id"]) > 1:
            part["id"] = f"{part['id']}-{index}"
    return parts


@dataclass(frozen=True, slots=True)
class AmendmentDraft:
    """An extension as an amendment of the format; None when its new end is unknown."""

    amendment: dict[str, Any] | None
    to_fill_in: tuple[str, ...]


def draft_extension(
    extraction: Extraction,
    source: SourceText,
    *,
    current_end: datetime | None = None,
    version: int = 2,
) -> AmendmentDraft | None:
    """An ``extend`` amendment when the text extends a pause ("for two more days").

    The new end is the one the text gives ("until Thursday 07:00"), or ``current_end`` (the end
    of the pause being extended, local wall clock) plus the days the text gives. It takes effect
    on the text's date; the time of day is to confirm. None when the text extends nothing.
    """
    if extraction.extension_days is None or not extraction.is_announcement:
        return None
    days = _number(extraction.extension_days.value)
    gaps = ["amendment.effective_at (the text's date; confirm the time)"]
    until: datetime | None = None
    ends = [w for w in extraction.windows if w.end_local is not None and w.last_date is not None]
    if ends:
        window = ends[0]
        assert window.last_date is not None and window.end_local is not None
        until = datetime.combine(window.last_date, window.end_local)
    elif current_end is not None:
        until = current_end.replace(tzinfo=None) + timedelta(days=days)
    else:
        gaps.append("amendment.until (the text gives days only: pass the pause it extends)")
        return AmendmentDraft(None, tuple(gaps))
    quote = extraction.extension_days.span.text if extraction.extension_days.span else ""
    amendment = {
        "version": version,
        "action": "extend",
        "effective_at": datetime.combine(extraction.anchor, datetime.min.time()).isoformat(),
        "until": until.isoformat(timespec="minutes"),
        "summary": _text(quote) if quote else {"en": f"Extended by {days:g} days"},
        "source": _source(extraction, source),
    }
    Amendment.model_validate(amendment)  # the format's own checks, before anyone sees it
    return AmendmentDraft(amendment, tuple(gaps))
