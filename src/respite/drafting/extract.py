"""Reading one announcement text: the entry point of the pure extraction library.

:func:`extract` checks the text (not empty, not binary, not too long, a language with rules),
folds it, and runs the extractors: places (gazetteer), windows (clock, dates, phrases), kind
and announcement (classify), objectives, parties, movement rules, notice and extension. The
result is an :class:`~respite.drafting.model.Extraction` whose every value carries its span
and a confidence, and whose ``to_fill_in`` names what the text did not say.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import date

from respite.errors import InvalidInput, Problem

from .classify import classify
from .clock import folded_pattern
from .gazetteer import Gazetteer
from .model import Extraction, MovementFound, PlaceFound, Valued, WindowFound
from .normalise import Folded, fold
from .objectives import find_objectives
from .parties import find_parties
from .phrases import Amount, find_extension, find_notice
from .zones import find_zones

__all__ = ["MAX_TEXT_CHARS", "SUPPORTED_LANGUAGES", "extract", "language_of"]

MAX_TEXT_CHARS = 20_000
SUPPORTED_LANGUAGES = ("en", "ar")
_ENGLISH_WORDS = {
    "the",
    "and",
    "of",
    "to",
    "in",
    "a",
    "will",
    "is",
    "for",
    "on",
    "at",
    "from",
    "said",
}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_DIRECTION = folded_pattern(
    r"(southbound|northbound|move south|head south|to the south|north to south|from north to south|"
    r"التنقل جنوبا|باتجاه الجنوب|الاتجاه الجنوبي|جنوبا|نحو الجنوب)"
)
_NO_RETURN = folded_pattern(
    r"(no return (?:from the south )?to the north|لا عودة|عدم العودة|منع العودة)"
)


def language_of(text: str) -> str | None:
    """``ar``, ``en`` or None for a language Respite has no rules for."""
    arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff")
    letters = sum(1 for c in text if c.isalpha())
    if letters == 0:
        return None
    if arabic / letters > 0.3:
        return "ar"
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    words = re.findall(r"[a-z]+", text.lower())
    if latin / letters > 0.8 and words:
        share = sum(1 for w in words if w in _ENGLISH_WORDS) / len(words)
        if share >= 0.08:
            return "en"
    return None


def _check(text: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(
            [
                Problem(
                    "text",
                    f"text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} "
                    "(one announcement, not a document)",
                )
            ]
        )
    if "\x00" in text or len(_CONTROL.findall(text)) > 3:
        raise InvalidInput(
            [Problem("text", "text contains binary data (control characters); give plain text")]
        )
    if not text.strip():
        raise InvalidInput([Problem("text", "text is empty")])
    language = language_of(text)
    if language is None:
        raise InvalidInput(
            [
                Problem(
                    "text",
                    "no extraction rules for this text's language; "
                    f"supported: {', '.join(SUPPORTED_LANGUAGES)} (English, Arabic)",
                )
            ]
        )
    return language


def extract(
    text: str,
    *,
    anchor: date,
    timezone: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> Extraction:
    """Read ``text`` dated ``anchor`` (the day it was published) into an :class:`Extraction`.

    ``timezone`` is the zone to read local times in when the text names none and its places
    give none (``--tz``). Raises :class:`~respite.errors.InvalidInput` for empty, binary,
    oversized text or a language without rules (``location="text"``).
    """
    from .windows import find_windows  # noqa: PLC0415 - windows imports the phrase modules

    language = _check(text)
    folded = fold(text)
    gazetteer = gazetteer or Gazetteer.bundled()
    # "Khartoum time" names a clock, not a place the pause covers.
    clocks = [(z.start, z.end) for z in find_zones(folded.text)]
    places = [
        p
        for p in gazetteer.find(folded)
        if not any(s <= _folded_index(folded, p.span.start) < e for s, e in clocks)
    ]
    zone_value = _zone(places, timezone)
    windows = find_windows(folded, anchor, zone_value.value if zone_value else None)  # type: ignore[arg-type]
    notice = find_notice(folded.text)
    extension = find_extension(folded.text)
    if extension is not None:  # "extend for two days" is an amendment, not a window of its own
        windows = [w for w in windows if not _only_from(w, extension)]
    has_time = any(w.start_local or w.end_local for w in windows)
    specifics = bool(windows) or extension is not None
    multi_day = any(_multi_day(w) for w in windows) or extension is not None
    verdict = classify(folded.text, has_time=has_time, has_specifics=specifics, multi_day=multi_day)
    span = folded.span(*verdict.cue) if verdict.cue else None
    extraction = Extraction(
        text=text,
        language=language,
        anchor=anchor,
        is_announcement=verdict.is_announcement,
        announcement=Valued(verdict.is_announcement, span, verdict.confidence),
        kind=Valued(verdict.kind, span, verdict.confidence),
        places=tuple(places),
        windows=tuple(windows),
        notice_hours=_amount(folded, notice),
        extension_days=_amount(folded, extension),
        objectives=tuple(find_objectives(folded)),
        parties=tuple(find_parties(folded, original=text)),
        movement=tuple(_movement(folded)),
        timezone=zone_value,
    )
    return _with_gaps(extraction)


def _folded_index(folded: Folded, original: int) -> int:
    return next((i for i, o in enumerate(folded.origin) if o >= original), len(folded.text))


def _only_from(window: WindowFound, extension: Amount) -> bool:
    return window.start_local is None and window.end_local is None and window.first_date is None


def _multi_day(window: WindowFound) -> bool:
    if window.first_date and window.last_date and window.recurrence == "once":
        return window.last_date > window.first_date and (
            window.start_local is None
            or window.end_local is None
            or window.start_local == window.end_local
            or (window.last_date - window.first_date).days >= 1
        )
    return False


def _amount(folded: Folded, amount: Amount | None) -> Valued | None:
    if amount is None:
        return None
    return Valued(amount.value, folded.span(amount.start, amount.end), 0.8)


def _zone(places: list[PlaceFound], given: str | None) -> Valued | None:
    if given:
        return Valued(given, None, 1.0)
    zones = Counter(p.timezone for p in places if p.timezone)
    if not zones:
        return None
    zone, _ = zones.most_common(1)[0]
    first = next(p for p in places if p.timezone == zone)
    return Valued(zone, first.span, 0.7)


def _movement(folded: Folded) -> list[MovementFound]:
    found: list[MovementFound] = []
    m = _DIRECTION.search(folded.text)
    if m:
        found.append(MovementFound("direction_only", "south", folded.span(*m.span()), 0.6))
    m = _NO_RETURN.search(folded.text)
    if m:
        found.append(MovementFound("no_return", "north", folded.span(*m.span()), 0.6))
    return found


def _with_gaps(extraction: Extraction) -> Extraction:
    if not extraction.is_announcement:
        return extraction
    gaps: list[str] = []
    if not extraction.places:
        gaps.append("places")
    if extraction.extension_days is not None and not extraction.windows:
        return dataclasses.replace(extraction, to_fill_in=tuple(gaps))  # an amendment: see it
    if not extraction.windows:
        gaps.append("windows")
    for index, window in enumerate(extraction.windows):
        for name in ("start_local", "end_local", "first_date", "timezone"):
            if getattr(window, name) is None:
                gaps.append(f"windows[{index}].{name}")
        if window.recurrence == "once" and window.last_date is None:
            gaps.append(f"windows[{index}].last_date")
    if not any(p.role == "announced_by" for p in extraction.parties):
        gaps.append("parties.announced_by")
    if not extraction.objectives:
        gaps.append("objectives")
    return dataclasses.replace(extraction, to_fill_in=tuple(gaps))
