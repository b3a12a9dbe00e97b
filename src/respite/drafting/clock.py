"""Clock times in English and Arabic announcements, as positions in folded text.

Finds "10 a.m.", "08:00", "1945 GMT", "ten in the morning", "noon", "الساعة العاشرة صباحا",
"الساعة الـ9:00", "7 صباح", "الثالثة عصرا" and pairs them into ranges ("from 10 a.m. to 2 p.m.",
"between 9 a.m. and 4 p.m.", "من الساعة 8:00 إلى الساعة 19:00"). A time marked GMT/UTC right
after a local one ("6 a.m. (0300 GMT)") only restates it and is dropped; a time given only in
GMT is kept with ``utc=True`` so the caller can convert it once the zone is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from .normalise import fold

__all__ = ["ClockTime", "TimeRange", "find_ranges", "find_times", "folded_pattern", "word_pattern"]


def folded_pattern(pattern: str) -> re.Pattern[str]:
    """A regex written in ordinary spelling, compiled for folded text (إلى matches الي).

    Only non-ASCII characters are folded: ASCII is regex syntax (``\\W`` must stay upper case).
    """
    return re.compile("".join(fold(c).text if ord(c) > 127 else c for c in pattern))


def word_pattern(*alternatives: str) -> re.Pattern[str]:
    """Any of ``alternatives`` (regex fragments) as whole words, for folded text."""
    return folded_pattern(r"(?<![\w])(" + "|".join(alternatives) + r")(?![\w])")


_EN_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
# Folded Arabic ordinal hours (ة folded to ه); "عشر"/"عشره" completes 11 and 12.
_AR_ORDINALS = {
    "الواحده": 1,
    "الثانيه": 2,
    "الثالثه": 3,
    "الرابعه": 4,
    "الخامسه": 5,
    "السادسه": 6,
    "السابعه": 7,
    "الثامنه": 8,
    "التاسعه": 9,
    "العاشره": 10,
    "الحاديه عشره": 11,
    "الحاديه عشر": 11,
    "الثانيه عشره": 12,
    "الثانيه عشر": 12,
}
_AR_PERIOD = r"(?:صباحا|صباح|فجرا|ظهرا|الظهر|عصرا|العصر|عصر|مساء|مساءا|المساء|ليلا|الليل)"
_UTC_MARK = fold(
    r"(?:gmt|utc|ت\s?غ|تغ|بتوقيت\s+غرينتش|بتوقيت\s+جرينتش|بتوقيت\s+غرينيتش|غرينتش)"
).text
_ZONE_BETWEEN = folded_pattern(
    r"^\s*(?:\w+\s+time|local time|بتوقيت\s+\w+|بالتوقيت المحلي)\s*[,،(]\s*$"
)
_OTHER_ZONE = re.compile(r"^\s*\(?\s*(?:et|edt|est|pt|cet)\b")

_AMPM = folded_pattern(r"(?<![\w:])(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)(?![\w])")
_H24 = folded_pattern(r"(?<![\w:.,])(\d{1,2})[:.,](\d{2})(?![\w:.,])")
_HHMM_GMT = folded_pattern(r"(?<![\w:])(\d{2})(\d{2})\s*(?:-\s*(\d{2})(\d{2})\s*)?" + _UTC_MARK)
_EN_PHRASE = folded_pattern(
    r"(?<!\w)(\d{1,2}|" + "|".join(_EN_WORDS) + r")(?: o'clock)? in the (morning|afternoon|evening)"
)
_EN_NOON = folded_pattern(r"(?<!\w)(noon|midday|midnight)(?!\w)")
_AR_DIGITS = folded_pattern(
    r"(?:(?:ال)?ساعه\s*(?:ال\s*)?)?(?<![\d:.,])(\d{1,2})(?:[:.,](\d{2}))?\s*("
    + _AR_PERIOD
    + r")?(?![\w:])"
)
_AR_WORDS = folded_pattern(
    r"(?:(?:ال)?ساعه\s+)?(?<!\w)[وف]?(?:ال|لل)("
    + "|".join(sorted((k.removeprefix("ال") for k in _AR_ORDINALS), key=len, reverse=True))
    + r")(?:\s+(?:من\s+)?("
    + _AR_PERIOD
    + r"))?(?!\w)"
)
_AR_SAA = folded_pattern(r"(?:ال)?ساعه\s*$")
_AR_TIME_CONTEXT = folded_pattern(r"(?:من|حتى|إلى|و|تبدأ|تنتهي|في)\s*$")


@dataclass(frozen=True, slots=True)
class ClockTime:
    """A time of day at folded positions ``start``..``end``; ``utc`` when marked GMT/UTC."""

    start: int
    end: int
    value: time
    utc: bool = False
    # 12-hour forms without a.m./p.m. or an Arabic period word ("حتى الرابعة") may need +12 h.
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A start and/or an end time (a lone start: "begins at 7 a.m."; lone end: "until 07:00")."""

    start: ClockTime | None
    end: ClockTime | None

    @property
    def first(self) -> ClockTime:
        found = self.start or self.end
        assert found is not None
        return found

    @property
    def last(self) -> ClockTime:
        found = self.end or self.start
        assert found is not None
        return found


