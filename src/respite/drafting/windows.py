"""Assembling windows from clock ranges, dates, durations and repetition cues.

Each time range becomes a window. Its first date is the nearest date mention in the same
sentence that is not the day something was *said* (else "today"/"tomorrow" style mentions
elsewhere, else unknown); a date written after the end time is its last date ("from 12:00 on 17
September until 12:00 on 19 September"). Repetition ("daily", "every day") and "until further
notice" apply within their sentence, or to the whole text when it gives a single window. A
length in days makes a daily window run that many days, or a one-off window end that many days
later (a four-day truce from 07:00 ends at 07:00 four days on); a length in hours gives the end
of a window that only has a start. Without any clock time, a text that still says "daily" or
gives a length or a date describes a window whose times are left to fill in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .clock import TimeRange, find_ranges, folded_pattern
from .dates import DateMention, find_dates
from .model import Span, WindowFound
from .normalise import Folded
from .phrases import Amount, find_daily, find_durations, find_notice, find_ufn
from .zones import ZoneMention, find_zones

__all__ = ["find_windows", "sentences"]

_SENTENCE_END = re.compile(
    r"(?<!\.m)(?<!\bu\.s)(?<!\blt)(?<!\bcol)(?<!\bdr)(?<!\bmr)(?<!\bgen)[.!?;]\s+|\n+"
)
_START_WORDS = folded_pattern(
    r"(?:start\w*|begin\w*|commence\w*|from|as of|effective|تبدأ|يبدأ|ابتداء|اعتبارا|بدءا|منذ)\W*$"
)


@dataclass(frozen=True, slots=True)
class _Context:
    text: Folded
    anchor: date
    sentences: tuple[tuple[int, int], ...]
    dates: tuple[DateMention, ...]
    durations: tuple[Amount, ...]
    daily: tuple[tuple[int, int], ...]
    ufn: tuple[tuple[int, int], ...]

    def sentence_of(self, position: int) -> tuple[int, int]:
        for start, end in self.sentences:
            if start <= position < end:
                return start, end
        return self.sentences[-1] if self.sentences else (0, len(self.text.text))

    def within(
        self, spans: Sequence[tuple[int, int]], sentence: tuple[int, int]
    ) -> list[tuple[int, int]]:
        return [s for s in spans if sentence[0] <= s[0] < sentence[1]]


def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence boundaries in folded text (a.m., U.S. and titles do not end a sentence)."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        bounds.append((start, m.end()))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return tuple(bounds)


def find_windows(text: Folded, anchor: date, default_zone: str | None) -> list[WindowFound]:
    """Every window the folded text describes (see the module docstring)."""
    folded = text.text
    notice = find_notice(folded)
    durations = [
        d
        for d in find_durations(folded)
        if notice is None or not (notice.start <= d.start < notice.end)
    ]
    context = _Context(
        text,
        anchor,
        sentences(folded),
        tuple(d for d in find_dates(folded, anchor) if not d.said),
        tuple(durations),
        tuple(find_daily(folded)),
        tuple(find_ufn(folded)),
    )
    zones = find_zones(folded)
    ranges = find_ranges(folded)
    windows: list[WindowFound] = []
    for time_range in ranges:
        zone = _zone_near(zones, time_range, default_zone)
        window = _window(context, time_range, zone, single=len(ranges) == 1)
        if window is not None:
            windows.append(window)
    if not ranges:
        timeless = _timeless(context, default_zone)
        if timeless is not None:
            windows.append(timeless)
    return _unique(windows)


def _zone_near(
    zones: Sequence[ZoneMention], time_range: TimeRange, default: str | None
) -> str | None:
    for zone in zones:
        if time_range.first.start - 60 <= zone.start <= time_range.last.end + 40:
            return zone.zone
    return default


def _dates_near(context: _Context, position: int, sentence: tuple[int, int]) -> list[DateMention]:
    inside = [d for d in context.dates if sentence[0] <= d.start < sentence[1]]
    return sorted(inside, key=lambda d: abs(d.start - position))


@dataclass(slots=True)
class _Draft:
    """A window being worked out; ``derived`` names what was computed rather than read."""

    start_local: time | None
    end_local: time | None
    first_date: date | None = None
    last_date: date | None = None
    recurring: bool = False
    derived: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)


def _window(
    context: _Context, time_range: TimeRange, zone: str | None, *, single: bool
) -> WindowFound:
    first_time, last_time = time_range.first, time_range.last
    sentence = context.sentence_of(first_time.start)
    draft = _Draft(
        time_range.start.value if time_range.start else None,
        time_range.end.value if time_range.end else None,
    )
    draft.spans.append(context.text.span(first_time.start, first_time.end))
    if last_time is not first_time:
        draft.spans.append(context.text.span(last_time.start, last_time.end))
    _read_dates(context, time_range, sentence, draft, single=single)
    scope = [(0, len(context.text.text))] if single else [sentence]
    daily = context.within(context.daily, sentence)
    if single and not daily:  # "daily pauses ... (next sentence) from 10 to 2"
        daily = [s for s in context.daily if _next_to_pause(context.text.text, s)]
    ufn = [s for sc in scope for s in context.within(context.ufn, sc)]
    lengths = [d for d in context.durations if any(sc[0] <= d.start < sc[1] for sc in scope)]
    days = next((d for d in lengths if d.unit == "days"), None)
    hours = next((d for d in lengths if d.unit == "hours"), None)
    draft.spans += [context.text.span(*s) for s in (*daily, *ufn)]
    draft.spans += [context.text.span(d.start, d.end) for d in (days, hours) if d is not None]
    draft.recurring = draft.recurring or bool(daily)
    _apply_lengths(context, draft, days, hours)
    if first_time.utc and zone is not None and draft.first_date is not None:
        draft.start_local = _from_utc(draft.start_local, draft.first_date, zone)
        draft.end_local = _from_utc(draft.end_local, draft.first_date, zone)
        draft.derived.append("converted from UTC")
    elif first_time.utc:  # a GMT time for an unknown zone: keep it exact, in UTC
        zone = "UTC"
    certainty = 0.9 if "first_date (the text's date)" not in draft.derived else 0.6
    return WindowFound(
        start_local=draft.start_local,
        end_local=draft.end_local,
        first_date=draft.first_date,
        last_date=draft.last_date,
        recurrence="daily" if draft.recurring else "once",
        until_further_notice=bool(ufn) and draft.recurring,
        timezone=zone,
        spans=tuple(sorted(set(draft.spans), key=lambda s: s.start)),
        confidence=certainty - (0.2 if draft.derived else 0.0),
        duration_hours=hours.value if hours else None,
        derived=tuple(draft.derived),
    )


def _read_dates(
    context: _Context,
    time_range: TimeRange,
    sentence: tuple[int, int],
    draft: _Draft,
    *,
    single: bool,
) -> None:
    first_time, last_time = time_range.first, time_range.last
    nearby = _dates_near(context, first_time.start, sentence)
    start_date = nearby[0] if nearby else None
    if start_date is None and single:  # a date in the sentence before ("Sunday... 9 to 4")
        earlier = [d for d in context.dates if d.end <= first_time.start]
        start_date = earlier[-1] if earlier else None
    end_date: DateMention | None = None
    if time_range.end is not None and time_range.start is not None:
        after_end = [
            d
            for d in context.dates
            if 0 <= d.start - last_time.end <= 30 and sentence[0] <= d.start < sentence[1]
        ]
        if after_end and (start_date is None or after_end[0].value > start_date.value):
            end_date = after_end[0]
    for mention in (start_date, end_date):
        if mention is not None:
            draft.spans.append(context.text.span(mention.start, mention.end))
    draft.first_date = start_date.value if start_date else None
    draft.last_date = end_date.value if end_date else None
    if start_date is not None and len(start_date.days) > 1:  # "May 5, 6 and 7"
        draft.recurring = True
        draft.last_date = start_date.days[-1]
    if time_range.start is None and start_date is not None:  # "until Thursday 07:00"
        draft.first_date, draft.last_date = None, start_date.value


def _apply_lengths(
    context: _Context, draft: _Draft, days: Amount | None, hours: Amount | None
) -> None:
    if draft.start_local is not None and draft.end_local is None and hours is not None:
        begin = datetime.combine(draft.first_date or context.anchor, draft.start_local)
        end = begin + timedelta(hours=hours.value)
        draft.end_local = end.time()
        draft.derived.append("end_local")
        if draft.first_date is not None and not draft.recurring:
            draft.last_date = end.date()
    if days is not None and draft.first_date is not None and draft.last_date is None:
        hours_long = (
            draft.end_local is not None
            and draft.start_local is not None
            and draft.end_local > draft.start_local
        )
        if draft.recurring or hours_long:  # "06:00-15:00 for three days": daily, 3 times
            draft.recurring = True
            draft.last_date = draft.first_date + timedelta(days=days.value - 1)
        else:  # "from 07:00 for four days": one window, four days long
            draft.last_date = draft.first_date + timedelta(days=days.value)
            if draft.end_local is None:
                draft.end_local = draft.start_local
                draft.derived.append("end_local")
        draft.derived.append("last_date")
    if draft.first_date is None and (draft.start_local or draft.end_local):
        # Times without a date in a statement are that day's: derived, for confirmation.
        draft.first_date = context.anchor
        draft.derived.append("first_date (the text's date)")
    _close_once(draft)


def _close_once(draft: _Draft) -> None:
    if draft.recurring or draft.first_date is None or draft.last_date is not None:
        return
    if draft.end_local is None:
        return
    overnight = draft.start_local is not None and draft.end_local <= draft.start_local
    draft.last_date = draft.first_date + timedelta(days=1) if overnight else draft.first_date


_PAUSE_WORD = folded_pattern(
    r"(pauses?|truce|ceasefire|corridor|windows?|هدن|هدنة|الهدنة|تهدئة|وقف|تعليق|ممر)"
)


def _next_to_pause(text: str, span: tuple[int, int]) -> bool:
    return _PAUSE_WORD.search(text[max(0, span[0] - 45) : span[1] + 45]) is not None


def _from_utc(value: time | None, day: date, zone: str) -> time | None:
    if value is None:
        return None
    return datetime.combine(day, value, tzinfo=UTC).astimezone(ZoneInfo(zone)).time()


def _timeless(context: _Context, zone: str | None) -> WindowFound | None:
    days = next((d for d in context.durations if d.unit == "days"), None)
    hours = next((d for d in context.durations if d.unit == "hours"), None)
    if not (context.daily or days or hours):
        return None
    starts = [
        d
        for d in context.dates
        if _START_WORDS.search(context.text.text[max(0, d.start - 30) : d.start])
    ]
    start = starts[0] if starts else (context.dates[0] if len(context.dates) == 1 else None)
    spans = [context.text.span(*s) for s in context.daily]
    spans += [context.text.span(d.start, d.end) for d in (days, hours, start) if d is not None]
    first_day = start.value if start else None
    recurring = bool(context.daily) or (
        days is not None and hours is None and first_day is not None
    )
    last_day = None
    if first_day is not None and days is not None:
        last_day = first_day + timedelta(days=days.value - 1)
    return WindowFound(
        start_local=None,
        end_local=None,
        first_date=first_day,
        last_date=last_day,
        recurrence="daily" if recurring else "once",
        until_further_notice=bool(context.ufn) and recurring,
        timezone=zone,
        spans=tuple(sorted(set(spans), key=lambda s: s.start)),
        confidence=0.4,
        duration_hours=hours.value if hours else None,
        derived=("no clock times",),
    )


def _unique(windows: list[WindowFound]) -> list[WindowFound]:
    seen: set[tuple[object, ...]] = set()
    kept: list[WindowFound] = []
    for w in windows:
        key = (w.start_local, w.end_local, w.first_date, w.last_date, w.recurrence)
        if key not in seen:
            seen.add(key)
            kept.append(w)
    return kept