def _ampm(hour: int, minute: int, mark: str) -> time | None:
    if not 1 <= hour <= 12 or minute > 59:
        return None
    pm = mark.startswith("p")
    return time((hour % 12) + (12 if pm else 0), minute)


def _ar_period(hour: int, minute: int, period: str | None) -> tuple[time | None, bool]:
    if hour > 23 or minute > 59:
        return None, False
    if period is None:
        return time(hour, minute), 1 <= hour <= 12
    if period.startswith(("صباح", "فجر")):
        return time(hour % 12 if hour == 12 else hour, minute), False
    if "ظهر" in period:
        return time(hour + 12 if hour < 6 else hour, minute), False
    if "ليل" in period:
        return time(0 if hour == 12 else (hour + 12 if 6 <= hour < 12 else hour), minute), False
    return time(hour + 12 if hour < 12 else hour, minute), False  # عصرا / مساء


def find_times(text: str) -> list[ClockTime]:
    """Every clock time in folded ``text``, in order, overlaps resolved to the longest."""
    found: list[ClockTime] = []
    for m in _HHMM_GMT.finditer(text):
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour < 24 and minute < 60:
            found.append(ClockTime(m.start(), m.end(), time(hour, minute), utc=True))
    for m in _AMPM.finditer(text):
        value = _ampm(int(m.group(1)), int(m.group(2) or 0), m.group(3))
        if value is not None:
            found.append(ClockTime(m.start(), m.end(), value))
    for m in _EN_PHRASE.finditer(text):
        raw = m.group(1)
        hour = int(raw) if raw.isdigit() else _EN_WORDS[raw]
        value = _ampm(hour, 0, "a" if m.group(2) == "morning" else "p")
        if value is not None:
            found.append(ClockTime(m.start(), m.end(), value))
    for m in _EN_NOON.finditer(text):
        found.append(
            ClockTime(m.start(), m.end(), time(0) if m.group(1) == "midnight" else time(12))
        )
    for m in _H24.finditer(text):
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour < 24 and minute < 60:
            found.append(ClockTime(m.start(), m.end(), time(hour, minute), ambiguous=False))
    for m in _AR_DIGITS.finditer(text):
        prefixed = m.group(0).lstrip().startswith(("ساعه", "الساعه"))
        if m.group(3) is None and not prefixed and m.group(2) is None:
            continue  # a bare number is not a time
        value, ambiguous = _ar_period(int(m.group(1)), int(m.group(2) or 0), m.group(3))
        if value is not None:
            found.append(
                ClockTime(m.start(), m.end(), value, ambiguous=ambiguous and not m.group(2))
            )
    for m in _AR_WORDS.finditer(text):
        word = "ال" + m.group(1)
        before = text[max(0, m.start() - 12) : m.start()]
        hour = _AR_ORDINALS[word]
        period = m.group(2)
        # "الثانية" is also "the second": take it only after الساعة, من/حتى/إلى, or with a period.
        context = _AR_SAA.search(before) or _AR_TIME_CONTEXT.search(before)
        if period is None and not m.group(0).startswith(("ساعه", "الساعه")) and not context:
            continue
        value, ambiguous = _ar_period(hour, 0, period)
        if value is not None:
            found.append(ClockTime(m.start(), m.end(), value, ambiguous=ambiguous))
    found = _longest(found)
    for m in re.finditer(_UTC_MARK, text):  # "7,00 ت غ", "08:00-12:00 GMT": those are UTC
        for index, item in enumerate(found):
            if 0 <= m.start() - item.end <= 2 and not item.utc:
                found[index] = ClockTime(item.start, item.end, item.value, utc=True)
                if index and text[found[index - 1].end : item.start].strip() in {"-", "to"}:
                    prior = found[index - 1]
                    found[index - 1] = ClockTime(prior.start, prior.end, prior.value, utc=True)
    # "midnight ET": a time in another zone than the place's says nothing about the window.
    return [t for t in found if not _OTHER_ZONE.match(text[t.end : t.end + 8])]


def _longest(items: list[ClockTime]) -> list[ClockTime]:
    chosen: list[ClockTime] = []
    for item in sorted(items, key=lambda t: (-(t.end - t.start), t.start)):
        if all(item.end <= c.start or c.end <= item.start for c in chosen):
            chosen.append(item)
    return sorted(chosen, key=lambda t: t.start)


_RANGE_GAP = folded_pattern(
    r"^[\s,]*(?:local time\s*)?(?:\([^)]*\)\s*)?(?:on \w+\s*)?(?:and\s+)?"
    r"(?:to|until|till|through|and|-|–|حتى|إلى|وحتى|وإلى|ولغاية|لغاية|و|وتنتهي(?:\s+في)?|وينتهي(?:\s+في)?)"
    r"[\s,]*(?:(?:ال)?ساعه\s*)?(?:ال\s*)?$"
)
_LONG_GAP_END = folded_pattern(
    r"(?:till|until|حتى|وتنتهي|تنتهي|وينتهي|إلى)(?:\s+في)?\s*(?:(?:ال)?ساعه\s*)?(?:ال\s*)?$"
)
_END_ONLY = folded_pattern(
    r"(?:until|till|by|حتى|لغايه)\s*(?:\w+\s*)?(?:(?:ال)?ساعه\s*)?(?:ال\s*)?$"
)


def find_ranges(text: str, times: list[ClockTime] | None = None) -> list[TimeRange]:
    """Pair the clock times of folded ``text`` into ranges (see the module docstring)."""
    times = find_times(text) if times is None else times
    times = _drop_restatements(text, times)
    ranges: list[TimeRange] = []
    index = 0
    while index < len(times):
        current = times[index]
        following = times[index + 1] if index + 1 < len(times) else None
        if following is not None:
            gap = text[current.end : following.start]
            close = _RANGE_GAP.match(gap) is not None
            long_end = len(gap) <= 90 and "." not in gap and _LONG_GAP_END.search(gap)
            if close and following.utc != current.utc:  # "between 7,00 and 14,00 GMT"
                current = ClockTime(current.start, current.end, current.value, utc=True)
                following = ClockTime(following.start, following.end, following.value, utc=True)
            if (close or long_end) and following.utc == current.utc:
                ranges.append(TimeRange(current, _resolve_end(current, following)))
                index += 2
                continue
        before = text[max(0, current.start - 25) : current.start]
        if _END_ONLY.search(before):
            ranges.append(TimeRange(None, current))
        else:
            ranges.append(TimeRange(current, None))
        index += 1
    return ranges


def _resolve_end(start: ClockTime, end: ClockTime) -> ClockTime:
    # "من الساعة 10 صباحا وحتى الرابعة": an unmarked end before the start is afternoon.
    if end.ambiguous and end.value < start.value and end.value.hour + 12 < 24:
        return ClockTime(end.start, end.end, time(end.value.hour + 12, end.value.minute))
    return end


def _drop_restatements(text: str, times: list[ClockTime]) -> list[ClockTime]:
    kept: list[ClockTime] = []
    for item in times:
        if item.utc and kept and not kept[-1].utc:
            between = text[kept[-1].end : item.start]
            if len(between) <= 40 and ("(" in between or "[" in between or not between.strip()):
                continue
        if item.utc and kept and kept[-1].utc and item.start - kept[-1].end <= 3:
            continue
        if kept and _ZONE_BETWEEN.match(
            text[kept[-1].end : item.start]
        ):  # "06:00 بتوقيت الخرطوم، 04:00"
            continue
        kept.append(item)
    # A GMT range written "0300-1200 GMT" restating a local one: drop both ends.
    return kept
